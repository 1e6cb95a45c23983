/**
 * Delivers outbox notifications (subscriptions.md §8): one queue per endpoint URI with a
 * limit of sends in flight, each send bounded by the endpoint's timeout, so a slow or dead
 * receiver only ever holds its own queue's slots and never delays anyone else's
 * notifications. Outcomes go back to the store in batches (delivery-outcomes.ts): delivered
 * rows are settled, failed ones rescheduled with exponential backoff until the attempt cap,
 * and each subscription's counters (timesSent, timesFailed, lastSuccess, lastFailure,
 * status) are added up per batch.
 *
 * Rows arrive leased to this instance, either fresh from the dispatcher (delivered straight
 * from memory, no read back) or claimed from the outbox by `poll` (retries, and rows whose
 * lease ran out: another instance died, or this process restarted). Leases of rows held in
 * memory are renewed while they wait.
 *
 * Each attempt goes to the subscription's endpoint as it is at that moment: a notification
 * of a subscription deleted, paused or expired since it was made is dropped unsent, and one
 * waiting for a retry goes to the endpoint a later update set.
 */
import type { Logger } from 'pino';
import { redactCredentials } from '../../ngsi-ld/subscription/endpoint-rules.js';
import { retryDelayMs, type RetryPolicy } from '../../ngsi-ld/subscription/retry-schedule.js';
import type { SubscriptionEndpoint } from '../../ngsi-ld/subscription/subscription.js';
import type { DeliveryOutcome, NotificationSender } from '../ports/notification-sender.port.js';
import type { OutboxNotification, SubscriptionStore } from '../ports/subscription-store.port.js';
import { FifoQueue } from '../fifo-queue.js';
import { createDeliveryOutcomes } from './delivery-outcomes.js';

export interface DeliverySettings {
  /** Default send timeout (an endpoint's own `timeout` wins). */
  timeoutMs: number;
  /** Sends in flight per endpoint URI. */
  concurrencyPerEndpoint: number;
  /** Notifications waiting in memory per endpoint; more go back to the outbox for later. */
  maxQueuedPerEndpoint: number;
  /** Notifications held in memory (waiting or in flight) at most before a poll claims more. */
  maxHeld: number;
  /** How long a notification sent back to the outbox by a full queue waits. */
  overflowDelayMs: number;
  retry: RetryPolicy;
  /** How long a lease lasts; renewed every third of it while a row is held. */
  leaseMs: number;
  /** Outcomes are written together at most this long after they happen. */
  flushMs: number;
  /** Rows claimed from the outbox per poll. */
  claimBatch: number;
}

export interface NotificationDeliveryDeps {
  store: SubscriptionStore;
  senders: readonly NotificationSender[];
  clock: () => Date;
  random?: () => number;
  log: Pick<Logger, 'warn' | 'debug'>;
  /** This instance's name on leases. */
  owner: string;
  settings: DeliverySettings;
  /**
   * The endpoint of the subscription's current definition; undefined once it is deleted,
   * paused or expired (its pending notifications are then dropped).
   */
  endpointOf(tenant: string, subscriptionId: string): SubscriptionEndpoint | undefined;
}

export interface NotificationDelivery {
  /**
   * Rows leased to this instance, to send now (in order per endpoint). With `committed`,
   * their insert is still committing (SubscriptionStore.enqueueNotifications): they are sent
   * at once, but nothing about them is written before it resolves, and nothing at all if it
   * rejects.
   */
  accept(rows: readonly OutboxNotification[], committed?: Promise<void>): void;
  /** Claims due rows from the outbox and renews held leases. */
  poll(): Promise<void>;
  /** Writes pending outcomes now. */
  flush(): Promise<void>;
  /** Resolves once nothing is queued, in flight or waiting to be written. */
  idle(): Promise<void>;
  /** Stops sending; queued rows go back to the outbox at once; outcomes are written. */
  stop(): Promise<void>;
}

interface EndpointQueue {
  waiting: FifoQueue<OutboxNotification>;
  active: number;
}

/** Longest delay a Node.js timer takes (2^31 − 1 ms); a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Claims per poll at most: with a full outbox, claimBatch × this rows a poll. */
const MAX_CLAIMS_PER_POLL = 20;
/** Grace given to a sender past its timeout before the attempt counts as failed. */
const OVERRUN_GRACE_MS = 1_000;

