/**
 * Migration 9: the dead letters of the acquisition layer (ingest/ports/rejection-store.port.ts).
 * Same table as SQLite (sqlite-rejection-schema.ts); text keys in "C" collation.
 */
import type { SqlMigration } from '../sql/sql-migration.js';

export const REJECTION_MIGRATION: SqlMigration = {
  version: 9,
  name: 'ingest-rejections',
  statements: [
    `CREATE TABLE ingest_rejections (
      seq bigserial PRIMARY KEY,
      tenant text COLLATE "C" NOT NULL,
      tenant_known boolean NOT NULL,
      at text NOT NULL,
      reason text COLLATE "C" NOT NULL,
      transport text NOT NULL,
      apikey text,
      device_id text COLLATE "C",
      source text,
      detail text NOT NULL,
      payload_excerpt text
    )`,
    `CREATE INDEX ingest_rejections_tenant ON ingest_rejections (tenant, seq)`,
    `CREATE INDEX ingest_rejections_reason ON ingest_rejections (tenant, reason, seq)`,
    `CREATE INDEX ingest_rejections_device ON ingest_rejections (tenant, device_id, seq)`,
  ],
};
