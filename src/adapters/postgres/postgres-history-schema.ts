/**
 * Migration 5: the attribute history of the temporal API (src/adapters/README.md, History).
 *
 * `attr_history` is partitioned by time: declarative RANGE partitions of one calendar month
 * (UTC) each on `ts`, the instance's observedAt (else its createdAt) in epoch milliseconds.
 * Partitions are created ahead of time by `postgres-history-partitions.ts` (the month of
 * every write of the temporal API, and a window around the present for the entity store's
 * feed); `attr_history_default` receives any row of a month without a partition, so a write
 * never fails for want of one. Retention drops whole months when it can.
 */
import type { SqlMigration } from '../sql/sql-migration.js';

export const HISTORY_MIGRATION: SqlMigration = {
  version: 5,
  name: 'attribute-history',
  statements: [
    `CREATE TABLE history_entities (
      pk bigserial PRIMARY KEY,
      tenant text COLLATE "C" NOT NULL,
      id text COLLATE "C" NOT NULL,
      types text NOT NULL,
      scope text,
      created_at text NOT NULL,
      modified_at text NOT NULL
    )`,
    'CREATE UNIQUE INDEX history_entities_id ON history_entities (tenant, id)',
    `CREATE TABLE history_types (
      type text COLLATE "C" NOT NULL,
      entity_pk bigint NOT NULL,
      PRIMARY KEY (type, entity_pk)
    )`,
    'CREATE INDEX history_types_entity ON history_types (entity_pk)',
    'CREATE SEQUENCE attr_history_pk',
    `CREATE TABLE attr_history (
      entity_pk bigint NOT NULL,
      attr text COLLATE "C" NOT NULL,
      ts bigint NOT NULL,
      pk bigint NOT NULL,
      dataset text COLLATE "C" NOT NULL,
      observed_at bigint,
      created_at bigint NOT NULL,
      modified_at bigint NOT NULL,
      deleted_at bigint,
      vclass smallint NOT NULL,
      num double precision,
      txt text COLLATE "C",
      vkey text COLLATE "C",
      doc text NOT NULL,
      PRIMARY KEY (entity_pk, attr, ts, pk)
    ) PARTITION BY RANGE (ts)`,
    'CREATE INDEX attr_history_pk_index ON attr_history (pk)',
    'CREATE TABLE attr_history_default PARTITION OF attr_history DEFAULT',
  ],
};
