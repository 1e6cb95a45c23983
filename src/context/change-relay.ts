/**
 * The change relay: moves committed changes from the durable change log to the change bus
 * (DESIGN.md, data flow). Changes are published right after their commit; each one leaves
 * the log once the bus holds it. Whatever is still in the log at start-up (the process
 * died before publishing, or the bus was down) is published then, and again on a timer
 * while the bus is unavailable, so an outage delays notifications but never loses them
 * and never fails a write.
 *
 * Published changes leave the log in batches (every `removeDelayMs`, one statement for
 * all), not one transaction per commit: under load that halves the writes. A process that
 * dies within that delay publishes those few changes again at restart; consumers already
 * handle a change delivered twice (the bus is at-least-once).
 */
import type { ChangeBus } from './ports/change-bus.port.js';
import type { ChangeLog, EntityChange } from './ports/change-log.port.js';

export interface ChangeRelayOptions {
  changeLog: ChangeLog;
  bus: ChangeBus;
  /** Reports a failed publication (the changes stay in the log). */
  onPublishError?: (error: unknown) => void;
  /** Pause before re-reading the log after a failure; doubles up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
  /** Changes read from the log at a time. */
  pageSize?: number;
  /** How long published changes wait to be removed together; default 20 ms. */
  removeDelayMs?: number;
  /**
   * Period of a sweep that publishes whatever the log still holds: changes left behind by
   * another instance that died between its commit and its publication. Default 5 s; 0 off.
   */
  sweepMs?: number;
}

export interface ChangeRelay {
  /** Publishes what the log holds, then follows new commits. */
  start(): Promise<void>;
  /** Resolves when everything published so far has been settled (tests, shutdown). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export function createChangeRelay(options: ChangeRelayOptions): ChangeRelay {
  const { changeLog, bus } = options;
  const pageSize = options.pageSize ?? 500;
  const baseRetryMs = options.retryMs ?? 1_000;
  const maxRetryMs = options.maxRetryMs ?? 30_000;
  const running = new Set<Promise<void>>();
  let following = false;
  let stopped = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  let retryMs = baseRetryMs;
  const removeDelayMs = options.removeDelayMs ?? 20;
  let toRemove: number[] = [];
  let removeTimer: NodeJS.Timeout | undefined;

  function track(work: Promise<void>): void {
    running.add(work);
    void work.finally(() => running.delete(work));
  }

  async function relay(changes: readonly EntityChange[]): Promise<void> {
    await bus.publish(changes);
    for (const change of changes) toRemove.push(change.seq);
    if (toRemove.length >= pageSize) void flushRemovals();
    else removeTimer ??= setTimeout(() => void flushRemovals(), removeDelayMs);
  }

  function flushRemovals(): Promise<void> {
    if (removeTimer !== undefined) clearTimeout(removeTimer);
    removeTimer = undefined;
    if (toRemove.length === 0) return Promise.resolve();
    const seqs = toRemove;
    toRemove = [];
    // A failed removal only means those changes are published again later.
    const removal = changeLog
      .removeChanges(seqs)
      .catch((error: unknown) => options.onPublishError?.(error));
    track(removal);
    return removal;
  }

  function relayCommitted(changes: EntityChange[]): void {
    if (!following || stopped) return;
    track(
      relay(changes).then(
        () => undefined,
        (error: unknown) => failed(error),
      ),
    );
  }

  /** Publishes everything in the log, page by page, oldest first. */
  async function drain(): Promise<void> {
    for (;;) {
      const page = await changeLog.pendingChanges(pageSize);
      if (page.length === 0 || stopped) return;
      await relay(page);
      if (page.length < pageSize) return;
      await flushRemovals(); // the next page must not read this one again
    }
  }

  function failed(error: unknown): void {
    options.onPublishError?.(error);
    if (stopped || retryTimer !== undefined) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      track(
        drain().then(
          () => {
            retryMs = baseRetryMs;
          },
          (retryError: unknown) => {
            retryMs = Math.min(retryMs * 2, maxRetryMs);
            failed(retryError);
          },
        ),
      );
    }, retryMs);
    retryTimer.unref();
  }

  changeLog.onCommit(relayCommitted);

  return {
    async start() {
      following = true;
      const initial = drain().catch((error: unknown) => failed(error));
      track(initial);
      await initial;
      const sweepMs = options.sweepMs ?? 5_000;
      if (sweepMs > 0 && !stopped) {
        sweepTimer = setInterval(() => {
          if (retryTimer === undefined) track(drain().catch((error: unknown) => failed(error)));
        }, sweepMs);
        sweepTimer.unref();
      }
    },
    async idle() {
      do {
        void flushRemovals();
        await Promise.allSettled([...running]);
      } while (running.size > 0 || toRemove.length > 0);
    },
    async stop() {
      stopped = true;
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      if (sweepTimer !== undefined) clearInterval(sweepTimer);
      await Promise.allSettled([...running]);
      await flushRemovals();
    },
  };
}
