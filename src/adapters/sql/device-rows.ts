/**
 * The device registry rows both adapters store (migration 8): key columns plus the group or
 * device as JSON text, the AlreadyExists message of each unique index, and the check that
 * an apikey stays in one tenant.
 */
import type { Device, ServiceGroup } from '../../ingest/devices/device.model.js';
import { alreadyExists, type ProblemDetails } from '../../ngsi-ld/problem-details.js';
import type { SqlMigration } from './sql-migration.js';

export const GROUP_COLUMNS = 'tenant, service_path, apikey, resource, doc';
export const DEVICE_COLUMNS = 'tenant, service_path, device_id, apikey, dev_eui, entity_name, doc';

export const DEVICE_UNIQUE_INDEXES = [
  'device_groups_key',
  'devices_key',
  'devices_apikey_device',
  'devices_dev_eui',
] as const;
export type DeviceUniqueIndex = (typeof DEVICE_UNIQUE_INDEXES)[number];

/** The index a PostgreSQL unique violation names (its `constraint_name`), if it is ours. */
export function deviceUniqueIndex(name: string | undefined): DeviceUniqueIndex | undefined {
  return DEVICE_UNIQUE_INDEXES.find((index) => index === name);
}

/**
 * A row when `apikey` is used by a group or a device of a tenant other than `tenant`.
 * Transports resolve a message by its apikey alone and record the refusals of an unknown
 * device in the tenant of the apikey's group, so an apikey must belong to one tenant (as in
 * the FIWARE IoT Agent, where the apikey selects the service). `param` renders the
 * placeholder of the named parameter in the adapter's syntax.
 */
export function foreignApikeySql(param: (name: 'apikey' | 'tenant') => string): string {
  const apikey = param('apikey');
  const tenant = param('tenant');
  // Two ranges instead of `tenant <> …`: each is one seek in the (apikey, tenant) indexes,
  // where `<>` read every row of the apikey, which made provisioning n devices O(n²).
  return ['<', '>']
    .flatMap((op) => [
      `SELECT 1 AS taken FROM device_groups WHERE apikey = ${apikey} AND tenant ${op} ${tenant}`,
      `SELECT 1 FROM devices WHERE apikey = ${apikey} AND tenant ${op} ${tenant}`,
    ])
    .join(' UNION ALL ')
    .concat(' LIMIT 1');
}

/** Migration 10, the same on both adapters: the indexes of foreignApikeySql's ranges. */
export const APIKEY_TENANT_MIGRATION: SqlMigration = {
  version: 10,
  name: 'apikey-tenant-indexes',
  statements: [
    'CREATE INDEX device_groups_apikey_tenant ON device_groups (apikey, tenant)',
    'CREATE INDEX devices_apikey_tenant ON devices (apikey, tenant)',
  ],
};

export function groupValues(group: ServiceGroup): string[] {
  return [group.tenant, group.servicePath, group.apikey, group.resource, JSON.stringify(group)];
}

export function deviceValues(device: Device): Array<string | null> {
  return [
    device.tenant,
    device.servicePath,
    device.device_id,
    device.apikey,
    device.devEui ?? null,
    device.entity_name,
    JSON.stringify(device),
  ];
}

export function groupFromRow(row: { doc: string }): ServiceGroup {
  return JSON.parse(row.doc) as ServiceGroup;
}

export function deviceFromRow(row: { doc: string }): Device {
  return JSON.parse(row.doc) as Device;
}

/** The index a SQLite "UNIQUE constraint failed: table.col, …" message names. */
export function sqliteUniqueIndex(message: string): DeviceUniqueIndex | undefined {
  const columns = /UNIQUE constraint failed: (.*)$/.exec(message)?.[1];
  switch (columns) {
    case 'device_groups.tenant, device_groups.service_path, device_groups.apikey, device_groups.resource':
      return 'device_groups_key';
    case 'devices.tenant, devices.device_id':
      return 'devices_key';
    case 'devices.apikey, devices.device_id':
      return 'devices_apikey_device';
    case 'devices.dev_eui':
      return 'devices_dev_eui';
    default:
      return undefined;
  }
}

export function groupConflict(group: ServiceGroup): ProblemDetails {
  return alreadyExists(
    `Service group apikey '${group.apikey}' resource '${group.resource}' already exists in service path ${group.servicePath}`,
  );
}

/** The apikey of `what` (a group or device) is another tenant's; that tenant is not named. */
export function apikeyConflict(apikey: string, deviceId?: string): ProblemDetails {
  return alreadyExists(`The apikey '${apikey}' is already used by another tenant`, deviceId);
}

/** The message says which key collided; it names no other tenant's data. */
export function deviceConflict(index: DeviceUniqueIndex, device: Device): ProblemDetails {
  switch (index) {
    case 'devices_apikey_device':
      return alreadyExists(
        `A device ${device.device_id} with apikey '${device.apikey}' is already provisioned`,
        device.device_id,
      );
    case 'devices_dev_eui':
      return alreadyExists(
        `devEui ${device.devEui ?? ''} is already provisioned`,
        device.device_id,
      );
    default:
      return alreadyExists(
        `Device ${device.device_id} already exists in this tenant (device ids are unique per tenant, whatever the service path)`,
        device.device_id,
      );
  }
}
