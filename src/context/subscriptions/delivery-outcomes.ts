/**
 * The outcomes of notification attempts, written to the store in batches: rows to settle,
 * rows to reschedule, and per subscription the counters of its delivery status. Written
 * at most `flushMs` after they happen, or at once when many are waiting.
 *
 * One bad row must not hold the others back: when a batch write fails, its rows are written
 * one by one; a row that fails alone is tried again at the next flush and dropped after
 * MAX_TRIES, with a warning. While the store is down (the first rows written alone all
 * fail) the rest wait untried. Waiting outcomes are bounded: beyond `maxPending` of a kind
 * the oldest are dropped. A dropped settlement or rescheduling costs at most one more
 * attempt once the row's lease runs out; a dropped report, some counts.
 */
import type { Logger } from 'pino';
import type { DeliveryOutcome } from '../ports/notification-sender.port.js';
import type {
  DeliveryReport,
  OutboxNotification,
  SubscriptionStore,
} from '../ports/subscription-store.port.js';

/** Flushes a row may fail alone before it is dropped. */
const MAX_TRIES = 3;
/** Rows written alone that must all fail before the store is taken to be down. */
const PROBES = 3;
/** Waiting outcomes that start a flush at once. */
const FLUSH_AT = 500;

export interface Rescheduling {
  key: number;
  attempts: number;
  dueAt: number;
}

export interface DeliveryOutcomes {
  settle(key: number): void;
  reschedule(row: Rescheduling): void;
  /** Adds one attempt to the counters of the row's subscription. */
  record(row: OutboxNotification, outcome: DeliveryOutcome, at: string): void;
  /** Writes what is waiting now. */
  flush(): Promise<void>;
  /** Nothing waiting and no flush planned. */
  isEmpty(): boolean;
  /** No more timers: what is waiting is written by the last flush or not at all. */
  stop(): void;
}

interface Pending<T> {
  value: T;
  tries: number;
}

type Store = Pick<
  SubscriptionStore,
  'settleNotifications' | 'rescheduleNotifications' | 'recordDeliveries'
>;

export function createDeliveryOutcomes(deps: {
  store: Store;
  clock: () => Date;
  log: Pick<Logger, 'warn'>;
  /** Outcomes wait at most this long before they are written. */
  flushMs: number;
  /** Pause before trying again after a failed flush. */
  retryMs: number;
  /** Outcomes of one kind kept waiting at most. */
  maxPending?: number;
  /** Called after each flush. */
  onFlushed: () => void;
}): DeliveryOutcomes {
  const { store, log } = deps;
  const maxPending = deps.maxPending ?? 20_000;
  let settled: Array<Pending<number>> = [];
  let rescheduled: Array<Pending<Rescheduling>> = [];
  let reports = new Map<string, Pending<DeliveryReport>>();
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();
  /** Set while the last flush left outcomes behind: the next one waits `retryMs`. */
  let backingOff = false;
  let stopped = false;

  function plan(delayMs: number): void {
    if (stopped) return;
    if (!backingOff && settled.length + rescheduled.length >= FLUSH_AT) void flush();
    else timer ??= setTimeout(() => void flush(), backingOff ? deps.retryMs : delayMs);
  }

  function reportKey(report: { tenant: string; id: string }): string {
    return `${report.tenant} ${report.id}`;
  }

  /** Adds an older report (waiting since a failed flush) under the newer one, if any. */
  function mergeReport(older: Pending<DeliveryReport>): void {
    const key = reportKey(older.value);
    const newer = reports.get(key);
    if (newer === undefined) {
      reports.set(key, older);
      return;
    }
    newer.value.sent += older.value.sent;
    newer.value.failed += older.value.failed;
    newer.value.lastSuccess ??= older.value.lastSuccess;
    newer.value.lastFailure ??= older.value.lastFailure;
    newer.tries = Math.max(newer.tries, older.tries);
  }

  /** Writes `items`; returns those to keep for the next flush. */
  async function write<T>(
    what: string,
    items: Array<Pending<T>>,
    writeMany: (values: T[]) => Promise<void>,
  ): Promise<Array<Pending<T>>> {
    if (items.length === 0) return [];
    try {
      await writeMany(items.map((item) => item.value));
      return [];
    } catch (error) {
      if (items.length === 1) return keepOrDrop(what, items, error);
      log.warn({ err: error, what, rows: items.length }, 'A batch write failed; one by one');
    }
    const kept: Array<Pending<T>> = [];
    let written = 0;
    let failed = 0;
    for (const item of items) {
      if (written === 0 && failed >= PROBES) {
        kept.push(item);
        continue;
      }
      try {
        await writeMany([item.value]);
        written += 1;
      } catch (error) {
        failed += 1;
        kept.push(...keepOrDrop(what, [item], error));
      }
    }
    return kept;
  }

  function keepOrDrop<T>(what: string, items: Array<Pending<T>>, error: unknown) {
    const kept: Array<Pending<T>> = [];
    for (const item of items) {
      item.tries += 1;
      if (item.tries < MAX_TRIES) kept.push(item);
      else log.warn({ err: error, what, row: item.value }, 'Dropping an outcome the store refuses');
    }
    return kept;
  }

  /** Drops the oldest beyond maxPending. */
  function bound<T>(what: string, items: Array<Pending<T>>): Array<Pending<T>> {
    if (items.length <= maxPending) return items;
    log.warn({ what, dropped: items.length - maxPending }, 'Too many outcomes waiting; dropping');
    return items.slice(items.length - maxPending);
  }

  function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    const keys = settled;
    const later = rescheduled;
    const counts = [...reports.values()];
    settled = [];
    rescheduled = [];
    reports = new Map();
    flushing = flushing.then(async () => {
      const keptKeys = await write('settle', keys, (values) =>
        store.settleNotifications(values, deps.clock().getTime()),
      );
      const keptLater = await write('reschedule', later, (values) =>
        store.rescheduleNotifications(values),
      );
      const keptCounts = await write('counters', counts, (values) =>
        store.recordDeliveries(values),
      );
      // Kept outcomes go before the newer ones that arrived meanwhile.
      settled = bound('settle', [...keptKeys, ...settled]);
      rescheduled = bound('reschedule', [...keptLater, ...rescheduled]);
      for (const report of keptCounts) mergeReport(report);
      backingOff = keptKeys.length + keptLater.length + keptCounts.length > 0;
      if (backingOff) {
        clearTimeout(timer);
        timer = undefined;
        plan(deps.retryMs);
      }
      deps.onFlushed();
    });
    return flushing;
  }

  return {
    settle(key) {
      settled.push({ value: key, tries: 0 });
      plan(deps.flushMs);
    },
    reschedule(row) {
      rescheduled.push({ value: row, tries: 0 });
      plan(deps.flushMs);
    },
    record(row, outcome, at) {
      const key = reportKey({ tenant: row.tenant, id: row.subscriptionId });
      let pending = reports.get(key);
      if (pending === undefined) {
        pending = {
          value: {
            tenant: row.tenant,
            id: row.subscriptionId,
            sent: 0,
            failed: 0,
            lastNotification: at,
            status: 'ok',
          },
          tries: 0,
        };
        reports.set(key, pending);
      }
      const report = pending.value;
      report.sent += 1;
      report.lastNotification = at;
      if (outcome.ok) {
        report.status = 'ok';
        report.lastSuccess = at;
      } else {
        report.status = 'failed';
        report.failed += 1;
        report.lastFailure = at;
      }
      plan(deps.flushMs);
    },
    flush,
    isEmpty: () =>
      settled.length === 0 && rescheduled.length === 0 && reports.size === 0 && timer === undefined,
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
