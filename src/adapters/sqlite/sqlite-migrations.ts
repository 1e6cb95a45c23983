/**
 * The SQLite schema, as numbered migrations (applied by sqlite-database.ts). Index tables
 * are described in src/adapters/README.md; their rows come from sql/entity-index-rows.ts.
 */
import type { SqlMigration } from '../sql/sql-migration.js';

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
    name: 'probe-indexes',
    // Queries probe each candidate entity's attribute rows (sql/condition-sql.ts).
    statements: [
      `CREATE INDEX attr_values_entity_attr ON attr_values (entity_pk, attr)`,
      `DROP INDEX attr_values_entity`,
    ],
  },
];
