/** PostgreSQL schema migrations (DESIGN.md, Storage): numbered, applied once, safe to start concurrently. */
import assert from 'node:assert/strict';
import { after, describe, it, test } from 'node:test';
import postgres from 'postgres';
import { POSTGRES_MIGRATIONS } from '../../src/adapters/postgres/postgres-migrations.js';
import { createPostgresStores } from '../../src/adapters/postgres/postgres-stores.js';
import { openPostgresTestDatabase } from '../support/postgres-test-database.js';
import { buildEntityIndexRows } from '../../src/adapters/sql/entity-index-rows.js';
import type { Entity } from '../../src/ngsi-ld/model.js';
import { indexRowsBeforeHeads } from '../support/index-rows-before-heads.js';
import { EX, entity, geo, point, prop, put, q, query, rel } from './entity-store.fixtures.js';

const opened = await openPostgresTestDatabase();

if (!opened.available) {
  test('PostgreSQL migrations', (t) => t.skip(opened.reason));
} else {
  const { database } = opened;
  after(() => database.close());

  describe('PostgreSQL migrations', () => {
    it('createPostgresStores applies every migration once, also when started concurrently and again', async () => {
      const schema = await database.createSchema();
      const started = await Promise.all(
        [1, 2, 3].map(() => createPostgresStores({ url: schema.url, maxConnections: 2 })),
      );
      await started[0]?.entityStore.mutate('', [put(entity('urn:ngsi-ld:Car:1', 'Car'))], {
        createTenant: false,
      });
      await Promise.all(started.map((s) => s.close()));
      const again = await createPostgresStores({ url: schema.url, maxConnections: 1 });
      assert.ok(await again.entityStore.getEntity('', 'urn:ngsi-ld:Car:1'));
      await again.close();
      const sql = postgres(schema.url, { max: 1, onnotice: () => undefined });
      const rows = await sql`SELECT version, name FROM schema_migrations ORDER BY version`;
      await sql.end();
      assert.deepEqual(
        rows.map((r) => [r['version'], r['name']]),
        POSTGRES_MIGRATIONS.map((m) => [m.version, m.name]),
      );
      await schema.drop();
    });

    it('migration 15 keeps one row per instance carrying its kind, and the queries and summaries read them', async () => {
      const stored: Entity = entity('urn:ngsi-ld:Lamp:1', 'Lamp', {
        status: [prop('ok'), prop(['a', 'b'], { datasetId: 'urn:ds:1' })],
        height: [prop({ cm: 800 })],
        street: [rel('urn:ngsi-ld:Street:1'), { type: 'Relationship', datasetId: 'urn:ds:2' }],
        location: [geo(point(1, 2))],
      });
      const schema = await database.createSchema();
      const sql = postgres(schema.url, { max: 1, onnotice: () => undefined });
      try {
        await sql.unsafe(
          'CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
        );
        for (const migration of POSTGRES_MIGRATIONS.filter((m) => m.version < 15)) {
          for (const statement of migration.statements) await sql.unsafe(statement);
          await sql`INSERT INTO schema_migrations (version, name) VALUES (${migration.version}, ${migration.name})`;
        }
        const [row] = await sql<Array<{ pk: number }>>`
          INSERT INTO entities (tenant, id, doc, created_at, modified_at)
          VALUES ('', ${stored.id}, ${JSON.stringify(stored)}::text::json, ${stored.createdAt}, ${stored.modifiedAt})
          RETURNING pk`;
        const pk = Number(row?.pk);
        await sql`INSERT INTO entity_types (tenant, type, entity_pk) VALUES ('', ${`${EX}Lamp`}, ${pk})`;
        for (const old of indexRowsBeforeHeads(stored))
          await sql`INSERT INTO attr_values (tenant, attr, kind, inst, num, str, entity_pk)
            VALUES ('', ${old.attr}, ${old.kind}, ${old.inst}, ${old.num}, ${old.str}, ${pk})`;

        const stores = await createPostgresStores({ url: schema.url, maxConnections: 1 });
        try {
          const rows = await sql<
            Array<{
              attr: string;
              kind: string;
              inst: number;
              num: number | null;
              str: string | null;
              akind: string | null;
            }>
          >`SELECT attr, kind, inst, num, str, akind FROM attr_values ORDER BY attr, inst, ctid`;
          // Each instance's rows, and its kind on exactly one of them (which one does not
          // matter here: PostgreSQL rewrites an attribute's rows as a whole).
          const instances = (
            list: Array<{
              attr: string;
              inst: number;
              kind: string;
              num: number | null;
              str: string | null;
              akind: string | null;
            }>,
          ) => {
            const grouped = new Map<string, { rows: string[]; kinds: string[] }>();
            for (const { attr, inst, kind, num, str, akind } of list) {
              const key = `${attr} ${inst}`;
              const group = grouped.get(key) ?? { rows: [], kinds: [] };
              group.rows.push(JSON.stringify([kind, num, str]));
              if (akind !== null) group.kinds.push(akind);
              grouped.set(key, group);
            }
            return [...grouped.entries()]
              .map(([key, group]) => [key, group.rows.sort(), group.kinds] as const)
              .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
          };
          assert.deepEqual(instances([...rows]), instances(buildEntityIndexRows(stored).values));
          const ids = async (text: string) =>
            (await stores.entityStore.queryEntities('', query({ q: q(text) }))).entities.map(
              (found) => found.id,
            );
          assert.deepEqual(await ids('height'), [stored.id]);
          assert.deepEqual(await ids('street'), [stored.id]);
          assert.deepEqual(await ids('status!="c"'), [stored.id]);
          assert.deepEqual(await ids('nothing'), []);
          assert.deepEqual(
            (await stores.entityStore.describeAttributes('')).map((summary) => [
              summary.name,
              summary.kinds,
              summary.instanceCount,
            ]),
            [
              [`${EX}height`, ['Property'], 1],
              [`${EX}status`, ['Property'], 2],
              [`${EX}street`, ['Relationship'], 2],
              ['https://uri.etsi.org/ngsi-ld/location', ['GeoProperty'], 1],
            ],
          );
        } finally {
          await stores.close();
        }
      } finally {
        await sql.end();
        await schema.drop();
      }
    });
  });
}
