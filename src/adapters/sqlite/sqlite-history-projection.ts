/**
 * The attribute history of a SQLite file deployment as a projection of the change log
 * (ADR 0002): entity writes no longer append their history rows in their own transaction
 * (a third of a 1,000-entity batch, a sixth of a device measurement's main-thread time);
 * a worker thread does it on the other core, into the history file
 * (sqlite-history-database.ts), from the changes the log keeps durably until projected.
 *
 * This side starts the worker, tells it of commits, learns how far it is, and lets the
 * history store wait until every change committed before a temporal request is in the
 * history (read-your-writes). A worker that dies is started again; while it cannot write,
 * temporal requests wait up to `waitTimeoutMs`, then get a 503.
 */
import { inspect } from 'node:util';
import { Worker } from 'node:worker_threads';
import { serviceUnavailable } from '../../ngsi-ld/problem-details.js';
import { stopWorker } from './stop-worker.js';
import type {
  HistoryProjectorData,
  HistoryProjectorMessage,
} from './sqlite-history-projector.worker.js';

export interface SqliteHistoryProjection {
  /** Changes up to `seq` are committed: the worker looks at the log again. */
  committed(seq: number): void;
  /** Resolves once every change committed before the call is in the history. */
  caughtUp(): Promise<void>;
  /** Stops the worker (it resumes from its position at the next start). */
  stop(): Promise<void>;
}

export interface SqliteHistoryProjectionOptions {
  mainPath: string;
  historyPath: string;
  /** The last change committed and the last one projected when starting. */
  committed: number;
  projected: number;
  /** The history holds every change up to `seq`. */
  onProjected(seq: number): void;
  /** A page that could not be written, or a worker that died (both are retried). */
  onError?: (error: unknown) => void;
  waitTimeoutMs?: number;
  pageSize?: number;
  pollMs?: number;
  retryMs?: number;
}

interface Waiter {
  target: number;
  resolve(): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout;
}

const EXTENSION = import.meta.url.slice(import.meta.url.lastIndexOf('.'));
const WORKER_URL = new URL(`./sqlite-history-projector.worker${EXTENSION}`, import.meta.url);

/**
 * Workers do not inherit tsx's loader: under tsx (tests, `npm run dev`) the bootstrap
 * registers it before importing the TypeScript module; built, it imports the JavaScript.
 */
const BOOTSTRAP = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsx) (await import(workerData.tsx)).register();
  await import(workerData.entry);
})().catch((error) => {
  // The message first: an error crossing threads keeps its code, not always its text.
  parentPort.postMessage({ failed: String(error) });
  setImmediate(() => { throw error; });
});
`;

export function startSqliteHistoryProjection(
  options: SqliteHistoryProjectionOptions,
): SqliteHistoryProjection {
  const waitTimeoutMs = options.waitTimeoutMs ?? 30_000;
  const retryMs = options.retryMs ?? 1_000;
  const data: HistoryProjectorData = {
    mainPath: options.mainPath,
    historyPath: options.historyPath,
    // Short transactions: the temporal API writes the same file from the main thread, which
    // waits (synchronously) for the lock while a page is being written.
    pageSize: options.pageSize ?? 200,
    retryMs,
    pollMs: options.pollMs ?? 1_000,
  };
  let committed = options.committed;
  let projected = options.projected;
  // The last position the worker was told of: it is told again only once it got there, not
  // at every commit (thousands of messages a second under load).
  let told = committed;
  let waiters: Waiter[] = [];
  let stopping: Promise<void> | undefined;
  let exited: Promise<void> = Promise.resolve();
  let worker = spawn();

  function spawn(): Worker {
    const started = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: {
        ...data,
        entry: WORKER_URL.href,
        tsx: EXTENSION === '.ts' ? import.meta.resolve('tsx/esm/api') : undefined,
      },
    });
    started.on('message', (message: HistoryProjectorMessage) => {
      if ('projected' in message) advance(message.projected);
      else if ('skipped' in message)
        options.onError?.(
          new Error(
            `history projection: the history of change ${message.skipped} cannot be written and was left out: ${message.error}`,
          ),
        );
      else options.onError?.(new Error(`history projection: ${message.failed}`));
    });
    // An error thrown in the worker may arrive as a plain object (a SqliteError is cloned).
    started.on('error', (error: unknown) =>
      options.onError?.(
        error instanceof Error ? error : new Error(`history projection: ${inspect(error)}`),
      ),
    );
    exited = new Promise((resolve) => started.once('exit', () => resolve()));
    void exited.then(() => {
      if (stopping !== undefined) return;
      options.onError?.(new Error('history projection: the worker stopped; starting it again'));
      setTimeout(() => {
        if (stopping !== undefined) return;
        worker = spawn();
        tell(committed);
      }, retryMs).unref();
    });
    started.unref();
    return started;
  }

  function tell(seq: number): void {
    told = seq;
    worker.postMessage(seq);
  }

  function advance(seq: number): void {
    projected = Math.max(projected, seq);
    try {
      options.onProjected(projected);
    } catch (error) {
      // In a message listener an exception would end the process; the next page retries.
      options.onError?.(error);
    }
    if (committed > projected && told <= projected) tell(committed);
    if (waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const waiter of waiters) {
      if (waiter.target > projected) still.push(waiter);
      else {
        clearTimeout(waiter.timer);
        waiter.resolve();
      }
    }
    waiters = still;
  }

  return {
    committed(seq) {
      if (seq <= committed) return;
      committed = seq;
      if (told <= projected) tell(seq);
    },
    caughtUp() {
      const target = committed;
      if (projected >= target) return Promise.resolve();
      if (stopping !== undefined)
        return Promise.reject(serviceUnavailable('Civis is shutting down.'));
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = {
          target,
          resolve,
          reject,
          timer: setTimeout(() => {
            waiters = waiters.filter((w) => w !== waiter);
            reject(
              serviceUnavailable(
                `The history is behind the entity changes (${target - projected} sequence numbers) and did not catch up within ${waitTimeoutMs} ms; try again later.`,
              ),
            );
          }, waitTimeoutMs),
        };
        waiters.push(waiter);
      });
    },
    stop() {
      stopping ??= (async () => {
        for (const waiter of waiters) {
          clearTimeout(waiter.timer);
          waiter.reject(serviceUnavailable('Civis is shutting down.'));
        }
        waiters = [];
        await stopWorker(worker, exited);
      })();
      return stopping;
    },
  };
}
