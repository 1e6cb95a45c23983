/**
 * Migration 9: the dead letters of the acquisition layer (ingest/ports/rejection-store.port.ts),
 * trimmed to the newest rows by the store. `seq` orders them (newest first when listed); each
 * index serves one listing filter of GET /api/ingest/rejections within a tenant.
 */
import type { SqlMigration } from '../sql/sql-migration.js';

export const REJECTION_MIGRATION: SqlMigration = {
  version: 9,
  name: 'ingest-rejections',
  statements: [
    `CREATE TABLE ingest_rejections (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      tenant TEXT NOT NULL,
      tenant_known INTEGER NOT NULL,
      at TEXT NOT NULL,
      reason TEXT NOT NULL,
      transport TEXT NOT NULL,
      apikey TEXT,
      device_id TEXT,
      source TEXT,
      detail TEXT NOT NULL,
      payload_excerpt TEXT
    )`,
    `CREATE INDEX ingest_rejections_tenant ON ingest_rejections (tenant, seq)`,
    `CREATE INDEX ingest_rejections_reason ON ingest_rejections (tenant, reason, seq)`,
    `CREATE INDEX ingest_rejections_device ON ingest_rejections (tenant, device_id, seq)`,
  ],
};
