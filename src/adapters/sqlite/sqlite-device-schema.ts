/**
 * Migration 8: the device registry (ingest/ports/device-store.port.ts). Groups and devices
 * are stored as JSON documents; their keys are columns of their own so that the unique
 * keys of the port are enforced by the database. `device_registry_counter` is the one-row
 * version counter every write bumps.
 */
import type { SqlMigration } from '../sql/sql-migration.js';

export const DEVICE_MIGRATION: SqlMigration = {
  version: 8,
  name: 'device-registry',
  statements: [
    `CREATE TABLE device_groups (
      pk INTEGER PRIMARY KEY,
      tenant TEXT NOT NULL,
      service_path TEXT NOT NULL,
      apikey TEXT NOT NULL,
      resource TEXT NOT NULL,
      doc TEXT NOT NULL
    )`,
    `CREATE UNIQUE INDEX device_groups_key ON device_groups (tenant, service_path, apikey, resource)`,
    `CREATE INDEX device_groups_apikey ON device_groups (apikey)`,
    `CREATE TABLE devices (
      pk INTEGER PRIMARY KEY,
      tenant TEXT NOT NULL,
      service_path TEXT NOT NULL,
      device_id TEXT NOT NULL,
      apikey TEXT NOT NULL,
      dev_eui TEXT,
      entity_name TEXT NOT NULL,
      doc TEXT NOT NULL
    )`,
    // One device_id per tenant, whatever the path: it names the tenant's Device entity.
    `CREATE UNIQUE INDEX devices_key ON devices (tenant, device_id)`,
    `CREATE UNIQUE INDEX devices_apikey_device ON devices (apikey, device_id)`,
    `CREATE UNIQUE INDEX devices_dev_eui ON devices (dev_eui) WHERE dev_eui IS NOT NULL`,
    `CREATE INDEX devices_entity ON devices (tenant, entity_name)`,
    `CREATE TABLE device_registry_counter (one INTEGER PRIMARY KEY CHECK (one = 1), value INTEGER NOT NULL)`,
    `INSERT INTO device_registry_counter (one, value) VALUES (1, 0)`,
  ],
};
