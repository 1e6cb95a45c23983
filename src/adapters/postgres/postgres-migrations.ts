/**
 * The PostgreSQL schema, as numbered migrations (applied by postgres-database.ts). Same
 * tables as SQLite (src/adapters/README.md); text keys use the "C" collation, so text
 * order is code-point order as in SQLite, whatever the database's locale.
 */
import type { SqlMigration } from '../sql/sql-migration.js';
import { HISTORY_MIGRATION } from './postgres-history-schema.js';
import { SUBSCRIPTION_MIGRATION } from './postgres-subscription-schema.js';
import { OUTBOX_EVENT_KEY_MIGRATION } from '../sql/subscription-rows.js';
import { DEVICE_MIGRATION } from './postgres-device-schema.js';
import { REJECTION_MIGRATION } from './postgres-rejection-schema.js';
import { APIKEY_TENANT_MIGRATION } from '../sql/device-rows.js';

/** Characters of `str` held by its b-tree index: a b-tree entry cannot exceed ~2.7 kB. */
export const STR_INDEX_PREFIX = 200;

export const POSTGRES_MIGRATIONS: readonly SqlMigration[] = [
  {
    version: 1,
    name: 'entities-and-indexes',
    statements: [
      `CREATE TABLE tenants (name text COLLATE "C" PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now())`,
      // The document is json, not jsonb: stored and returned as written (member order
      // included, as in SQLite); queries read the index tables, never the document.
      `CREATE TABLE entities (
        pk bigserial PRIMARY KEY,
        tenant text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        doc json NOT NULL,
        created_at text NOT NULL,
        modified_at text NOT NULL,
        UNIQUE (tenant, id)
      )`,
      `CREATE INDEX entities_tenant_pk ON entities (tenant, pk)`,
      `CREATE TABLE entity_types (
        tenant text COLLATE "C" NOT NULL,
        type text COLLATE "C" NOT NULL,
        entity_pk bigint NOT NULL,
        PRIMARY KEY (tenant, type, entity_pk)
      )`,
      `CREATE INDEX entity_types_entity ON entity_types (entity_pk)`,
      `CREATE TABLE attr_values (
        tenant text COLLATE "C" NOT NULL,
        attr text COLLATE "C" NOT NULL,
        kind text COLLATE "C" NOT NULL,
        inst integer NOT NULL,
        num double precision,
        str text COLLATE "C",
        entity_pk bigint NOT NULL
      )`,
      `CREATE INDEX attr_values_num ON attr_values (tenant, attr, kind, num)`,
      `CREATE INDEX attr_values_str ON attr_values (tenant, attr, kind, left(str, ${STR_INDEX_PREFIX}))`,
      `CREATE INDEX attr_values_entity ON attr_values (entity_pk)`,
      // Core PostgreSQL indexes boxes with GiST; PostGIS is not required.
      `CREATE TABLE geo_boxes (
        tenant text COLLATE "C" NOT NULL,
        attr text COLLATE "C" NOT NULL,
        entity_pk bigint NOT NULL,
        box box NOT NULL
      )`,
      `CREATE INDEX geo_boxes_box ON geo_boxes USING gist (box)`,
      `CREATE INDEX geo_boxes_entity ON geo_boxes (entity_pk)`,
    ],
  },
  {
    version: 2,
    name: 'jsonld-contexts',
    statements: [
      `CREATE TABLE jsonld_contexts (
        seq bigserial NOT NULL,
        id text COLLATE "C" PRIMARY KEY,
        kind text NOT NULL,
        url text,
        context json NOT NULL,
        created_at text NOT NULL
      )`,
    ],
  },
  {
    version: 3,
    name: 'probe-and-partial-indexes',
    // Per-entity probes (sql/condition-sql.ts) read (entity_pk, attr); each row lands in one
    // partial index chosen by its kind, so a batch write touches half as many b-trees.
    statements: [
      `CREATE INDEX attr_values_entity_attr ON attr_values (entity_pk, attr)`,
      `DROP INDEX attr_values_entity`,
      `CREATE INDEX attr_values_existence ON attr_values (tenant, attr, num, str) WHERE kind = 'e'`,
      `DROP INDEX attr_values_num`,
      `CREATE INDEX attr_values_num ON attr_values (tenant, attr, kind, num) WHERE kind <> 'e' AND num IS NOT NULL`,
      `DROP INDEX attr_values_str`,
      `CREATE INDEX attr_values_str ON attr_values (tenant, attr, kind, left(str, ${STR_INDEX_PREFIX})) WHERE kind <> 'e' AND str IS NOT NULL`,
    ],
  },
  {
    version: 4,
    name: 'change-log',
    // The transactional outbox of entity changes (context/ports/change-log.port.ts): one row
    // per changed entity, written with the change, removed once the change bus holds it.
    // Documents are stored as text, as written: the relay only reads them back.
    statements: [
      `CREATE TABLE entity_changes (
        seq bigserial PRIMARY KEY,
        tenant text COLLATE "C" NOT NULL,
        entity_id text COLLATE "C" NOT NULL,
        at text NOT NULL,
        previous text,
        current text
      )`,
    ],
  },
  HISTORY_MIGRATION,
  SUBSCRIPTION_MIGRATION,
  {
    version: 7,
    name: 'change-log-subscriptions-version',
    // The subscriptions' version each change committed against (EntityChange).
    statements: [`ALTER TABLE entity_changes ADD COLUMN subscriptions_version bigint`],
  },
  DEVICE_MIGRATION,
  REJECTION_MIGRATION,
  APIKEY_TENANT_MIGRATION,
  OUTBOX_EVENT_KEY_MIGRATION,
  {
    version: 12,
    name: 'history-numbers-by-default',
    // New history instances are copied (postgres-copy.ts) without their number: COPY takes
    // it from the column's default, in row order, as the INSERT took nextval per row.
    statements: [`ALTER TABLE attr_history ALTER COLUMN pk SET DEFAULT nextval('attr_history_pk')`],
  },
  {
    version: 13,
    name: 'change-log-rows-uncompressed',
    // A change row holds two documents: past ~2 kB PostgreSQL would compress them (pglz),
    // a third of the server's time for a 1,000-entity replace's log rows (measured), for
    // rows that live until the relay publishes them. Rows up to a page stay as they are.
    statements: ['ALTER TABLE entity_changes SET (toast_tuple_target = 8160)'],
  },
  {
    version: 14,
    name: 'existence-index-deduplicated',
    // Without `num` (float8, which b-tree deduplication refuses), the entries of the
    // existence rows, nearly all alike, are deduplicated: the index is 14 times smaller
    // (100,000 streetlights), and a batch of 1,000 entities spends a tenth less time on its
    // value rows (measured). `num` (1 almost always: the instance has a q target) is then
    // checked on the row.
    statements: [
      'DROP INDEX attr_values_existence',
      `CREATE INDEX attr_values_existence ON attr_values (tenant, attr, str) WHERE kind = 'e'`,
    ],
  },
  {
    version: 15,
    name: 'instance-heads',
    // An instance's existence row goes when the instance has element rows: one of them
    // carries the AttributeKind (`akind`) instead, and a bare instance keeps its `e` row with
    // `akind` (entity-index-rows.ts). A created streetlight writes 10 rows instead of 18, and
    // the existence index, an entry per instance, gives way to a small one of bare instances.
    statements: [
      'ALTER TABLE attr_values ADD COLUMN akind text COLLATE "C"',
      `UPDATE attr_values v SET akind = h.akind
        FROM (SELECT DISTINCT ON (w.entity_pk, w.attr, w.inst) w.ctid AS row, e.str AS akind
          FROM attr_values w JOIN attr_values e ON e.entity_pk = w.entity_pk AND e.attr = w.attr
            AND e.inst = w.inst AND e.kind = 'e'
          WHERE w.kind <> 'e'
          ORDER BY w.entity_pk, w.attr, w.inst, w.ctid) AS h
        WHERE v.ctid = h.row`,
      `DELETE FROM attr_values e WHERE e.kind = 'e' AND EXISTS (SELECT 1 FROM attr_values w
        WHERE w.entity_pk = e.entity_pk AND w.attr = e.attr AND w.inst = e.inst AND w.kind <> 'e')`,
      `UPDATE attr_values SET akind = str, str = NULL WHERE kind = 'e'`,
      'DROP INDEX attr_values_existence',
      `CREATE INDEX attr_values_bare ON attr_values (tenant, attr) WHERE kind = 'e'`,
    ],
  },
];
