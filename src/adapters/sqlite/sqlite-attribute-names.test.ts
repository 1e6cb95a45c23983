import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Entity } from '../../ngsi-ld/model.js';
import { createSqliteAttributeNames } from './sqlite-attribute-names.js';
import { createSqliteChangeLog } from './sqlite-change-log.js';
import { migrateSqlite } from './sqlite-database.js';
import { createSqliteEntityStore } from './sqlite-entity-store.js';

function database(): Database.Database {
  const db = new Database(':memory:');
  migrateSqlite(db);
  return db;
}

const stored = (db: Database.Database) =>
  Object.fromEntries(
    (db.prepare('SELECT iri, id FROM attr_names').all() as Array<{ iri: string; id: number }>).map(
      (row) => [row.iri, row.id],
    ),
  );

describe('createSqliteAttributeNames', () => {
  it('idOf makes a number once and gives it again, remembered once committed', () => {
    const db = database();
    const names = createSqliteAttributeNames(db);
    const first = db.transaction(() => names.idOf('http://a/x'))();
    names.committed();
    assert.equal(db.transaction(() => names.idOf('http://a/x'))(), first);
    assert.deepEqual(stored(db), { 'http://a/x': first });
  });

  it('a number made by a transaction that rolled back is forgotten, not given to its name later', () => {
    const db = database();
    const names = createSqliteAttributeNames(db);
    assert.throws(
      db.transaction(() => {
        names.idOf('http://a/y');
        throw new Error('abort');
      }),
      /abort/,
    );
    names.rolledBack();
    // The rolled back number is free again: another name may take it.
    const z = db.transaction(() => names.idOf('http://a/z'))();
    names.committed();
    const y = db.transaction(() => names.idOf('http://a/y'))();
    names.committed();
    assert.notEqual(y, z);
    assert.deepEqual(stored(db), { 'http://a/z': z, 'http://a/y': y });
  });

  it('the entity store names a rolled back batch’s attributes anew when written again', async () => {
    const db = database();
    const store = createSqliteEntityStore(
      db,
      createSqliteChangeLog(db),
      async () => void db.close(),
    );
    const entity = (id: string, attr: string): Entity => ({
      id,
      type: ['http://t/T'],
      createdAt: 't',
      modifiedAt: 't',
      attrs: { [attr]: [{ type: 'Property', value: 1 }] },
    });
    const creating = (e: Entity) => ({ id: e.id, apply: () => ({ next: e, report: null }) });
    // The batch fails after its index rows were written (and its attribute named).
    db.exec(`CREATE TEMP TRIGGER refuse BEFORE INSERT ON entity_changes
      WHEN NEW.entity_id = 'urn:e:1' BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    await assert.rejects(
      store.mutate('', [creating(entity('urn:e:1', 'http://a/y'))], { createTenant: false }),
      /refused/,
    );
    await store.mutate('', [creating(entity('urn:e:3', 'http://a/z'))], { createTenant: false });
    await store.mutate('', [creating(entity('urn:e:4', 'http://a/y'))], { createTenant: false });
    const rows = db
      .prepare(
        `SELECT e.id, n.iri FROM attr_values v JOIN entities e ON e.pk = v.entity_pk
         JOIN attr_names n ON n.id = v.attr WHERE v.akind IS NOT NULL ORDER BY e.id`,
      )
      .all();
    assert.deepEqual(rows, [
      { id: 'urn:e:3', iri: 'http://a/z' },
      { id: 'urn:e:4', iri: 'http://a/y' },
    ]);
    await store.close();
  });
});
