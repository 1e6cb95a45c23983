/**
 * The history store contract on PostgreSQL, in a database of its own (dropped at the end)
 * with a fresh schema per store. Unreachable server: skipped locally, a failure under CI=true.
 */
import assert from 'node:assert/strict';
import { after, describe, it, test } from 'node:test';
import { connectPostgres, migratePostgres } from '../../src/adapters/postgres/postgres-database.js';
import { createHistoryPartitions } from '../../src/adapters/postgres/postgres-history-partitions.js';
import { createPostgresHistoryStore } from '../../src/adapters/postgres/postgres-history-store.js';
import { createPostgresHistoryWriter } from '../../src/adapters/postgres/postgres-history-writer.js';
import { createPostgresStores } from '../../src/adapters/postgres/postgres-stores.js';
import { parseIsoDuration } from '../../src/ngsi-ld/temporal/iso-duration.js';
import { openPostgresTestDatabase } from '../support/postgres-test-database.js';
import { describeHistoryFeedContract } from './history-store-feed.contract.js';
import { describeHistoryStoreContract } from './history-store.contract.js';
import {
  change,
  createHistory,
  entity,
  readOptions,
  SPEED,
  speedAt,
  T0,
} from './history-store.fixtures.js';

const opened = await openPostgresTestDatabase();

if (!opened.available) {
  test('HistoryStore contract: PostgreSQL', (t) => t.skip(opened.reason));
} else {
  const { database } = opened;
  after(() => database.close());

  async function open() {
    const schema = await database.createSchema();
    const sql = connectPostgres(schema.url, 3);
    await migratePostgres(sql);
    // The fixtures' instances lie in 2018: partitions are made for months near "now".
    const partitions = createHistoryPartitions(sql, { clock: () => T0 });
    const writer = createPostgresHistoryWriter(partitions);
    const store = createPostgresHistoryStore(sql, writer, partitions);
    const cleanup = async () => {
      await sql.end({ timeout: 5 });
      await schema.drop();
    };
    return { sql, writer, store, cleanup };
  }

  describeHistoryStoreContract('PostgreSQL', async () => {
    const { sql, writer, store, cleanup } = await open();
    return {
      store,
      feed: async (changes) => void (await sql.begin((tx) => writer.append(tx, changes))),
      cleanup,
    };
  });

  describeHistoryFeedContract('PostgreSQL', async () => {
    const schema = await database.createSchema();
    const stores = await createPostgresStores({ url: schema.url, maxConnections: 3 });
    return {
      ...stores,
      cleanup: async () => {
        await stores.close();
        await schema.drop();
      },
    };
  });

  describe('PostgreSQL history partitions', () => {
    it('rows go to the monthly partition of their time, created on first write', async () => {
      const { sql, store, cleanup } = await open();
      try {
        await createHistory(store, 'urn:a:1', { [SPEED]: [speedAt(0, 1)] });
        const rows = await sql.unsafe<Array<{ part: string; n: number }>>(
          'SELECT tableoid::regclass::text AS part, count(*) AS n FROM attr_history GROUP BY 1',
        );
        assert.deepEqual(
          rows.map((r) => [r.part, Number(r.n)]),
          [['attr_history_y2018m08', 1]],
        );
      } finally {
        await cleanup();
      }
    });

    it('only months near now get partitions, a few per write; other rows go to the default', async () => {
      const { sql, store, cleanup } = await open();
      try {
        const partitions = async () =>
          (
            await sql.unsafe<Array<{ name: string }>>(
              `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
               JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'attr_history' ORDER BY 1`,
            )
          ).map((row) => row.name);
        assert.deepEqual(await partitions(), ['attr_history_default']);
        // Now is 2018-08 (the clock): 300 years of yearly instances and six recent months.
        const at = (year: number, month: number) => ({
          type: 'Property' as const,
          value: year,
          observedAt: new Date(Date.UTC(year, month, 1)).toISOString(),
        });
        const yearly = Array.from({ length: 300 }, (_, i) => at(1800 + i, 0));
        const recent = [1, 2, 3, 4, 5, 6].map((month) => at(2018, month));
        await createHistory(store, 'urn:a:1', { [SPEED]: [...yearly, ...recent] });
        assert.deepEqual(await partitions(), [
          'attr_history_default',
          'attr_history_y2017m01',
          'attr_history_y2018m01',
          'attr_history_y2018m02',
          'attr_history_y2018m03',
        ]);
        const [far] = await sql.unsafe<Array<{ part: string }>>(
          `SELECT tableoid::regclass::text AS part FROM attr_history WHERE ts = $1`,
          [Date.UTC(1800, 0, 1)],
        );
        assert.equal(far?.part, 'attr_history_default');
        const history = await store.retrieveHistory('', 'urn:a:1', readOptions());
        assert.equal(history?.attrs[SPEED]?.instances.length, 306);
      } finally {
        await cleanup();
      }
    });

    it('a month met in a transaction already aborted gets its partition from a later write', async () => {
      const { sql, cleanup } = await open();
      try {
        const partitions = createHistoryPartitions(sql, { clock: () => T0 });
        const august = [Date.UTC(2018, 7, 10)];
        await assert.rejects(
          sql.begin(async (tx) => {
            await tx.unsafe('SELECT 1 / 0').catch(() => undefined); // aborts the transaction
            await partitions.ensure(tx, august);
            await tx.unsafe('SELECT 1');
          }),
          (error: { code?: string }) => error.code === '22012',
        );
        await sql.begin((tx) => partitions.ensure(tx, august));
        const [made] = await sql.unsafe<Array<{ n: number }>>(
          "SELECT count(*)::int AS n FROM pg_class WHERE relname = 'attr_history_y2018m08'",
        );
        assert.equal(made?.n, 1);
      } finally {
        await cleanup();
      }
    });

    it('instances copied from entity changes go to the partition of their month, made first', async () => {
      const { sql, writer, cleanup } = await open();
      try {
        const current = entity('urn:a:1', { [SPEED]: [speedAt(0, 7)] });
        const at = new Date(T0).toISOString();
        await sql.begin((tx) => writer.append(tx, [change('urn:a:1', at, null, current)]));
        const rows = await sql.unsafe<Array<{ part: string; n: number }>>(
          'SELECT tableoid::regclass::text AS part, count(*) AS n FROM attr_history GROUP BY 1',
        );
        assert.deepEqual(
          rows.map((r) => [r.part, Number(r.n)]),
          [['attr_history_y2018m08', 1]],
        );
      } finally {
        await cleanup();
      }
    });

    it('retention drops partitions whose whole month is older than maxAge', async () => {
      const { sql, store, cleanup } = await open();
      try {
        await createHistory(store, 'urn:a:1', { [SPEED]: [speedAt(0, 1)] });
        const report = await store.applyRetention(
          [{ maxAge: parseIsoDuration('P30D', 'p') }],
          new Date('2018-10-15T00:00:00Z'),
        );
        assert.equal(report.deleted, 1);
        const left = await sql.unsafe(
          "SELECT 1 FROM pg_class WHERE relname = 'attr_history_y2018m08'",
        );
        assert.equal(left.length, 0);
      } finally {
        await cleanup();
      }
    });
  });
}
