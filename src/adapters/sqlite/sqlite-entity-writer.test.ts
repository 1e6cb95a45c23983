/**
 * The SQLite writer rewrites only the index rows that changed (sqlite-entity-writer.ts):
 * after any sequence of writes, the index tables must hold exactly the rows a full rebuild
 * of every stored document would give (sql/entity-index-rows.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import type { EntityMutation, EntityStore } from '../../context/ports/entity-store.port.js';
import type { Attribute, Entity } from '../../ngsi-ld/model.js';
import { buildAttributeIndexRows } from '../sql/entity-index-rows.js';
import { openSqliteDatabase } from './sqlite-database.js';
import { createSqliteChangeLog } from './sqlite-change-log.js';
import { createSqliteEntityStore } from './sqlite-entity-store.js';

function openStore(): { db: SqliteDatabase; store: EntityStore } {
  const db = openSqliteDatabase(':memory:');
  return {
    db,
    store: createSqliteEntityStore(db, createSqliteChangeLog(db), async () => void db.close()),
  };
}

type Box = {
  id: string;
  attr: string;
  min_lon: number;
  min_lat: number;
  max_lon: number;
  max_lat: number;
};

/** What the index tables hold, per entity id, in a comparable form. */
function storedIndex(db: SqliteDatabase, tenant: string) {
  const rows = db
    .prepare(
      `SELECT e.id, n.iri AS attr, v.seq, v.kind, v.inst, v.num, v.str FROM attr_values v
       JOIN entities e ON e.pk = v.entity_pk JOIN attr_names n ON n.id = v.attr
       WHERE v.tenant = ? ORDER BY e.id, n.iri, v.seq`,
    )
    .all(tenant);
  const types = db
    .prepare(
      `SELECT e.id, t.type FROM entity_types t JOIN entities e ON e.pk = t.entity_pk
       WHERE t.tenant = ? ORDER BY e.id, t.type`,
    )
    .all(tenant);
  const boxes = db
    .prepare(
      `SELECT e.id, g.attr, r.min_lon, r.min_lat, r.max_lon, r.max_lat FROM geo_boxes g
       JOIN geo_rtree r ON r.id = g.id JOIN entities e ON e.pk = g.entity_pk
       WHERE g.tenant = ? ORDER BY e.id, g.attr, r.min_lon, r.min_lat`,
    )
    .all(tenant) as Box[];
  return { rows, types, boxes };
}

/** The same, derived from the stored documents alone. */
function rebuiltIndex(db: SqliteDatabase, tenant: string) {
  const docs = db
    .prepare('SELECT doc FROM entities WHERE tenant = ? ORDER BY id')
    .pluck()
    .all(tenant) as string[];
  const rows: Array<Record<string, unknown>> = [];
  const types: Array<{ id: string; type: string }> = [];
  const boxes: Box[] = [];
  for (const entity of docs.map((doc) => JSON.parse(doc) as Entity)) {
    const { id } = entity;
    for (const type of [...new Set(entity.type)].sort()) types.push({ id, type });
    for (const attr of Object.keys(entity.attrs).sort()) {
      const built = buildAttributeIndexRows(attr, entity.attrs[attr] ?? []);
      built.values.forEach(({ kind, inst, num, str }, seq) =>
        rows.push({ id, attr, seq, kind, inst, num, str }),
      );
      const attrBoxes = built.boxes.map(([min_lon, min_lat, max_lon, max_lat]) => ({
        id,
        attr,
        min_lon,
        min_lat,
        max_lon,
        max_lat,
      }));
      boxes.push(...attrBoxes.sort((a, b) => a.min_lon - b.min_lon || a.min_lat - b.min_lat));
    }
  }
  return { rows, types, boxes };
}

function assertIndexMatchesDocuments(db: SqliteDatabase, tenant = ''): void {
  const stored = storedIndex(db, tenant);
  const rebuilt = rebuiltIndex(db, tenant);
  assert.deepEqual(stored.rows, rebuilt.rows);
  assert.deepEqual(stored.types, rebuilt.types);
  // The R*Tree keeps 32-bit floats, rounded outwards.
  assert.equal(stored.boxes.length, rebuilt.boxes.length);
  stored.boxes.forEach((box, i) => {
    const expected = rebuilt.boxes[i];
    assert.ok(expected);
    assert.deepEqual([box.id, box.attr], [expected.id, expected.attr]);
    for (const edge of ['min_lon', 'min_lat', 'max_lon', 'max_lat'] as const)
      assert.ok(Math.abs(box[edge] - expected[edge]) < 1e-4);
  });
}

const set = (next: Entity): EntityMutation<null> => ({
  id: next.id,
  apply: () => ({ next, report: null }),
});
const change = (id: string, edit: (e: Entity) => Entity): EntityMutation<null> => ({
  id,
  apply: (current) => ({ next: current === undefined ? undefined : edit(current), report: null }),
});
const drop = (id: string): EntityMutation<null> => ({
  id,
  apply: (current) => ({ next: current === undefined ? undefined : null, report: null }),
});
const withAttr = (e: Entity, attr: string, instances: Attribute[] | undefined): Entity => {
  const attrs = { ...e.attrs };
  if (instances === undefined) delete attrs[attr];
  else attrs[attr] = instances;
  return { ...e, attrs };
};

