/** PostgreSQL schema migrations (DESIGN.md, Storage): numbered, applied once, safe to start concurrently. */
import assert from 'node:assert/strict';
import { after, describe, it, test } from 'node:test';
import postgres from 'postgres';
import { POSTGRES_MIGRATIONS } from '../../src/adapters/postgres/postgres-migrations.js';
import { createPostgresStores } from '../../src/adapters/postgres/postgres-stores.js';
import { openPostgresTestDatabase } from '../support/postgres-test-database.js';
import { entity, put } from './entity-store.fixtures.js';

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
  });
}
