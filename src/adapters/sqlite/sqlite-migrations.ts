/**
 * The SQLite schema, as numbered migrations (applied by sqlite-database.ts). Index tables
 * are described in src/adapters/README.md; their rows come from sql/entity-index-rows.ts.
 */
import type { SqlMigration } from '../sql/sql-migration.js';
import { HISTORY_MIGRATION } from './sqlite-history-schema.js';
import { SUBSCRIPTION_MIGRATION } from './sqlite-subscription-schema.js';
import { OUTBOX_EVENT_KEY_MIGRATION } from '../sql/subscription-rows.js';
import { DEVICE_MIGRATION } from './sqlite-device-schema.js';
import { REJECTION_MIGRATION } from './sqlite-rejection-schema.js';
import { APIKEY_TENANT_MIGRATION } from '../sql/device-rows.js';

export const SQLITE_MIGRATIONS: readonly SqlMigration[] = [
  {
    version: 1,
    name: 'entities-and-indexes',
    statements: [
      `CREATE TABLE tenants (name TEXT PRIMARY KEY, created_at TEXT NOT NULL) WITHOUT ROWID`,
      // pk: the rowid, so creation order is the order of the primary key.
      `CREATE TABLE entities (
        pk INTEGER PRIMARY KEY,
        tenant TEXT NOT NULL,
        id TEXT NOT NULL,
        doc TEXT NOT NULL,
        created_at TEXT NOT NULL,
        modified_at TEXT NOT NULL,
        UNIQUE (tenant, id)
      )`,
      `CREATE INDEX entities_tenant ON entities (tenant)`,
      `CREATE TABLE entity_types (
        tenant TEXT NOT NULL,
        type TEXT NOT NULL,
        entity_pk INTEGER NOT NULL,
        PRIMARY KEY (tenant, type, entity_pk)
      ) WITHOUT ROWID`,
      `CREATE INDEX entity_types_entity ON entity_types (entity_pk)`,
      `CREATE TABLE attr_values (
        tenant TEXT NOT NULL,
        attr TEXT NOT NULL,
        kind TEXT NOT NULL,
        inst INTEGER NOT NULL,
        num REAL,
        str TEXT,
        entity_pk INTEGER NOT NULL
      )`,
      `CREATE INDEX attr_values_num ON attr_values (tenant, attr, kind, num)`,
      `CREATE INDEX attr_values_str ON attr_values (tenant, attr, kind, str)`,
      `CREATE INDEX attr_values_entity ON attr_values (entity_pk)`,
      // R*Tree of GeoProperty bounding boxes; geo_boxes maps its ids to entity and attribute.
      `CREATE TABLE geo_boxes (
        id INTEGER PRIMARY KEY,
        tenant TEXT NOT NULL,
        attr TEXT NOT NULL,
        entity_pk INTEGER NOT NULL
      )`,
      `CREATE INDEX geo_boxes_entity ON geo_boxes (entity_pk)`,
      `CREATE VIRTUAL TABLE geo_rtree USING rtree (id, min_lon, max_lon, min_lat, max_lat)`,
    ],
  },
  {
    version: 2,
    name: 'jsonld-contexts',
    statements: [
      `CREATE TABLE jsonld_contexts (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        url TEXT,
        context TEXT NOT NULL,
        created_at TEXT NOT NULL
      )`,
    ],
  },
  {
    version: 3,
    name: 'compact-index-rows',
    // Each index row now lands in two b-trees instead of four: the table itself, clustered
    // by entity and attribute (the per-entity probes of sql/condition-sql.ts read it by
    // primary key, and an update rewrites the rows of one attribute by position `seq`), and
    // one partial index chosen by the row's kind. Queries name the partial indexes'
    // conditions literally (`kind = 'e'`, `kind <> 'e'`) so SQLite uses them.
    // `seq` is the row's position among its attribute's rows (sql/entity-index-rows.ts,
    // buildAttributeIndexRows); version 1 inserted them in that order.
    statements: [
      `CREATE TABLE attr_values_v3 (
        entity_pk INTEGER NOT NULL,
        attr TEXT NOT NULL,
        seq INTEGER NOT NULL,
        tenant TEXT NOT NULL,
        kind TEXT NOT NULL,
        inst INTEGER NOT NULL,
        num REAL,
        str TEXT,
        PRIMARY KEY (entity_pk, attr, seq)
      ) WITHOUT ROWID`,
      `INSERT INTO attr_values_v3 (entity_pk, attr, seq, tenant, kind, inst, num, str)
        SELECT entity_pk, attr, ROW_NUMBER() OVER (PARTITION BY entity_pk, attr ORDER BY rowid) - 1,
          tenant, kind, inst, num, str
        FROM attr_values`,
      `DROP TABLE attr_values`,
      `ALTER TABLE attr_values_v3 RENAME TO attr_values`,
      `CREATE INDEX attr_values_existence ON attr_values (tenant, attr, num, str) WHERE kind = 'e'`,
      `CREATE INDEX attr_values_num ON attr_values (tenant, attr, kind, num) WHERE kind <> 'e' AND num IS NOT NULL`,
      `CREATE INDEX attr_values_str ON attr_values (tenant, attr, kind, str) WHERE kind <> 'e' AND str IS NOT NULL`,
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
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        tenant TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        at TEXT NOT NULL,
        previous TEXT,
        current TEXT
      )`,
    ],
  },
  HISTORY_MIGRATION,
  SUBSCRIPTION_MIGRATION,
  {
    version: 7,
    name: 'change-log-subscriptions-version',
    // The subscriptions' version each change committed against (EntityChange).
    statements: [`ALTER TABLE entity_changes ADD COLUMN subscriptions_version INTEGER`],
  },
  DEVICE_MIGRATION,
  REJECTION_MIGRATION,
  APIKEY_TENANT_MIGRATION,
  OUTBOX_EVENT_KEY_MIGRATION,
  {
    version: 12,
    name: 'interned-attribute-names',
    // Index rows name their attribute by a number from attr_names instead of its IRI
    // (sqlite-attribute-names.ts): the IRI, some 50 bytes, was in every key of the table and
    // of its partial indexes, so a created entity's 18 rows filled pages three times as fast
    // (a 1,000-entity batch spent a third of its time inserting them; 67 → 38 ms measured
    // for those rows alone). Queries look the number up in the SQL (sqlite-dialect.ts).
    // Numbers are never reused or removed: a name stays once known.
    statements: [
      `CREATE TABLE attr_names (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE)`,
      `INSERT INTO attr_names (iri) SELECT DISTINCT attr FROM attr_values ORDER BY attr`,
      `CREATE TABLE attr_values_v12 (
        entity_pk INTEGER NOT NULL,
        attr INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        tenant TEXT NOT NULL,
        kind TEXT NOT NULL,
        inst INTEGER NOT NULL,
        num REAL,
        str TEXT,
        PRIMARY KEY (entity_pk, attr, seq)
      ) WITHOUT ROWID`,
      `INSERT INTO attr_values_v12 (entity_pk, attr, seq, tenant, kind, inst, num, str)
        SELECT v.entity_pk, n.id, v.seq, v.tenant, v.kind, v.inst, v.num, v.str
        FROM attr_values v JOIN attr_names n ON n.iri = v.attr`,
      `DROP TABLE attr_values`,
      `ALTER TABLE attr_values_v12 RENAME TO attr_values`,
      `CREATE INDEX attr_values_existence ON attr_values (tenant, attr, num, str) WHERE kind = 'e'`,
      `CREATE INDEX attr_values_num ON attr_values (tenant, attr, kind, num) WHERE kind <> 'e' AND num IS NOT NULL`,
      `CREATE INDEX attr_values_str ON attr_values (tenant, attr, kind, str) WHERE kind <> 'e' AND str IS NOT NULL`,
    ],
  },
  {
    version: 13,
    name: 'instance-heads',
    // An instance's existence row goes when the instance has element rows: its first
    // element row carries the AttributeKind (`akind`) instead, and a bare instance keeps
    // its `e` row with `akind` (entity-index-rows.ts). A created streetlight writes 10 rows
    // instead of 18, and the existence index, whose entries every instance paid for, gives
    // way to a small one of bare instances. Positions (`seq`) are renumbered without gaps,
    // as the writer rewrites rows by position.
    statements: [
      `CREATE TABLE attr_values_v13 (
        entity_pk INTEGER NOT NULL,
        attr INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        tenant TEXT NOT NULL,
        kind TEXT NOT NULL,
        inst INTEGER NOT NULL,
        num REAL,
        str TEXT,
        akind TEXT,
        PRIMARY KEY (entity_pk, attr, seq)
      ) WITHOUT ROWID`,
      `INSERT INTO attr_values_v13 (entity_pk, attr, seq, tenant, kind, inst, num, str, akind)
        SELECT v.entity_pk, v.attr,
          ROW_NUMBER() OVER (PARTITION BY v.entity_pk, v.attr ORDER BY v.seq) - 1,
          v.tenant, v.kind, v.inst, v.num,
          CASE WHEN v.kind = 'e' THEN NULL ELSE v.str END,
          CASE
            WHEN v.kind = 'e' THEN v.str
            WHEN v.seq = (SELECT MIN(w.seq) FROM attr_values w WHERE w.entity_pk = v.entity_pk
              AND w.attr = v.attr AND w.inst = v.inst AND w.kind <> 'e')
            THEN (SELECT h.str FROM attr_values h WHERE h.entity_pk = v.entity_pk
              AND h.attr = v.attr AND h.inst = v.inst AND h.kind = 'e')
          END
        FROM attr_values v
        WHERE v.kind <> 'e' OR NOT EXISTS (SELECT 1 FROM attr_values w WHERE
          w.entity_pk = v.entity_pk AND w.attr = v.attr AND w.inst = v.inst AND w.kind <> 'e')`,
      `DROP TABLE attr_values`,
      `ALTER TABLE attr_values_v13 RENAME TO attr_values`,
      `CREATE INDEX attr_values_bare ON attr_values (tenant, attr, num) WHERE kind = 'e'`,
      `CREATE INDEX attr_values_num ON attr_values (tenant, attr, kind, num) WHERE kind <> 'e' AND num IS NOT NULL`,
      `CREATE INDEX attr_values_str ON attr_values (tenant, attr, kind, str) WHERE kind <> 'e' AND str IS NOT NULL`,
    ],
  },
];