/** A small deterministic generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

function randomInstances(next: () => number): Attribute[] {
  const pick = Math.floor(next() * 7);
  const n = Math.floor(next() * 3);
  switch (pick) {
    case 0:
      return [{ type: 'Property', value: n }];
    case 1:
      return [{ type: 'Property', value: ['a', 'b', 'c'][n] ?? 'a' }];
    case 2:
      return [
        { type: 'Property', value: n },
        { type: 'Property', value: n + 1, datasetId: 'urn:ds:1' },
        ...(n > 0
          ? [{ type: 'Property' as const, value: [n, 'x', true], datasetId: 'urn:ds:2' }]
          : []),
      ];
    case 3:
      return [
        { type: 'GeoProperty', value: { type: 'Point', coordinates: [n, n + 0.5] } },
        ...(n > 0
          ? [
              {
                type: 'GeoProperty' as const,
                value: '{"type":"Point","coordinates":[9,9]}',
                datasetId: 'urn:ds:1',
              },
            ]
          : []),
      ];
    case 4:
      return [{ type: 'Relationship', object: `urn:x:${n}` }];
    case 5:
      return [
        { type: 'LanguageProperty', languageMap: { en: `n${n}`, fr: ['un', 'deux'].slice(0, n) } },
      ];
    default:
      return [{ type: 'Relationship' }];
  }
}

describe('createSqliteEntityWriter', () => {
  it('write keeps the index rows equal to a rebuild from the documents after random writes', async () => {
    const { db, store } = openStore();
    const next = random(42);
    const ids = ['urn:e:1', 'urn:e:2', 'urn:e:3', 'urn:e:4'];
    const attrs = ['http://a/p', 'http://a/q', 'http://a/r'];
    const types = [['http://t/A'], ['http://t/B'], ['http://t/A', 'http://t/B']];
    const fresh = (id: string): Entity => ({
      id,
      type: types[Math.floor(next() * types.length)] ?? [],
      createdAt: 't',
      modifiedAt: 't',
      attrs: Object.fromEntries(
        attrs.filter(() => next() < 0.6).map((a) => [a, randomInstances(next)]),
      ),
    });
    for (let round = 0; round < 150; round++) {
      const batch: EntityMutation<null>[] = [];
      const size = 1 + Math.floor(next() * 4);
      for (let i = 0; i < size; i++) {
        const id = ids[Math.floor(next() * ids.length)] ?? 'urn:e:1';
        const attr = attrs[Math.floor(next() * attrs.length)] ?? 'http://a/p';
        const action = next();
        if (action < 0.25) batch.push(set(fresh(id)));
        else if (action < 0.6)
          batch.push(change(id, (e) => withAttr(e, attr, randomInstances(next))));
        else if (action < 0.75) batch.push(change(id, (e) => withAttr(e, attr, undefined)));
        else if (action < 0.85)
          batch.push(
            change(id, (e) => ({ ...e, type: types[Math.floor(next() * types.length)] ?? [] })),
          );
        else batch.push(drop(id));
      }
      await store.mutate('', batch, { createTenant: false });
      assertIndexMatchesDocuments(db);
    }
    await store.close();
  });

  it('write leaves the index rows of untouched attributes in place on an update', async () => {
    const { db, store } = openStore();
    const entity: Entity = {
      id: 'urn:e:1',
      type: ['http://t/A'],
      createdAt: 't',
      modifiedAt: 't',
      attrs: {
        'http://a/p': [{ type: 'Property', value: 'on', observedAt: '2024-01-01T00:00:00Z' }],
        'http://a/q': [{ type: 'Property', value: 7 }],
      },
    };
    await store.mutate('', [set(entity)], { createTenant: false });
    let changes = 0;
    db.function('count_change', () => ++changes);
    db.exec(
      `CREATE TEMP TRIGGER d AFTER DELETE ON attr_values BEGIN SELECT count_change(); END;
       CREATE TEMP TRIGGER i AFTER INSERT ON attr_values BEGIN SELECT count_change(); END;
       CREATE TEMP TRIGGER u AFTER UPDATE ON attr_values BEGIN SELECT count_change(); END;
       CREATE TEMP TRIGGER t AFTER INSERT ON entity_types BEGIN SELECT count_change(); END;
       CREATE TEMP TRIGGER g AFTER INSERT ON geo_boxes BEGIN SELECT count_change(); END;`,
    );
    // observedAt is not indexed: nothing to rewrite.
    const observed = withAttr(entity, 'http://a/p', [
      { type: 'Property', value: 'on', observedAt: '2024-01-02T00:00:00Z' },
    ]);
    await store.mutate('', [set(observed)], { createTenant: false });
    assert.equal(changes, 0);
    // A new value: the one string row, updated in place.
    await store.mutate(
      '',
      [set(withAttr(observed, 'http://a/p', [{ type: 'Property', value: 'off' }]))],
      {
        createTenant: false,
      },
    );
    assert.equal(changes, 1);
    assertIndexMatchesDocuments(db);
    await store.close();
  });

  it('write indexes a tenant apart and replaces an entity deleted and created in one batch', async () => {
    const { db, store } = openStore();
    const entity = (value: number): Entity => ({
      id: 'urn:e:1',
      type: ['http://t/A'],
      createdAt: 't',
      modifiedAt: 't',
      attrs: { 'http://a/p': [{ type: 'Property', value }] },
    });
    await store.mutate('t1', [set(entity(1))], { createTenant: true });
    await store.mutate('t2', [set(entity(2))], { createTenant: true });
    await store.mutate('t1', [drop('urn:e:1'), set(entity(3))], { createTenant: false });
    assertIndexMatchesDocuments(db, 't1');
    assertIndexMatchesDocuments(db, 't2');
    await store.close();
  });
});
