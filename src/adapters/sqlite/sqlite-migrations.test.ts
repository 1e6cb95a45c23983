import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Entity } from '../../ngsi-ld/model.js';
import { indexRowsBeforeHeads } from '../../../test/support/index-rows-before-heads.js';
import { buildAttributeIndexRows } from '../sql/entity-index-rows.js';
import { migrateSqlite } from './sqlite-database.js';
import { createSqliteChangeLog } from './sqlite-change-log.js';
import { createSqliteEntityStore } from './sqlite-entity-store.js';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.js';

const entity: Entity = {
  id: 'urn:e:1',
  type: ['http://t/A'],
  createdAt: 't',
  modifiedAt: 't',
  attrs: {
    'http://a/p': [
      { type: 'Property', value: [1, 'x'] },
      { type: 'Property', value: 2, datasetId: 'urn:ds:1' },
    ],
    'http://a/n': [{ type: 'LanguageProperty', languageMap: { en: 'one', fr: 'un' } }],
    'http://a/g': [
      { type: 'GeoProperty', value: { type: 'Point', coordinates: [1, 2] } },
      { type: 'Relationship', datasetId: 'urn:ds:1' },
      { type: 'Property', value: true, datasetId: 'urn:ds:2' },
    ],
  },
};

/** A database at version 2, with one entity indexed as version 1 wrote it. */
function databaseAtVersion2(): Database.Database {
  const db = new Database(':memory:');
  db.exec(
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  for (const migration of SQLITE_MIGRATIONS.filter((m) => m.version <= 2)) {
    for (const statement of migration.statements) db.exec(statement);
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(
      migration.version,
      migration.name,
      't',
    );
  }
  const pk = db
    .prepare(
      'INSERT INTO entities (tenant, id, doc, created_at, modified_at) VALUES (?, ?, ?, ?, ?)',
    )
    .run('', entity.id, JSON.stringify(entity), 't', 't').lastInsertRowid;
  const insert = db.prepare(
    'INSERT INTO attr_values (tenant, attr, kind, inst, num, str, entity_pk) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  for (const row of indexRowsBeforeHeads(entity))
    insert.run('', row.attr, row.kind, row.inst, row.num, row.str, pk);
  db.prepare('INSERT INTO entity_types (tenant, type, entity_pk) VALUES (?, ?, ?)').run(
    '',
    'http://t/A',
    pk,
  );
  return db;
}

describe('SQLITE_MIGRATIONS', () => {
  it('migrations 3, 12 and 13 leave the index rows of each attribute as the writer derives them, numbered without gaps, attributes named by number', async () => {
    const db = databaseAtVersion2();
    migrateSqlite(db);
    const rows = db
      .prepare(
        'SELECT n.iri AS attr, seq, kind, inst, num, str, akind FROM attr_values v JOIN attr_names n ON n.id = v.attr ORDER BY n.iri, seq',
      )
      .all();
    const expected = Object.keys(entity.attrs)
      .sort()
      .flatMap((attr) =>
        buildAttributeIndexRows(attr, entity.attrs[attr] ?? []).values.map((row, seq) => ({
          attr,
          seq,
          kind: row.kind,
          inst: row.inst,
          num: row.num,
          str: row.str,
          akind: row.akind,
        })),
      );
    assert.deepEqual(rows, expected);

    // An update after the migration rewrites those rows by position.
    const store = createSqliteEntityStore(
      db,
      createSqliteChangeLog(db),
      async () => void db.close(),
    );
    const next: Entity = {
      ...entity,
      attrs: { ...entity.attrs, 'http://a/p': [{ type: 'Property', value: 'y' }] },
    };
    await store.mutate('', [{ id: entity.id, apply: () => ({ next, report: null }) }], {
      createTenant: false,
    });
    assert.deepEqual(
      db
        .prepare(
          "SELECT seq, kind, str, akind FROM attr_values WHERE attr = (SELECT id FROM attr_names WHERE iri = 'http://a/p')",
        )
        .all(),
      [{ seq: 0, kind: 's', str: 'y', akind: 'Property' }],
    );
    await store.close();
  });
});
