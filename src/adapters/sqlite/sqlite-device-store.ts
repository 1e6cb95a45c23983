/**
 * DeviceStore on SQLite: the `device_groups`, `devices` and `device_registry_counter` tables
 * (migration 8). better-sqlite3 is synchronous: each write is one transaction that checks
 * the apikey's tenant, writes, and bumps the version counter, finished before the method
 * returns.
 */
import type { Database as SqliteDatabase } from 'better-sqlite3';
import type { Device, ServiceGroup } from '../../ingest/devices/device.model.js';
import type { DeviceStore } from '../../ingest/ports/device-store.port.js';
import {
  DEVICE_COLUMNS,
  GROUP_COLUMNS,
  apikeyConflict,
  deviceConflict,
  deviceFromRow,
  deviceValues,
  foreignApikeySql,
  groupConflict,
  groupFromRow,
  groupValues,
  sqliteUniqueIndex,
  type DeviceUniqueIndex,
} from '../sql/device-rows.js';

type DocRow = { doc: string };

export function createSqliteDeviceStore(db: SqliteDatabase): DeviceStore {
  const bump = db.prepare('UPDATE device_registry_counter SET value = value + 1 WHERE one = 1');
  const version = db.prepare('SELECT value FROM device_registry_counter WHERE one = 1').pluck();

  const insertGroup = db.prepare(
    `INSERT INTO device_groups (${GROUP_COLUMNS}) VALUES (?, ?, ?, ?, ?)`,
  );
  const groupFilter = `tenant = @tenant AND (@servicePath IS NULL OR service_path = @servicePath)
    AND (@apikey IS NULL OR apikey = @apikey) AND (@resource IS NULL OR resource = @resource)`;
  const groupPage = db.prepare<[GroupFilter & { limit: number; offset: number }], DocRow>(
    `SELECT doc FROM device_groups WHERE ${groupFilter} ORDER BY pk LIMIT @limit OFFSET @offset`,
  );
  const groupCount = db
    .prepare<[GroupFilter], number>(`SELECT count(*) FROM device_groups WHERE ${groupFilter}`)
    .pluck();
  const groupKey =
    'tenant = @tenant AND service_path = @servicePath AND apikey = @apikey AND resource = @resource';
  const updateGroup = db.prepare(
    `UPDATE device_groups SET apikey = @newApikey, resource = @newResource, doc = @doc WHERE ${groupKey}`,
  );
  const deleteGroup = db.prepare(`DELETE FROM device_groups WHERE ${groupKey}`);
  const groupByApikey = db.prepare<[string], DocRow>(
    'SELECT doc FROM device_groups WHERE apikey = ? ORDER BY pk LIMIT 1',
  );
  const allGroups = db.prepare<[], DocRow>('SELECT doc FROM device_groups ORDER BY pk');

  const insertDevice = db.prepare(
    `INSERT INTO devices (${DEVICE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const deviceFilter = 'tenant = @tenant AND (@servicePath IS NULL OR service_path = @servicePath)';
  const devicePage = db.prepare<[DeviceFilter & { limit: number; offset: number }], DocRow>(
    `SELECT doc FROM devices WHERE ${deviceFilter} ORDER BY pk LIMIT @limit OFFSET @offset`,
  );
  const deviceCount = db
    .prepare<[DeviceFilter], number>(`SELECT count(*) FROM devices WHERE ${deviceFilter}`)
    .pluck();
  const getDevice = db.prepare<[DeviceFilter & { deviceId: string }], DocRow>(
    `SELECT doc FROM devices WHERE ${deviceFilter} AND device_id = @deviceId ORDER BY pk LIMIT 1`,
  );
  const updateDevice = db.prepare(
    `UPDATE devices SET apikey = ?, dev_eui = ?, entity_name = ?, doc = ?
     WHERE tenant = ? AND service_path = ? AND device_id = ?`,
  );
  const deleteDevice = db.prepare(
    'DELETE FROM devices WHERE tenant = ? AND service_path = ? AND device_id = ?',
  );
  const deviceByApikey = db.prepare<[string, string], DocRow>(
    'SELECT doc FROM devices WHERE apikey = ? AND device_id = ?',
  );
  const deviceByDevEui = db.prepare<[string], DocRow>('SELECT doc FROM devices WHERE dev_eui = ?');
  const devicesByEntity = db.prepare<[string, string], DocRow>(
    'SELECT doc FROM devices WHERE tenant = ? AND entity_name = ? ORDER BY pk',
  );
  const allDevices = db.prepare<[], DocRow>('SELECT doc FROM devices ORDER BY pk');

  const foreignApikey = db
    .prepare<[{ apikey: string; tenant: string }], number>(foreignApikeySql((name) => `@${name}`))
    .pluck();
  const requireOwnApikey = (apikey: string, tenant: string, deviceId?: string) => {
    if (foreignApikey.get({ apikey, tenant }) !== undefined) throw apikeyConflict(apikey, deviceId);
  };

  /** Runs `write` in a transaction that bumps the version when it changed something. */
  const writing = <A extends unknown[]>(write: (...args: A) => boolean) =>
    db.transaction((...args: A) => {
      const changed = write(...args);
      if (changed) bump.run();
      return changed;
    });

  const createGroups = writing((groups: ServiceGroup[]) => {
    for (const group of groups) {
      requireOwnApikey(group.apikey, group.tenant);
      translateUnique(
        () => insertGroup.run(...groupValues(group)),
        () => groupConflict(group),
      );
    }
    return groups.length > 0;
  });
  const createDevices = writing((devices: Device[]) => {
    for (const device of devices) {
      requireOwnApikey(device.apikey, device.tenant, device.device_id);
      translateUnique(
        () => insertDevice.run(...deviceValues(device)),
        (index) => deviceConflict(index, device),
      );
    }
    return devices.length > 0;
  });
  const changeGroup = writing((key: GroupFilter, group: ServiceGroup) => {
    requireOwnApikey(group.apikey, key.tenant);
    const result = translateUnique(
      () =>
        updateGroup.run({
          ...key,
          newApikey: group.apikey,
          newResource: group.resource,
          doc: JSON.stringify(group),
        }),
      () => groupConflict(group),
    );
    return result.changes > 0;
  });
  const removeGroup = writing((key: GroupFilter) => deleteGroup.run(key).changes > 0);
  const changeDevice = writing((device: Device) => {
    const [tenant, servicePath, deviceId, apikey, devEui, entityName, doc] = deviceValues(device);
    requireOwnApikey(device.apikey, device.tenant, device.device_id);
    const result = translateUnique(
      () => updateDevice.run(apikey, devEui, entityName, doc, tenant, servicePath, deviceId),
      (index) => deviceConflict(index, device),
    );
    return result.changes > 0;
  });
  const removeDevice = writing(
    (tenant: string, servicePath: string, deviceId: string) =>
      deleteDevice.run(tenant, servicePath, deviceId).changes > 0,
  );

  return {
    async createGroups(groups) {
      createGroups(groups);
    },
    async listGroups(tenant, servicePath, page, filter = {}) {
      const where: GroupFilter = {
        tenant,
        servicePath: servicePath ?? null,
        apikey: filter.apikey ?? null,
        resource: filter.resource ?? null,
      };
      return {
        groups: groupPage.all({ ...where, ...page }).map(groupFromRow),
        count: groupCount.get(where) ?? 0,
      };
    },
    async updateGroup(key, group) {
      return changeGroup(key, group);
    },
    async deleteGroup(key) {
      return removeGroup(key);
    },
    async createDevices(devices) {
      createDevices(devices);
    },
    async listDevices(tenant, servicePath, page) {
      const where = { tenant, servicePath: servicePath ?? null };
      return {
        devices: devicePage.all({ ...where, ...page }).map(deviceFromRow),
        count: deviceCount.get(where) ?? 0,
      };
    },
    async getDevice(tenant, servicePath, deviceId) {
      const row = getDevice.get({ tenant, servicePath: servicePath ?? null, deviceId });
      return row === undefined ? undefined : deviceFromRow(row);
    },
    async updateDevice(device) {
      return changeDevice(device);
    },
    async deleteDevice(tenant, servicePath, deviceId) {
      return removeDevice(tenant, servicePath, deviceId);
    },
    async findDeviceByApikey(apikey, deviceId) {
      const row = deviceByApikey.get(apikey, deviceId);
      return row === undefined ? undefined : deviceFromRow(row);
    },
    async findDeviceByDevEui(devEui) {
      const row = deviceByDevEui.get(devEui);
      return row === undefined ? undefined : deviceFromRow(row);
    },
    async findGroupByApikey(apikey) {
      const row = groupByApikey.get(apikey);
      return row === undefined ? undefined : groupFromRow(row);
    },
    async findDevicesByEntity(tenant, entityName) {
      return devicesByEntity.all(tenant, entityName).map(deviceFromRow);
    },
    async listAllGroups() {
      return allGroups.all().map(groupFromRow);
    },
    async listAllDevices() {
      return allDevices.all().map(deviceFromRow);
    },
    async version() {
      return Number(version.get());
    },
  };
}

interface DeviceFilter {
  tenant: string;
  servicePath: string | null;
}

interface GroupFilter extends DeviceFilter {
  apikey: string | null;
  resource: string | null;
}

/** Runs a statement; a unique violation becomes the AlreadyExists of the index it names. */
function translateUnique<T>(run: () => T, conflict: (index: DeviceUniqueIndex) => Error): T {
  try {
    return run();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      throw conflict(sqliteUniqueIndex((error as Error).message) ?? 'devices_key');
    }
    throw error;
  }
}
