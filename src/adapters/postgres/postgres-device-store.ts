/**
 * DeviceStore on PostgreSQL: the tables of migration 8, shared by every instance. Each write
 * is one transaction that first locks the `device_registry_counter` row (so registry writes
 * of every instance run one at a time and the apikey-tenant check cannot race), and bumps
 * it when it changed something, so other instances see the new version once it is
 * committed; a unique violation (23505) becomes AlreadyExists.
 */
import type postgres from 'postgres';
import type { DeviceStore, Page } from '../../ingest/ports/device-store.port.js';
import {
  DEVICE_COLUMNS,
  GROUP_COLUMNS,
  apikeyConflict,
  deviceConflict,
  deviceFromRow,
  deviceUniqueIndex,
  deviceValues,
  foreignApikeySql,
  groupConflict,
  groupFromRow,
  groupValues,
  type DeviceUniqueIndex,
} from '../sql/device-rows.js';
import type { PostgresParameter, PostgresSql } from './postgres-database.js';

type DocRow = { doc: string };
type Transaction = postgres.TransactionSql;

const LOCK = 'SELECT value FROM device_registry_counter WHERE one = 1 FOR UPDATE';
const BUMP = 'UPDATE device_registry_counter SET value = value + 1 WHERE one = 1';
const FOREIGN_APIKEY = foreignApikeySql((name) => (name === 'apikey' ? '$1' : '$2'));
const GROUP_FILTER = `tenant = $1 AND ($2::text IS NULL OR service_path = $2)
  AND ($3::text IS NULL OR apikey = $3) AND ($4::text IS NULL OR resource = $4)`;
const GROUP_KEY = 'tenant = $1 AND service_path = $2 AND apikey = $3 AND resource = $4';
const DEVICE_FILTER = 'tenant = $1 AND ($2::text IS NULL OR service_path = $2)';

