/**
 * Migration 8: the device registry (ingest/ports/device-store.port.ts). Same tables as
 * SQLite (sqlite-device-schema.ts); text keys in "C" collation. The unique indexes carry
 * the names the store maps to AlreadyExists messages.
 */
import type { SqlMigration } from '../sql/sql-migration.js';

export const DEVICE_MIGRATION: SqlMigration = {
  version: 8,
  name: 'device-registry',
  statements: [
    `CREATE TABLE device_groups (
      pk bigserial PRIMARY KEY,
      tenant text COLLATE "C" NOT NULL,
      service_path text COLLATE "C" NOT NULL,
      apikey text COLLATE "C" NOT NULL,
      resource text COLLATE "C" NOT NULL,
      doc text NOT NULL
    )`,
    `CREATE UNIQUE INDEX device_groups_key ON device_groups (tenant, service_path, apikey, resource)`,
    `CREATE INDEX device_groups_apikey ON device_groups (apikey)`,
    `CREATE TABLE devices (
      pk bigserial PRIMARY KEY,
      tenant text COLLATE "C" NOT NULL,
      service_path text COLLATE "C" NOT NULL,
      device_id text COLLATE "C" NOT NULL,
      apikey text COLLATE "C" NOT NULL,
      dev_eui text COLLATE "C",
      entity_name text COLLATE "C" NOT NULL,
      doc text NOT NULL
    )`,
    // One device_id per tenant, whatever the path: it names the tenant's Device entity.
    `CREATE UNIQUE INDEX devices_key ON devices (tenant, device_id)`,
    `CREATE UNIQUE INDEX devices_apikey_device ON devices (apikey, device_id)`,
    `CREATE UNIQUE INDEX devices_dev_eui ON devices (dev_eui) WHERE dev_eui IS NOT NULL`,
    `CREATE INDEX devices_entity ON devices (tenant, entity_name)`,
    `CREATE TABLE device_registry_counter (one integer PRIMARY KEY CHECK (one = 1), value bigint NOT NULL)`,
    `INSERT INTO device_registry_counter (one, value) VALUES (1, 0)`,
  ],
};
