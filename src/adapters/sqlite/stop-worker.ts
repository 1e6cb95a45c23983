/** Stopping the worker threads of the SQLite adapter (checkpointer, history projector). */
import type { Worker } from 'node:worker_threads';

/**
 * Asks `worker` to stop ('stop' message) and waits for it to exit, terminating it after
 * `graceMs` (a worker busy in a long statement hears nothing until it ends).
 */
export async function stopWorker(
  worker: Worker,
  exited: Promise<void>,
  graceMs = 5_000,
): Promise<void> {
  // Unreferenced, the worker would not keep the process alive until it has exited.
  worker.ref();
  worker.postMessage('stop');
  const timeout = new Promise<'timeout'>((resolve) =>
    setTimeout(() => resolve('timeout'), graceMs).unref(),
  );
  if ((await Promise.race([exited, timeout])) === 'timeout') await worker.terminate();
}
