/**
 * The FIWARE IoT Agent provisioning API (docs/iot-provisioning.md), so that existing
 * provisioning scripts work unchanged:
 *   POST/GET/PUT/DELETE /iot/services   service groups; PUT and DELETE select ?apikey=&resource=
 *                                       (DELETE with &device=true removes the group's devices too)
 *   POST/GET /iot/devices               devices; GET pages with limit/offset → {count, devices}
 *   GET/PUT/DELETE /iot/devices/:deviceId
 * Tenant: `fiware-service` or `NGSILD-Tenant`; service path: `fiware-servicepath` ('/').
 */
import {
  deviceFields,
  parseDeviceUpdate,
  parseDevices,
} from '../../ingest/devices/device.parser.js';
import type { Device, ServiceGroup } from '../../ingest/devices/device.model.js';
import { DEVICE_ID_PATTERN } from '../../ingest/devices/provisioning-fields.js';
import type { ProvisioningService } from '../../ingest/devices/provisioning.service.js';
import {
  parseServiceGroupUpdate,
  parseServiceGroups,
  serviceGroupFields,
} from '../../ingest/devices/service-group.parser.js';
import { badRequestData } from '../../ngsi-ld/problem-details.js';
import type { QueryParams } from '../ngsi-ld/query-params.js';
import type { IotRequest, IotRouteSpec } from './iot-route-spec.js';

export const IOT_SERVICES_PATH = '/iot/services';
export const IOT_DEVICES_PATH = '/iot/devices';

export interface ProvisioningRoutesDeps {
  provisioning: ProvisioningService;
  paging: { defaultPageSize: number; maxPageSize: number };
}

export function provisioningRoutes(deps: ProvisioningRoutesDeps): IotRouteSpec[] {
  const { provisioning } = deps;
  const page = (query: QueryParams) => {
    const limit = query.nonNegativeInt('limit') ?? deps.paging.defaultPageSize;
    if (limit > deps.paging.maxPageSize)
      throw badRequestData(`limit must not exceed ${deps.paging.maxPageSize}`);
    return { limit, offset: query.nonNegativeInt('offset') ?? 0 };
  };
  /** The device a PUT or DELETE names: writes select one service path, not `/*`. */
  const deviceToChange = (request: IotRequest) => {
    const scope = fixedScope(request);
    return provisioning.getDevice(scope.tenant, scope.servicePath, deviceIdOf(request));
  };

  return [
    {
      method: 'POST',
      url: IOT_SERVICES_PATH,
      action: 'device:write',
      summary: 'Create service groups',
      query: [],
      body: true,
      async handler(request) {
        const scope = fixedScope(request);
        await provisioning.createGroups(scope, parseServiceGroups(request.body, scope));
        return { status: 201 };
      },
    },
    {
      method: 'GET',
      url: IOT_SERVICES_PATH,
      action: 'device:read',
      summary: 'List service groups',
      query: ['limit', 'offset', 'apikey', 'resource'],
      wildcardServicePath: true,
      async handler(request) {
        const { groups, count } = await provisioning.listGroups(
          request.tenant,
          request.servicePath,
          page(request.query),
          {
            ...optional('apikey', request.query.get('apikey')),
            ...optional('resource', request.query.get('resource')),
          },
        );
        return { status: 200, body: { count, services: groups.map(renderGroup) } };
      },
    },
    {
      method: 'PUT',
      url: IOT_SERVICES_PATH,
      action: 'device:write',
      summary: 'Update a service group',
      query: ['apikey', 'resource'],
      body: true,
      async handler(request) {
        const current = await provisioning.getGroup(groupKey(request));
        const scope = fixedScope(request);
        await provisioning.updateGroup(
          current,
          parseServiceGroupUpdate(request.body, current, scope),
        );
        return { status: 204 };
      },
    },
    {
      method: 'DELETE',
      url: IOT_SERVICES_PATH,
      action: 'device:write',
      summary: 'Delete a service group; with device=true its devices too',
      query: ['apikey', 'resource', 'device'],
      async handler(request) {
        const withDevices = request.query.boolean('device');
        await provisioning.deleteGroup(groupKey(request), { withDevices });
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      url: IOT_DEVICES_PATH,
      action: 'device:write',
      summary: 'Provision devices (all or nothing)',
      query: [],
      body: true,
      async handler(request) {
        const scope = fixedScope(request);
        await provisioning.createDevices(scope, parseDevices(request.body, scope));
        return { status: 201 };
      },
    },
    {
      method: 'GET',
      url: IOT_DEVICES_PATH,
      action: 'device:read',
      summary: 'List devices',
      query: ['limit', 'offset'],
      wildcardServicePath: true,
      async handler(request) {
        const { devices, count } = await provisioning.listDevices(
          request.tenant,
          request.servicePath,
          page(request.query),
        );
        return { status: 200, body: { count, devices: devices.map(renderDevice) } };
      },
    },
    {
      method: 'GET',
      url: `${IOT_DEVICES_PATH}/:deviceId`,
      action: 'device:read',
      summary: 'Retrieve a device',
      query: [],
      wildcardServicePath: true,
      async handler(request) {
        const device = await provisioning.getDevice(
          request.tenant,
          request.servicePath,
          deviceIdOf(request),
        );
        return { status: 200, body: renderDevice(device) };
      },
    },
    {
      method: 'PUT',
      url: `${IOT_DEVICES_PATH}/:deviceId`,
      action: 'device:write',
      summary: 'Update a device (device_id, entity_name and entity_type are fixed)',
      query: [],
      body: true,
      async handler(request) {
        const current = await deviceToChange(request);
        const { input, keepPassword } = parseDeviceUpdate(
          request.body,
          current,
          fixedScope(request),
        );
        await provisioning.updateDevice(current, input, { keepPassword });
        return { status: 204 };
      },
    },
    {
      method: 'DELETE',
      url: `${IOT_DEVICES_PATH}/:deviceId`,
      action: 'device:write',
      summary: 'Delete a device and its Device entity',
      query: [],
      async handler(request) {
        await provisioning.deleteDevice(await deviceToChange(request));
        return { status: 204 };
      },
    },
  ];
}

/** The group in the IoT Agent's representation (service / subservice + its fields). */
export function renderGroup(group: ServiceGroup): Record<string, unknown> {
  return { service: group.tenant, subservice: group.servicePath, ...serviceGroupFields(group) };
}

/** The device in the IoT Agent's representation; the password hash is never shown. */
export function renderDevice(device: Device): Record<string, unknown> {
  return { service: device.tenant, service_path: device.servicePath, ...deviceFields(device) };
}

/** Writes name one service path (routes without `wildcardServicePath`). */
function fixedScope(request: IotRequest): { tenant: string; servicePath: string } {
  return { tenant: request.tenant, servicePath: request.servicePath ?? '/' };
}

function groupKey(request: IotRequest) {
  const apikey = request.query.get('apikey');
  const resource = request.query.get('resource');
  if (apikey === undefined || resource === undefined)
    throw badRequestData('apikey and resource query parameters select the service group');
  return { ...fixedScope(request), apikey, resource };
}

function deviceIdOf(request: IotRequest): string {
  const id = request.params['deviceId'] ?? '';
  if (!DEVICE_ID_PATTERN.test(id))
    throw badRequestData(
      `'${id.slice(0, 80)}' is not a device id (letters, digits, '_', '.', ':', '-')`,
    );
  return id;
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