export function createPostgresDeviceStore(sql: PostgresSql): DeviceStore {
  const run = <T>(text: string, params: unknown[] = []) =>
    sql.unsafe<T[]>(text, params as PostgresParameter[], { prepare: true });

  /** One transaction that bumps the version when `write` reports a change. */
  const writing = (write: (tx: Transaction) => Promise<boolean>): Promise<boolean> =>
    sql.begin(async (tx) => {
      await tx.unsafe(LOCK);
      const changed = await write(tx);
      if (changed) await tx.unsafe(BUMP);
      return changed;
    }) as Promise<boolean>;

  const first = async (text: string, params: unknown[]) => (await run<DocRow>(text, params))[0];

  /** One page of the rows `filter` selects (its parameters `where`), and how many it selects. */
  async function countedPage(
    table: 'device_groups' | 'devices',
    filter: string,
    where: unknown[],
    page: Page,
  ): Promise<{ rows: DocRow[]; count: number }> {
    const [counted] = await run<{ n: number }>(
      `SELECT count(*)::bigint AS n FROM ${table} WHERE ${filter}`,
      where,
    );
    const limit = `$${where.length + 1}`;
    const offset = `$${where.length + 2}`;
    const rows =
      page.limit === 0
        ? []
        : await run<DocRow>(
            `SELECT doc FROM ${table} WHERE ${filter} ORDER BY pk LIMIT ${limit} OFFSET ${offset}`,
            [...where, page.limit, page.offset],
          );
    return { rows, count: Number(counted?.n ?? 0) };
  }

  async function requireOwnApikey(
    tx: Transaction,
    apikey: string,
    tenant: string,
    deviceId?: string,
  ): Promise<void> {
    if ((await tx.unsafe(FOREIGN_APIKEY, [apikey, tenant])).length > 0)
      throw apikeyConflict(apikey, deviceId);
  }

  return {
    async createGroups(groups) {
      await writing(async (tx) => {
        for (const group of groups) {
          await requireOwnApikey(tx, group.apikey, group.tenant);
          await translateUnique(
            tx.unsafe(
              `INSERT INTO device_groups (${GROUP_COLUMNS}) VALUES ($1, $2, $3, $4, $5)`,
              groupValues(group),
            ),
            () => groupConflict(group),
          );
        }
        return groups.length > 0;
      });
    },

    async listGroups(tenant, servicePath, page, filter = {}) {
      const where = [tenant, servicePath ?? null, filter.apikey ?? null, filter.resource ?? null];
      const { rows, count } = await countedPage('device_groups', GROUP_FILTER, where, page);
      return { groups: rows.map(groupFromRow), count };
    },

    updateGroup(key, group) {
      return writing(async (tx) => {
        await requireOwnApikey(tx, group.apikey, key.tenant);
        const result = await translateUnique(
          tx.unsafe(
            `UPDATE device_groups SET apikey = $5, resource = $6, doc = $7 WHERE ${GROUP_KEY}`,
            [
              key.tenant,
              key.servicePath,
              key.apikey,
              key.resource,
              group.apikey,
              group.resource,
              JSON.stringify(group),
            ],
          ),
          () => groupConflict(group),
        );
        return result.count > 0;
      });
    },

    deleteGroup(key) {
      return writing(async (tx) => {
        const result = await tx.unsafe(`DELETE FROM device_groups WHERE ${GROUP_KEY}`, [
          key.tenant,
          key.servicePath,
          key.apikey,
          key.resource,
        ]);
        return result.count > 0;
      });
    },

    async createDevices(devices) {
      await writing(async (tx) => {
        for (const device of devices) {
          await requireOwnApikey(tx, device.apikey, device.tenant, device.device_id);
          await translateUnique(
            tx.unsafe(
              `INSERT INTO devices (${DEVICE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
              deviceValues(device),
            ),
            (index) => deviceConflict(index, device),
          );
        }
        return devices.length > 0;
      });
    },

    async listDevices(tenant, servicePath, page) {
      const where = [tenant, servicePath ?? null];
      const { rows, count } = await countedPage('devices', DEVICE_FILTER, where, page);
      return { devices: rows.map(deviceFromRow), count };
    },

    async getDevice(tenant, servicePath, deviceId) {
      const row = await first(
        `SELECT doc FROM devices WHERE ${DEVICE_FILTER} AND device_id = $3 ORDER BY pk LIMIT 1`,
        [tenant, servicePath ?? null, deviceId],
      );
      return row === undefined ? undefined : deviceFromRow(row);
    },

    updateDevice(device) {
      return writing(async (tx) => {
        const [tenant, servicePath, deviceId, apikey, devEui, entityName, doc] =
          deviceValues(device);
        await requireOwnApikey(tx, device.apikey, device.tenant, device.device_id);
        const result = await translateUnique(
          tx.unsafe(
            `UPDATE devices SET apikey = $4, dev_eui = $5, entity_name = $6, doc = $7
             WHERE tenant = $1 AND service_path = $2 AND device_id = $3`,
            [tenant, servicePath, deviceId, apikey, devEui, entityName, doc] as PostgresParameter[],
          ),
          (index) => deviceConflict(index, device),
        );
        return result.count > 0;
      });
    },

    deleteDevice(tenant, servicePath, deviceId) {
      return writing(async (tx) => {
        const result = await tx.unsafe(
          'DELETE FROM devices WHERE tenant = $1 AND service_path = $2 AND device_id = $3',
          [tenant, servicePath, deviceId],
        );
        return result.count > 0;
      });
    },

    async findDeviceByApikey(apikey, deviceId) {
      const row = await first('SELECT doc FROM devices WHERE apikey = $1 AND device_id = $2', [
        apikey,
        deviceId,
      ]);
      return row === undefined ? undefined : deviceFromRow(row);
    },

    async findDeviceByDevEui(devEui) {
      const row = await first('SELECT doc FROM devices WHERE dev_eui = $1', [devEui]);
      return row === undefined ? undefined : deviceFromRow(row);
    },

    async findGroupByApikey(apikey) {
      const row = await first(
        'SELECT doc FROM device_groups WHERE apikey = $1 ORDER BY pk LIMIT 1',
        [apikey],
      );
      return row === undefined ? undefined : groupFromRow(row);
    },

    async findDevicesByEntity(tenant, entityName) {
      const rows = await run<DocRow>(
        'SELECT doc FROM devices WHERE tenant = $1 AND entity_name = $2 ORDER BY pk',
        [tenant, entityName],
      );
      return rows.map(deviceFromRow);
    },

    async listAllGroups() {
      return (await run<DocRow>('SELECT doc FROM device_groups ORDER BY pk')).map(groupFromRow);
    },

    async listAllDevices() {
      return (await run<DocRow>('SELECT doc FROM devices ORDER BY pk')).map(deviceFromRow);
    },

    async version() {
      const [row] = await run<{ value: number }>(
        'SELECT value FROM device_registry_counter WHERE one = 1',
      );
      return Number(row?.value ?? 0);
    },
  };
}

/** Awaits a statement; unique_violation (23505) becomes the AlreadyExists of its index. */
async function translateUnique<T>(
  pending: PromiseLike<T>,
  conflict: (index: DeviceUniqueIndex) => Error,
): Promise<T> {
  try {
    return await pending;
  } catch (error) {
    const { code, constraint_name: constraint } = error as {
      code?: string;
      constraint_name?: string;
    };
    if (code !== '23505') throw error;
    throw conflict(deviceUniqueIndex(constraint) ?? 'devices_key');
  }
}
