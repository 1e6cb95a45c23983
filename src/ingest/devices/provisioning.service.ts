/**
 * The provisioning service behind /iot/services and /iot/devices (docs/iot-provisioning.md):
 * applies group defaults to devices, keeps the registry (DeviceStore) and the devices'
 * NGSI-LD entities (device-entities.ts) in step, and tells the device directory.
 *
 * Creating or updating devices is all or nothing: everything is checked and the entities
 * are parsed before the registry is written; if the entity write fails, the entities it
 * created are deleted and the registry is put back (devices removed, or the previous
 * version of the device restored).
 */
import type { Logger } from 'pino';
import type { EntityService } from '../../context/entity.service.js';
import type { JsonLdContextService } from '../../context/json-ld-context.service.js';
import {
  alreadyExists,
  badRequestData,
  isProblemDetails,
  resourceNotFound,
  type ProblemDetails,
} from '../../ngsi-ld/problem-details.js';
import type { DeviceStore, GroupKey, Page } from '../ports/device-store.port.js';
import type { Device, ServiceGroup } from './device.model.js';
import type { DeviceInput } from './device.parser.js';
import { defaultEntityName, deviceEntityId } from './device-entities.js';
import { createDeviceEntitiesWriter } from './device-entities.writer.js';
import { hashDevicePassword } from './device-password.js';
import { candidateGroups, selectGroup } from './provisioned-device.js';
import type { HeaderScope, ServiceGroupInput } from './service-group.parser.js';

export interface ProvisioningDeps {
  store: DeviceStore;
  entities: EntityService;
  contexts: Pick<JsonLdContextService, 'resolve'>;
  /** Told after every registry write, so this instance sees it at once. */
  directory?: { invalidate(): void };
  clock: () => Date;
  log?: Pick<Logger, 'warn' | 'error'>;
}

/** Groups read to resolve a device's defaults: the groups of one tenant and service path. */
const GROUP_SCAN = { limit: 1000, offset: 0 };
/** Devices read at a time when a group is deleted with its devices. */
const DEVICE_PAGE = 500;

