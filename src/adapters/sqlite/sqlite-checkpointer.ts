/**
 * Keeps WAL checkpoints out of request commits. With SQLite's default, the commit that
 * takes the WAL past 1,000 pages copies them into the database file and syncs both files
 * before it returns; the syncs write out everything written since the last checkpoint, so
 * under write load one request in twenty waited 20–50 ms. Here:
 *
 * - a worker thread, on its own connection, runs a PASSIVE checkpoint every `intervalMs`:
 *   it copies what is committed while the main thread goes on serving, never waiting for
 *   the writer nor blocking it (SQLite, "sqlite3_wal_checkpoint_v2");
 * - the WAL only starts over when a write finds every frame copied, which under steady load
 *   a checkpoint on another thread almost never achieves. So once the WAL is past
 *   `restartBytes` and the worker has copied nearly all of it, the main thread, between two
 *   transactions, checkpoints the few frames left (the next write then restarts the WAL).
 *   That call still syncs the WAL and the database file, 30–50 ms on this class of disk
 *   whatever is left to copy, so it happens once per `restartBytes` (64 MiB) of WAL;
 * - the main connection's automatic checkpoint stays, at `fallbackBytes` of WAL instead of
 *   SQLite's 1,000 pages, as a bound should the worker fall behind or fail.
 *
 * Durability does not depend on checkpoints: a commit is durable (against a killed process)
 * once it is in the WAL, and an interrupted checkpoint is redone from the WAL at the next
 * open (SQLite, "Write-Ahead Logging").
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import { stopWorker } from './stop-worker.js';

export interface SqliteCheckpointer {
  /** Stops the worker and closes its connection; calling it again does nothing. */
  stop(): Promise<void>;
}

/** Often enough that little is left for the main thread; an idle checkpoint costs nothing. */
const DEFAULT_INTERVAL_MS = 100;
const DEFAULT_RESTART_BYTES = 64 * 1024 * 1024;
const FALLBACK_BYTES = 256 * 1024 * 1024;

/**
 * The worker, as CommonJS source: a module file would be TypeScript under tsx (tests) and
 * JavaScript once built, and workers do not inherit tsx's loader.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('synchronous = NORMAL');
const { restartFrames } = workerData;
const passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
let reported = 0;
const timer = setInterval(() => {
  const [{ log, checkpointed }] = passive.all();
  // Once per WAL size: an idle WAL stays as it is until the next write.
  if (log > restartFrames && log - checkpointed < restartFrames / 8 && log !== reported) {
    reported = log;
    parentPort.postMessage('restart');
  }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

const DRIVER = createRequire(import.meta.url).resolve('better-sqlite3');

export function startSqliteCheckpointer(
  db: SqliteDatabase,
  options: { intervalMs?: number; restartBytes?: number } = {},
): SqliteCheckpointer {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.pragma(`wal_autocheckpoint = ${Math.ceil(FALLBACK_BYTES / pageSize)}`);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      path: db.name,
      driver: DRIVER,
      intervalMs: options.intervalMs ?? DEFAULT_INTERVAL_MS,
      restartFrames: Math.ceil((options.restartBytes ?? DEFAULT_RESTART_BYTES) / pageSize),
    },
  });
  // A failed worker leaves checkpoints to the main connection; it must not crash the process.
  worker.on('error', () => undefined);
  worker.on('message', () => {
    try {
      if (db.open && !db.inTransaction) db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Left to the next attempt or to the automatic checkpoint.
    }
  });
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= (async () => {
        await stopWorker(worker, exited);
      })();
      return stopping;
    },
  };
}
