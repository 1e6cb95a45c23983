/**
 * Bulk rows through `COPY … FROM STDIN` (text format) instead of an INSERT reading a JSON
 * parameter. Measured on 100,000 loaded streetlights, for one 1,000-entity batch: the server
 * spends half as long (the JSON parameter is parsed twice, once when the custom plan folds
 * the `::json` cast and once by json_to_recordset, and COPY inserts a page of heap rows per
 * WAL record), and the text costs less to build than JSON (a document only has its
 * backslashes doubled, where JSON.stringify escapes every quote).
 *
 * A COPY holds the connection until its data is complete: no other statement of the
 * transaction may be sent meanwhile (the driver refuses it), so callers run COPYs one
 * after another, after the statements they depend on. A COPY also costs two round trips
 * (the server's go-ahead, then its completion) where INSERTs are pipelined: a few rows
 * (a single entity's write) go by INSERT instead.
 */
import type postgres from 'postgres';
import type { PostgresParameter } from './postgres-database.js';
import { jsonRows } from './postgres-json-rows.js';

export type CopyValue = string | number | boolean | null | undefined;

/** Characters the text format escapes; surrogates are checked (see `field`). */
const SPECIAL = /[\\\n\r\t\ud800-\udfff]/;
const ESCAPED = /[\\\n\r\t]/g;
const LONE_SURROGATE = /\p{Cs}/u;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One field in COPY's text format. */
export function copyField(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (!SPECIAL.test(value)) return value;
  // Sent as UTF-8, a lone surrogate would silently become U+FFFD: refuse it, as the server
  // refuses a lone surrogate escape in JSON.
  if (LONE_SURROGATE.test(value)) throw new Error('Text with a lone UTF-16 surrogate');
  return value.replace(ESCAPED, (char) => ESCAPES[char] as string);
}

/** The rows in COPY's text format: tab-separated fields, `\N` for null, one line per row. */
export function copyText(rows: ReadonlyArray<readonly CopyValue[]>): string {
  const lines: string[] = [];
  for (const row of rows) {
    let line = copyField(row[0]);
    for (let i = 1; i < row.length; i++) line += '\t' + copyField(row[i]);
    lines.push(line);
  }
  return copyLines(lines);
}

