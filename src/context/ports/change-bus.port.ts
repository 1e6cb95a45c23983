/**
 * The change bus (DESIGN.md, process model): carries committed entity changes from the
 * instance that made them to the consumers that react to them (subscription matching,
 * later rules and KPIs), across instances. Adapters: src/context/in-process-change-bus.ts
 * (one process, the default) and src/adapters/nats (NATS JetStream, many instances).
 *
 * Delivery is at least once: a change whose handler did not resolve is delivered again
 * (after a restart, or to another instance). Consumers make their effects idempotent by
 * `seq` (for example a unique key on subscription and change).
 */
import type { EntityChange } from './change-log.port.js';

export type ChangeHandler = (change: EntityChange) => Promise<void>;
/** Handles several changes, in publish order; they settle together. */
export type ChangeBatchHandler = (changes: readonly EntityChange[]) => Promise<void>;

/** A per-change handler as a batch handler: what `consume` is, with batches of one. */
export function eachChange(handler: ChangeHandler): ChangeBatchHandler {
  return async (changes) => {
    for (const change of changes) await handler(change);
  };
}

export interface ChangeConsumer {
  stop(): Promise<void>;
}

export interface ChangeBus {
  /**
   * Hands committed changes (read from the change log, in seq order) to the bus. Resolves
   * once the bus holds them durably, so that the relay may remove them from the log;
   * rejects when the bus is unavailable (the relay keeps them and tries again). Publishing
   * a change twice is harmless: the bus drops the duplicate by `seq`. A change the bus
   * cannot carry at all (NATS: larger than max_payload even compressed) is logged and left
   * out rather than refused, so that it cannot hold up the changes after it.
   */
  publish(changes: readonly EntityChange[]): Promise<void>;
  /**
   * Delivers every change published from now on (and those not yet handled by `group`
   * before a restart) to exactly one consumer of `group` among all instances, one change
   * at a time per consumer, in publish order. A change is settled once `handler` resolves;
   * if it rejects, the change is delivered again later.
   */
  consume(group: string, handler: ChangeHandler): Promise<ChangeConsumer>;
  /**
   * As `consume`, but hands over the changes that wait for this consumer together, up to
   * `maxBatch`, in publish order: a consumer that writes per change (the notification outbox)
   * then writes once per batch. The batch is settled once `handler` resolves; if it
   * rejects, every change of it is delivered again later.
   */
  consumeBatches(
    group: string,
    handler: ChangeBatchHandler,
    options: { maxBatch: number },
  ): Promise<ChangeConsumer>;
  close(): Promise<void>;
}
