/**
 * COPY's text format and the copy itself: values arrive as written (escapes, nulls, JSON
 * documents with backslashes), and a COPY the server rejects fails with the server's error
 * and leaves the connection usable (the driver alone would never settle it). Unreachable
 * server: the PostgreSQL part is skipped locally, a failure under CI=true.
 */
import assert from 'node:assert/strict';
import { after, describe, it, test } from 'node:test';
import postgres from 'postgres';
import { openPostgresTestDatabase } from '../../../test/support/postgres-test-database.js';
import {
  COPY_FROM_ROWS,
  copyIn,
  copyText,
  runCopies,
  sendCopies,
  type CopyJob,
} from './postgres-copy.js';

const rowsOf = (from: number, count: number): number[][] =>
  Array.from({ length: count }, (_, i) => [from + i]);

test('copyText: tab-separated fields, \\N for null, backslash escapes, one line per row', () => {
  assert.equal(
    copyText([
      [1, 'a\tb', null, true],
      [2.5, 'x\\y\nz\r', undefined, false],
      [Number.NaN, '', 'plain', Number.POSITIVE_INFINITY],
    ]),
    '1\ta\\tb\t\\N\tt\n2.5\tx\\\\y\\nz\\r\t\\N\tf\n\\N\t\tplain\t\\N\n',
  );
  assert.equal(copyText([]), '');
});

test('copyText refuses a lone surrogate, which UTF-8 would turn into U+FFFD', () => {
  assert.throws(() => copyText([['a\ud800b']]), /lone UTF-16 surrogate/);
  assert.equal(copyText([['😀']]), '😀\n');
});

const opened = await openPostgresTestDatabase();

if (!opened.available) {
  test('COPY into PostgreSQL', (t) => t.skip(opened.reason));
} else {
  const { database } = opened;
  after(() => database.close());

  describe('COPY into PostgreSQL', () => {
    /** Rows of the key column of `probe`. */
    const keyJob = (rows: number[][]): CopyJob => ({
      table: 'probe',
      columns: ['k'],
      types: ['integer'],
      rows: () => rows,
    });

    async function open() {
      const schema = await database.createSchema();
      const sql = postgres(schema.url, { max: 1, onnotice: () => undefined });
      await sql.unsafe(
        'CREATE TABLE probe (k integer PRIMARY KEY, t text COLLATE "C", n float8, doc json)',
      );
      return {
        sql,
        cleanup: async () => {
          await sql.end({ timeout: 5 });
          await schema.drop();
        },
      };
    }

    it('stores every value as given', async () => {
      const { sql, cleanup } = await open();
      try {
        const doc = JSON.stringify({ s: 'quote " backslash \\ tab \t nul \u0000 é 😀' });
        const texts = ['a\tb', 'x\\y\nz\r', '', '\\N', '\\.', 'é😀'];
        await sql.begin((tx) =>
          copyIn(
            tx,
            'probe',
            ['k', 't', 'n', 'doc'],
            copyText([
              ...texts.map((t, i) => [i, t, i + 0.1, doc]),
              [100, null, -1.5e10, null],
              [101, 'n', 1e-300, doc],
            ]),
          ),
        );
        const rows = await sql<Array<{ k: number; t: string | null; n: number; doc: string }>>`
          SELECT k, t, n, doc::text AS doc FROM probe ORDER BY k`;
        assert.deepEqual(
          rows.map((r) => r.t),
          [...texts, null, 'n'],
        );
        assert.deepEqual(
          rows.map((r) => r.n),
          [0.1, 1.1, 2.1, 3.1, 4.1, 5.1, -1.5e10, 1e-300],
        );
        assert.equal(rows[0]?.doc, doc);
        assert.deepEqual(JSON.parse(rows[0]?.doc ?? ''), JSON.parse(doc));
      } finally {
        await cleanup();
      }
    });

    it('writes a few rows by INSERT and many by COPY, in order', async () => {
      const { sql, cleanup } = await open();
      try {
        const job = (rows: number[][]): CopyJob => ({
          table: 'probe',
          columns: ['k', 't', 'n'],
          types: ['integer', 'text', 'float8'],
          rows: () => rows.map(([k]) => [k as number, `t\t${k}`, (k as number) / 2]),
        });
        await sql.begin((tx) =>
          runCopies(tx, [
            job(rowsOf(0, 2)),
            job(rowsOf(2, COPY_FROM_ROWS)),
            job([]),
            job(rowsOf(500, 1)),
          ]),
        );
        const rows = await sql<Array<{ k: number; t: string; n: number }>>`
          SELECT k, t, n FROM probe ORDER BY k`;
        assert.equal(rows.length, COPY_FROM_ROWS + 3);
        assert.deepEqual(rows[1], { k: 1, t: 't\t1', n: 0.5 });
        assert.deepEqual(rows.at(-1), { k: 500, t: 't\t500', n: 250 });
      } finally {
        await cleanup();
      }
    });

    it('a rejected COPY or INSERT fails with its own error; the transaction rolls back', async () => {
      const { sql, cleanup } = await open();
      try {
        await sql`INSERT INTO probe (k) VALUES (1)`;
        const unique = (error: { code?: string }) => error.code === '23505';
        // The second copy's rows clash with a stored row.
        await assert.rejects(
          sql.begin(async (tx) => {
            await tx`INSERT INTO probe (k) VALUES (2)`;
            await runCopies(tx, [keyJob(rowsOf(3, 200)), keyJob([...rowsOf(1000, 200), [1]])]);
          }),
          unique,
        );
        // An insert clashes: the copy after it only finds the transaction aborted.
        await assert.rejects(
          sql.begin((tx) =>
            runCopies(tx, [keyJob([[5]]), keyJob([[1]]), keyJob(rowsOf(2000, 200))]),
          ),
          unique,
        );
        // Rejected before the data was complete too (malformed row).
        await assert.rejects(
          sql.begin((tx) => copyIn(tx, 'probe', ['k'], 'not a number\n')),
          (error: { code?: string }) => error.code === '22P02',
        );
        const rows = await sql<Array<{ k: number }>>`SELECT k FROM probe ORDER BY k`;
        assert.deepEqual(
          rows.map((r) => r.k),
          [1],
        );
      } finally {
        await cleanup();
      }
    });

    it('sendCopies lets the COMMIT follow the inserts unanswered: one that fails rolls all back and rejects done', async () => {
      const { sql, cleanup } = await open();
      try {
        await sql`INSERT INTO probe (k) VALUES (1)`;
        const run = async (jobs: CopyJob[]) => {
          // The COMMIT is queued behind the inserts, not after their answers.
          const { done } = await sql.begin(async (tx) => {
            const copies = sendCopies(tx, jobs);
            await copies.sent.catch(() => copies.done);
            return { done: copies.done };
          });
          await done;
        };
        await run([keyJob([[2]]), keyJob([[3]])]);
        // The clash is only known after the COMMIT was sent: PostgreSQL ends the aborted
        // transaction's COMMIT with a ROLLBACK, so the first insert is not kept either.
        await assert.rejects(
          run([keyJob([[4]]), keyJob([[1]])]),
          (error: { code?: string }) => error.code === '23505',
        );
        const rows = await sql<Array<{ k: number }>>`SELECT k FROM probe ORDER BY k`;
        assert.deepEqual(
          rows.map((r) => r.k),
          [1, 2, 3],
        );
      } finally {
        await cleanup();
      }
    });
  });
}