/** Lines (tab-separated fields, see copyField) as COPY's data. */
export function copyLines(lines: readonly string[]): string {
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

/** Rows of one table, built when they are about to be sent. */
export interface CopyJob {
  table: string;
  columns: readonly string[];
  /** The columns' types, to read a few rows from a JSON parameter. */
  types: readonly string[];
  /** Settles before the rows can be built (a statement sent ahead of the copies). */
  ready?: Promise<unknown>;
  /** The rows, one value per column. */
  rows(): CopyValue[][];
  /** Statements to run once the previous copy is done, before these rows go (if any). */
  before?: () => Promise<void>;
}

/** Fewer rows than this go by INSERT, pipelined with the statements around it. */
export const COPY_FROM_ROWS = 100;

/** An INSERT of a few rows of `job`, read from one JSON parameter (postgres-json-rows.ts). */
function insertRows(
  tx: postgres.TransactionSql,
  job: CopyJob,
  rows: ReadonlyArray<readonly CopyValue[]>,
): Promise<unknown> {
  const { table, columns, types } = job;
  const read = columns.map((column, i) => `u.${column}::${types[i] as string}`).join(', ');
  const record = columns.map((column) => `${column} text`).join(', ');
  return tx.unsafe(
    `INSERT INTO ${table} (${columns.join(', ')}) SELECT ${read} FROM json_to_recordset($1::text::json) AS u(${record})`,
    [jsonRows(columns, rows)] as PostgresParameter[],
    { prepare: true },
  );
}

/** A copy under way: `sent` once its rows are on their way, `done` once they are stored. */
interface RunningCopy {
  sent: Promise<void>;
  done: Promise<void>;
}

/**
 * Starts copying `text` (copyText) into `table`. `done` rejects with the server's error (a
 * unique violation keeps its code).
 *
 * The driver (postgres 3.4.9) never settles a COPY whose rows the server rejects after the
 * data was complete (porsager/postgres#1173): it hands that error to the query's `reject`,
 * whose promise had already resolved with the stream. The error is caught there instead,
 * so a failed COPY rejects and `sql.begin` rolls the transaction back.
 */
function startCopy(
  tx: postgres.TransactionSql,
  table: string,
  columns: readonly string[],
  text: string,
): RunningCopy {
  // Table and column names are fixed by the callers, never client input.
  const query = tx.unsafe(`COPY ${table} (${columns.join(', ')}) FROM STDIN`);
  const settable = query as unknown as { reject?: unknown };
  const reject = settable.reject;
  if (typeof reject !== 'function') throw new Error('Unsupported postgres driver: no query.reject');
  let failed: (error: unknown) => void = () => undefined;
  const failure = new Promise<never>((_, fail) => {
    failed = fail;
  });
  settable.reject = (error: unknown) => {
    failed(error);
    reject.call(query, error);
  };
  const stream = query.writable();
  const stored = stream.then(
    (writable) =>
      new Promise<void>((resolve, fail) => {
        writable.once('error', fail);
        writable.once('finish', resolve);
        writable.end(text);
      }),
  );
  const done = Promise.race([stored, failure]);
  // Sent or failed: either way the caller may go on building, and learns of a failure from `done`.
  const sent = Promise.race([stream, done]).then(
    () => undefined,
    () => undefined,
  );
  return { sent, done };
}

/** Copies `text` (copyText) into `table`; resolves once the server has stored every row. */
export function copyIn(
  tx: postgres.TransactionSql,
  table: string,
  columns: readonly string[],
  text: string,
): Promise<void> {
  return startCopy(tx, table, columns, text).done;
}

/**
 * Writes the jobs' rows in order: a COPY for many rows, one after another (a COPY holds the
 * connection: no statement may be sent until it ends), an INSERT for a few. While the
 * server stores one copy's rows, the rows of the next jobs are built, as many as that
 * takes: the longest copy should come first.
 */
export async function runCopies(
  tx: postgres.TransactionSql,
  jobs: readonly CopyJob[],
): Promise<void> {
  await sendCopies(tx, jobs).done;
}

/**
 * runCopies in two steps: `sent` settles once the last rows are on their way (every COPY
 * done, the INSERTs sent but perhaps not yet stored), so that a caller may pipeline a
 * statement behind them (the COMMIT); `done` once every row is stored, or rejects with the
 * first failure (an insert that failed failed first: the statements after it only found
 * the transaction aborted). `sent` may reject with such a later error: read `done`.
 */
export function sendCopies(
  tx: postgres.TransactionSql,
  jobs: readonly CopyJob[],
): { sent: Promise<void>; done: Promise<void> } {
  const inserts: Array<Promise<unknown>> = [];
  const sent = issueCopies(tx, jobs, inserts);
  const done = sent.then(
    async () => {
      await Promise.all(inserts);
    },
    async (error: unknown) => {
      throw firstFailure(await Promise.allSettled(inserts)) ?? error;
    },
  );
  sent.catch(() => undefined);
  done.catch(() => undefined); // the caller awaits it
  return { sent, done };
}

async function issueCopies(
  tx: postgres.TransactionSql,
  jobs: readonly CopyJob[],
  inserts: Array<Promise<unknown>>,
): Promise<void> {
  const built: Array<CopyValue[][]> = [];
  const build = async (i: number) => {
    const job = jobs[i] as CopyJob;
    if (job.ready !== undefined) await job.ready;
    built[i] = job.rows();
  };
  let ready = 0;
  let previous: RunningCopy | undefined;
  for (let i = 0; i < jobs.length; i++) {
    const job = jobs[i] as CopyJob;
    if (ready === i) await build(ready++);
    const rows = built[i] as CopyValue[][];
    built[i] = [];
    if (rows.length === 0) continue;
    const text = rows.length < COPY_FROM_ROWS ? undefined : copyText(rows);
    if (previous !== undefined) {
      let stored = false;
      const settled = () => {
        stored = true;
      };
      previous.done.then(settled, settled);
      while (!stored && ready < jobs.length) {
        await build(ready++);
        await new Promise((resolve) => setImmediate(resolve)); // lets the end of the copy in
      }
      await previous.done;
      previous = undefined;
    }
    await job.before?.();
    if (text === undefined) {
      const insert = insertRows(tx, job, rows);
      insert.catch(() => undefined); // settled through `done`
      inserts.push(insert);
    } else {
      previous = startCopy(tx, job.table, job.columns, text);
      await previous.sent;
    }
  }
  await previous?.done;
}

function firstFailure(results: ReadonlyArray<PromiseSettledResult<unknown>>): unknown {
  const failed = results.find((result) => result.status === 'rejected');
  return failed === undefined ? undefined : (failed as PromiseRejectedResult).reason;
}
