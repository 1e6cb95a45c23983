/**
 * The vacuum keeper: which tables pass the dead-row threshold (pure), and, against a real
 * PostgreSQL, that it vacuums the tables whose dead rows piled up and leaves the others.
 * Unreachable server: the database part is skipped locally, a failure under CI=true.
 */
import assert from 'node:assert/strict';
import { after, describe, it, test } from 'node:test';
import postgres from 'postgres';
import { openPostgresTestDatabase } from '../../../test/support/postgres-test-database.js';
import type { Entity } from '../../ngsi-ld/model.js';
import { createPostgresStores } from './postgres-stores.js';
import {
  createVacuumKeeper,
  DEAD_ROWS_ALLOWED,
  tablesToVacuum,
  VACUUM_CHECK_EVERY,
  VACUUM_PAUSE_SECONDS,
} from './postgres-vacuum.js';

describe('tablesToVacuum', () => {
  it('picks a table whose dead rows pass the allowance plus a tenth of its live rows', () => {
    assert.deepEqual(
      tablesToVacuum([
        { name: 'entity_changes', live: 10, dead: DEAD_ROWS_ALLOWED + 2, sinceVacuum: null },
        { name: 'entities', live: 100_000, dead: DEAD_ROWS_ALLOWED + 10_000, sinceVacuum: null },
        { name: 'attr_values', live: 100_000, dead: DEAD_ROWS_ALLOWED + 10_001, sinceVacuum: 60 },
        { name: 'geo_boxes', live: 0, dead: DEAD_ROWS_ALLOWED, sinceVacuum: null },
      ]),
      ['entity_changes', 'attr_values'],
    );
  });

  it('picks nothing from tables without dead rows', () => {
    assert.deepEqual(
      tablesToVacuum([{ name: 'entities', live: 5, dead: 0, sinceVacuum: null }]),
      [],
    );
  });

  it('leaves a table vacuumed less than the pause ago, whatever its dead rows', () => {
    const dead = DEAD_ROWS_ALLOWED * 100;
    assert.deepEqual(
      tablesToVacuum([
        { name: 'entity_changes', live: 0, dead, sinceVacuum: VACUUM_PAUSE_SECONDS - 1 },
        { name: 'entities', live: 0, dead, sinceVacuum: VACUUM_PAUSE_SECONDS },
      ]),
      ['entities'],
    );
  });
});

const opened = await openPostgresTestDatabase();

if (!opened.available) {
  test('PostgreSQL vacuum keeper', (t) => t.skip(opened.reason));
} else {
  const { database } = opened;
  after(() => database.close());

  function lamp(n: number): Entity {
    const at = '2024-01-01T00:00:00.000Z';
    return {
      id: `urn:ngsi-ld:Lamp:${n}`,
      type: ['http://example.org/Lamp'],
      createdAt: at,
      modifiedAt: at,
      attrs: { 'http://example.org/height': [{ type: 'Property', value: n }] },
    };
  }

  describe('createVacuumKeeper', () => {
    it('vacuums the tables whose dead rows piled up, after enough writes, and no other', async () => {
      const schema = await database.createSchema();
      const stores = await createPostgresStores({ url: schema.url, maxConnections: 2 });
      const sql = postgres(schema.url, { max: 1, onnotice: () => undefined });
      try {
        const mutations = Array.from({ length: 100 }, (_, i) => {
          const next = lamp(i);
          return { id: next.id, apply: () => ({ next, report: undefined }) };
        });
        await stores.entityStore.mutate('', mutations, { createTenant: false });
        // Where autovacuum runs, it must not take the keeper's work away during the test.
        await sql`ALTER TABLE attr_values SET (autovacuum_enabled = false)`;
        const counters = async () =>
          (
            await sql<Array<{ name: string; dead: number; vacuumed: boolean }>>`
              SELECT relname AS name, pg_stat_get_dead_tuples(oid)::int AS dead,
                pg_stat_get_last_vacuum_time(oid) IS NOT NULL AS vacuumed
              FROM pg_class WHERE oid = ANY(ARRAY['entities', 'attr_values']::regclass[])
              ORDER BY relname`
          ).map((row) => ({ ...row }));
        const deadValues = async () =>
          (await counters()).find((row) => row.name === 'attr_values')?.dead ?? 0;
        // Dead versions of the 100 value rows until there are more than 1,000 + 10 % of 100
        // (an indexed column changes: no update that pruning would take back). A backend's
        // counters reach the server when it goes idle, at most once a second unless forced.
        const pileUp = async () => {
          for (let round = 0; round < 100 && (await deadValues()) <= 1_100; round++) {
            await sql`UPDATE attr_values SET num = num + 1`;
            await sql`SELECT pg_stat_force_next_flush()`;
          }
          assert.ok((await deadValues()) > 1_100, 'the updates left dead rows');
        };
        await pileUp();

        const keeper = createVacuumKeeper(sql);
        keeper.noteWrites(VACUUM_CHECK_EVERY - 1);
        await keeper.idle();
        assert.equal((await counters()).find((row) => row.name === 'attr_values')?.vacuumed, false);

        keeper.noteWrites(1);
        await keeper.idle();
        assert.deepEqual(await counters(), [
          { name: 'attr_values', dead: 0, vacuumed: true },
          { name: 'entities', dead: 0, vacuumed: false },
        ]);

        // Dead rows again at once: the table waits for the pause before another vacuum.
        const lastVacuum = async () =>
          (
            await sql<Array<{ at: Date }>>`
              SELECT pg_stat_get_last_vacuum_time('attr_values'::regclass) AS at`
          )[0]?.at.getTime();
        const vacuumedAt = await lastVacuum();
        await pileUp();
        keeper.noteWrites(VACUUM_CHECK_EVERY);
        await keeper.idle();
        assert.equal(await lastVacuum(), vacuumedAt);
      } finally {
        await sql.end();
        await stores.close();
        await schema.drop();
      }
    });
  });
}