export function createProvisioningService(deps: ProvisioningDeps) {
  const { store, entities } = deps;
  const now = () => deps.clock().toISOString();
  const changed = () => deps.directory?.invalidate();

  const writer = createDeviceEntitiesWriter(deps);

  /** Applies group defaults: apikey, entity_type, then the default entity_name. */
  async function resolveDevice(
    input: DeviceInput,
    scope: HeaderScope,
    groups: ServiceGroup[],
    where: string,
    kept: { createdAt: string; passwordHash: string | undefined },
  ): Promise<{ device: Device; group: ServiceGroup | undefined }> {
    let apikey = input.apikey;
    if (apikey === undefined) {
      const keys = [...new Set(candidateGroups(groups, input).map((g) => g.apikey))];
      if (keys.length === 0)
        throw badRequestData(
          `${where} has no apikey and service path ${scope.servicePath} has no service group to take it from`,
        );
      if (keys.length > 1)
        throw badRequestData(
          `${where} has no apikey and service path ${scope.servicePath} has several service groups (${keys.join(', ')}); give apikey or protocol`,
        );
      apikey = keys[0] as string;
    }
    const group = selectGroup(groups, { apikey, protocol: input.protocol });
    const entityType = input.entity_type ?? group?.entity_type;
    if (entityType === undefined)
      throw badRequestData(`${where} has no entity_type and no service group gives one`);
    const { password: _password, ...fields } = input;
    const device: Device = {
      ...fields,
      tenant: scope.tenant,
      servicePath: scope.servicePath,
      apikey,
      entity_type: entityType,
      entity_name: input.entity_name ?? defaultEntityName(entityType, input.device_id),
      createdAt: kept.createdAt,
      modifiedAt: now(),
    };
    if (kept.passwordHash !== undefined) device.passwordHash = kept.passwordHash;
    return { device, group };
  }

  /** The group a PUT or DELETE selects by apikey and resource; 404 when there is none. */
  async function findGroup(key: GroupKey): Promise<ServiceGroup> {
    const { groups } = await store.listGroups(key.tenant, key.servicePath, GROUP_SCAN, {
      apikey: key.apikey,
      resource: key.resource,
    });
    const group = groups[0];
    if (group === undefined) throw groupNotFound(key);
    return group;
  }

  /** Removes the device and its Device entity; its measurement entity stays. */
  async function removeDevice(device: Device): Promise<void> {
    if (!(await store.deleteDevice(device.tenant, device.servicePath, device.device_id)))
      throw resourceNotFound(`Device ${device.device_id} does not exist`, device.device_id);
    changed();
    try {
      await entities.deleteEntity(device.tenant, deviceEntityId(device.device_id));
    } catch (error) {
      if (!isProblemDetails(error) || error.status !== 404) throw error;
    }
  }

  async function devicesOfGroup(key: GroupKey): Promise<Device[]> {
    const found: Device[] = [];
    for (let offset = 0; ; offset += DEVICE_PAGE) {
      const { devices } = await store.listDevices(key.tenant, key.servicePath, {
        limit: DEVICE_PAGE,
        offset,
      });
      for (const device of devices) if (device.apikey === key.apikey) found.push(device);
      if (devices.length < DEVICE_PAGE) return found;
    }
  }

  async function requireGroups(scope: HeaderScope): Promise<ServiceGroup[]> {
    return (await store.listGroups(scope.tenant, scope.servicePath, GROUP_SCAN)).groups;
  }

  return {
    async createGroups(scope: HeaderScope, inputs: ServiceGroupInput[]): Promise<void> {
      const at = now();
      const groups: ServiceGroup[] = inputs.map((input) => ({
        ...input,
        tenant: scope.tenant,
        servicePath: scope.servicePath,
        createdAt: at,
        modifiedAt: at,
      }));
      for (const group of groups) await writer.checkGroup(group);
      await store.createGroups(groups);
      changed();
    },

    listGroups(
      tenant: string,
      servicePath: string | undefined,
      page: Page,
      filter: { apikey?: string; resource?: string },
    ) {
      return store.listGroups(tenant, servicePath, page, filter);
    },

    getGroup: findGroup,

    async updateGroup(current: ServiceGroup, input: ServiceGroupInput): Promise<void> {
      const group: ServiceGroup = {
        ...input,
        tenant: current.tenant,
        servicePath: current.servicePath,
        createdAt: current.createdAt,
        modifiedAt: now(),
      };
      await writer.checkGroup(group);
      const key = { ...current };
      if (!(await store.updateGroup(key, group)))
        throw resourceNotFound(`The service group apikey '${current.apikey}' no longer exists`);
      changed();
    },

    /**
     * With `withDevices` (the IoT Agent's `device=true`), the devices of the group's tenant
     * and service path that use its apikey go first, each with its Device entity; the group
     * goes last, so a request that fails half-way can simply be sent again.
     */
    async deleteGroup(key: GroupKey, options: { withDevices: boolean }): Promise<void> {
      if (options.withDevices) {
        await findGroup(key);
        for (const device of await devicesOfGroup(key)) await removeDevice(device);
      }
      if (!(await store.deleteGroup(key))) throw groupNotFound(key);
      changed();
    },

    async createDevices(scope: HeaderScope, inputs: DeviceInput[]): Promise<void> {
      for (const input of inputs) {
        // The Device entity id is per tenant: one device_id per tenant, whatever the path.
        const existing = await store.getDevice(scope.tenant, undefined, input.device_id);
        if (existing !== undefined)
          throw alreadyExists(`Device ${input.device_id} already exists`, input.device_id);
      }
      const groups = await requireGroups(scope);
      const at = now();
      const resolved = await Promise.all(
        inputs.map((input, i) =>
          resolveDevice(input, scope, groups, `devices[${i}]`, {
            createdAt: at,
            passwordHash: undefined,
          }),
        ),
      );
      const writes = await writer.plan(resolved, true);
      // Hashing is costly (scrypt): only once the request was found valid.
      await Promise.all(
        inputs.map(async (input, i) => {
          const device = resolved[i]?.device;
          if (input.password !== undefined && device !== undefined)
            device.passwordHash = await hashDevicePassword(input.password);
        }),
      );
      const devices = resolved.map((r) => r.device);
      await store.createDevices(devices);
      changed();
      try {
        await writer.write(scope.tenant, writes);
      } catch (error) {
        deps.log?.warn(
          { err: error, tenant: scope.tenant, devices: devices.length },
          'Device entities could not be written; the devices are removed again',
        );
        for (const device of devices)
          await store.deleteDevice(device.tenant, device.servicePath, device.device_id);
        changed();
        throw error;
      }
    },

    listDevices(tenant: string, servicePath: string | undefined, page: Page) {
      return store.listDevices(tenant, servicePath, page);
    },

    async getDevice(tenant: string, servicePath: string | undefined, id: string): Promise<Device> {
      const device = await store.getDevice(tenant, servicePath, id);
      if (device === undefined) throw resourceNotFound(`Device ${id} does not exist`, id);
      return device;
    },

    async updateDevice(
      current: Device,
      input: DeviceInput,
      options: { keepPassword: boolean },
    ): Promise<void> {
      const scope = { tenant: current.tenant, servicePath: current.servicePath };
      const passwordHash = options.keepPassword
        ? current.passwordHash
        : input.password === undefined
          ? undefined
          : await hashDevicePassword(input.password);
      const resolved = await resolveDevice(input, scope, await requireGroups(scope), 'The body', {
        createdAt: current.createdAt,
        passwordHash,
      });
      const writes = await writer.plan([resolved], false);
      if (!(await store.updateDevice(resolved.device)))
        throw resourceNotFound(`Device ${current.device_id} does not exist`, current.device_id);
      changed();
      try {
        await writer.write(scope.tenant, writes);
      } catch (error) {
        deps.log?.warn(
          { err: error, tenant: scope.tenant, deviceId: current.device_id },
          'Device entities could not be written; the previous device is restored',
        );
        await store.updateDevice(current);
        changed();
        throw error;
      }
    },

    deleteDevice: removeDevice,
  };
}

function groupNotFound(key: GroupKey): ProblemDetails {
  return resourceNotFound(
    `No service group with apikey '${key.apikey}' and resource '${key.resource}' in service path ${key.servicePath}`,
  );
}

export type ProvisioningService = ReturnType<typeof createProvisioningService>;