/** A delay timers accept: whole milliseconds from 1 to MAX_TIMER_MS. */
function timerMs(ms: number): number {
  return Number.isFinite(ms) ? Math.min(Math.max(Math.ceil(ms), 1), MAX_TIMER_MS) : MAX_TIMER_MS;
}

export function createNotificationDelivery(deps: NotificationDeliveryDeps): NotificationDelivery {
  const { store, clock, log, owner, settings } = deps;
  const random = deps.random ?? Math.random;
  const senders = new Map<string, NotificationSender>();
  for (const sender of deps.senders)
    for (const scheme of sender.schemes) senders.set(scheme, sender);

  const queues = new Map<string, EndpointQueue>();
  /** Rows held in memory (waiting or in flight), by key. */
  const held = new Map<number, OutboxNotification>();
  /** The commits still under way of rows accepted before them, by key. */
  const uncommitted = new Map<number, Promise<void>>();
  /** Outcome writes waiting for a commit. */
  let awaitingCommit = 0;
  const outcomes = createDeliveryOutcomes({
    store,
    clock,
    log,
    flushMs: settings.flushMs,
    retryMs: timerMs(settings.leaseMs / 3),
    onFlushed: () => checkIdle(),
  });
  let lastRenewal = 0;
  let stopped = false;
  const idleWaiters: Array<() => void> = [];
  /** Whole milliseconds from now (due times are integers in the outbox). */
  const dueIn = (ms: number) => clock().getTime() + Math.ceil(ms);

  function accept(rows: readonly OutboxNotification[], committed?: Promise<void>): void {
    if (committed !== undefined) {
      for (const row of rows) uncommitted.set(row.key, committed);
      // Forgotten once committed; a failed commit stays known until each row is done with.
      committed.then(
        () => {
          for (const row of rows)
            if (uncommitted.get(row.key) === committed) uncommitted.delete(row.key);
        },
        () => undefined,
      );
    }
    for (const row of rows) {
      if (stopped || held.has(row.key)) continue;
      const endpoint = deps.endpointOf(row.tenant, row.subscriptionId);
      if (endpoint === undefined) {
        drop(row);
        continue;
      }
      let queue = queues.get(endpoint.uri);
      if (queue === undefined)
        queues.set(endpoint.uri, (queue = { waiting: new FifoQueue(), active: 0 }));
      if (queue.waiting.length >= settings.maxQueuedPerEndpoint) {
        // The endpoint is behind: the row waits in the outbox, not in memory, and is
        // claimed again by a later poll (not a retry: the attempt count stays).
        const dueAt = dueIn(settings.overflowDelayMs);
        afterCommit(row, () =>
          outcomes.reschedule({ key: row.key, attempts: row.attempts, dueAt }),
        );
        continue;
      }
      held.set(row.key, row);
      queue.waiting.push(row);
      pump(endpoint.uri, queue);
    }
  }

  function pump(uri: string, queue: EndpointQueue): void {
    while (!stopped && queue.active < settings.concurrencyPerEndpoint && queue.waiting.length > 0) {
      const row = queue.waiting.shift() as OutboxNotification;
      queue.active += 1;
      void deliver(row).finally(() => {
        queue.active -= 1;
        held.delete(row.key);
        if (queue.active === 0 && queue.waiting.length === 0) queues.delete(uri);
        else pump(uri, queue);
        checkIdle();
      });
    }
  }

  /** Runs `write` once the row's insert has committed; never if that failed. */
  function afterCommit(row: OutboxNotification, write: () => void): void {
    const committed = uncommitted.get(row.key);
    if (committed === undefined) return write();
    awaitingCommit += 1;
    committed
      .then(write, () => uncommitted.delete(row.key))
      .finally(() => {
        awaitingCommit -= 1;
        checkIdle();
      });
  }

  /** Whether the row exists: its insert has committed (at once when it had already). */
  async function isCommitted(row: OutboxNotification): Promise<boolean> {
    const committed = uncommitted.get(row.key);
    return (
      committed === undefined ||
      committed.then(
        () => true,
        () => false,
      )
    );
  }

  /** Deleted, paused or expired since the row was made: settled unsent, not counted. */
  function drop(row: OutboxNotification): void {
    log.debug(
      { subscriptionId: row.subscriptionId, key: row.key },
      'Dropping a notification of a subscription no longer active',
    );
    afterCommit(row, () => outcomes.settle(row.key));
  }

  async function deliver(row: OutboxNotification): Promise<void> {
    const endpoint = deps.endpointOf(row.tenant, row.subscriptionId);
    if (endpoint === undefined) return drop(row);
    const outcome = await send(row, endpoint);
    // Sent before its row committed: a failed commit leaves nothing to write about (the
    // change is handled again, and the notification sent again).
    if (!(await isCommitted(row))) {
      uncommitted.delete(row.key);
      return;
    }
    if (stopped) return;
    const now = clock();
    outcomes.record(row, outcome, now.toISOString());
    if (outcome.ok) {
      outcomes.settle(row.key);
      return;
    }
    const attempts = row.attempts + 1;
    const delay = outcome.retryable
      ? retryDelayMs(attempts, settings.retry, random(), endpoint.cooldown)
      : undefined;
    const reason = redactCredentials(outcome.reason);
    if (delay === undefined) {
      log.warn(
        {
          subscriptionId: row.subscriptionId,
          uri: redactCredentials(endpoint.uri),
          attempts,
          reason,
        },
        'Giving up a notification',
      );
      outcomes.settle(row.key);
    } else {
      log.debug(
        { subscriptionId: row.subscriptionId, attempts, delay, reason },
        'Notification failed; will retry',
      );
      outcomes.reschedule({ key: row.key, attempts, dueAt: now.getTime() + Math.ceil(delay) });
    }
  }

  /** The sender's outcome, bounded by the timeout even if a sender overruns it. */
  async function send(
    row: OutboxNotification,
    endpoint: SubscriptionEndpoint,
  ): Promise<DeliveryOutcome> {
    const scheme = endpoint.uri.slice(0, endpoint.uri.indexOf(':')).toLowerCase();
    const sender = senders.get(scheme);
    if (sender === undefined)
      return { ok: false, reason: `no sender for scheme '${scheme}'`, retryable: false };
    const timeoutMs = timerMs(endpoint.timeout ?? settings.timeoutMs);
    let timer: NodeJS.Timeout | undefined;
    const overrun = new Promise<DeliveryOutcome>((resolve) => {
      timer = setTimeout(
        () => resolve({ ok: false, reason: `no outcome within ${timeoutMs} ms`, retryable: true }),
        timerMs(timeoutMs + OVERRUN_GRACE_MS),
      );
    });
    try {
      return await Promise.race([
        sender
          .send(endpoint, row.message, { timeoutMs })
          .catch((error: unknown): DeliveryOutcome => ({
            ok: false,
            reason: error instanceof Error ? error.message : String(error),
            retryable: true,
          })),
        overrun,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  function isIdle(): boolean {
    return held.size === 0 && awaitingCommit === 0 && outcomes.isEmpty();
  }

  function checkIdle(): void {
    if (!isIdle()) return;
    for (const resolve of idleWaiters.splice(0)) resolve();
  }

  return {
    accept,

    async poll() {
      if (stopped) return;
      const now = clock().getTime();
      const until = now + Math.ceil(settings.leaseMs);
      if (held.size > 0 && now - lastRenewal >= settings.leaseMs / 3) {
        lastRenewal = now;
        await store.renewLeases([...held.keys()], { owner, until });
      }
      // A backlog (a receiver that was behind, a restart) is claimed a batch after another
      // while there is room, not one batch per poll; never more than memory may hold (rows
      // claimed only to be sent back would cost two writes each), and with a pause for I/O
      // between batches (the store may answer synchronously: without it, no send could
      // complete while a poll runs).
      for (let batch = 0; batch < MAX_CLAIMS_PER_POLL && !stopped; batch++) {
        const limit = Math.min(settings.claimBatch, settings.maxHeld - held.size);
        if (limit <= 0) break;
        const claimed = await store.claimNotifications({ owner, until }, now, limit);
        accept(claimed);
        if (claimed.length < limit) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
    },

    flush: () => outcomes.flush(),

    async idle() {
      await outcomes.flush();
      if (isIdle()) return;
      await new Promise<void>((resolve) => idleWaiters.push(resolve));
    },

    async stop() {
      if (stopped) return;
      stopped = true;
      // Rows not started yet go back to the outbox at once (due now) for whoever runs next.
      const now = clock().getTime();
      for (const queue of queues.values())
        for (const row of queue.waiting.take(queue.waiting.length)) {
          held.delete(row.key);
          afterCommit(row, () =>
            outcomes.reschedule({ key: row.key, attempts: row.attempts, dueAt: now }),
          );
        }
      await Promise.allSettled(new Set(uncommitted.values()));
      await outcomes.flush();
      outcomes.stop();
      for (const resolve of idleWaiters.splice(0)) resolve();
    },
  };
}
