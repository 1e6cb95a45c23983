/**
 * The change bus of a single Civis process (the default; ports/change-bus.port.ts). Changes
 * go straight from the relay to the consumers in memory; `publish` resolves once every
 * consumer group has handled them, so the relay removes a change from the durable change
 * log only then. A process that dies before that finds the change in the log at restart and
 * publishes it again: nothing is lost, and nothing is held here that a crash could lose.
 *
 * A change published twice (the relay's start-up scan may meet a change already on its
 * way) is handled once: in-flight and recently settled seqs are remembered, as JetStream's
 * duplicate window does for the NATS adapter.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  eachChange,
  type ChangeBatchHandler,
  type ChangeBus,
  type ChangeConsumer,
} from './ports/change-bus.port.js';
import type { EntityChange } from './ports/change-log.port.js';
import { FifoQueue } from './fifo-queue.js';
import { RecentSet } from './recent-set.js';

/** Seqs remembered after they settled, to drop late duplicates. */
const SETTLED_MEMORY = 10_000;
const RETRY_DELAYS_MS = [100, 500, 2_000, 10_000, 30_000];

interface Waiting {
  change: EntityChange;
  settle: (error?: Error) => void;
}

/**
 * One consumer group: its changes wait in publish order and are handed to the handler a
 * batch at a time (the ones waiting when the previous batch settled, up to maxBatch).
 */
interface Group {
  handler: ChangeBatchHandler;
  maxBatch: number;
  waiting: FifoQueue<Waiting>;
  /** The batches being handled, until none waits. */
  draining: Promise<void> | undefined;
  stopped: boolean;
}

export function createInProcessChangeBus(
  options: { onHandlerError?: (error: unknown, change: EntityChange, group: string) => void } = {},
): ChangeBus {
  const groups = new Map<string, Group>();
  const inFlight = new Map<number, Promise<void>>();
  const settled = new RecentSet<number>(SETTLED_MEMORY);
  let closed = false;

  /** Runs the handler until it succeeds, with growing pauses; gives up only on stop. */
  async function handle(name: string, group: Group, batch: Waiting[]): Promise<void> {
    const changes = batch.map((waiting) => waiting.change);
    for (let attempt = 0; !group.stopped && !closed; attempt++) {
      try {
        await group.handler(changes);
        for (const waiting of batch) waiting.settle();
        return;
      } catch (error) {
        options.onHandlerError?.(error, changes[0] as EntityChange, name);
        await sleep(RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)]);
      }
    }
    for (const { change, settle } of batch)
      settle(new Error(`Consumer ${name} stopped before handling change ${change.seq}`));
  }

  async function drain(name: string, group: Group): Promise<void> {
    while (group.waiting.length > 0) await handle(name, group, group.waiting.take(group.maxBatch));
  }

  function enqueue(name: string, group: Group, change: EntityChange): Promise<void> {
    const done = new Promise<void>((resolve, reject) =>
      group.waiting.push({ change, settle: (error) => (error ? reject(error) : resolve()) }),
    );
    // Started after the current publish has queued all its changes: they go together.
    group.draining ??= Promise.resolve()
      .then(() => drain(name, group))
      .finally(() => {
        group.draining = undefined;
      });
    return done;
  }

  function dispatch(change: EntityChange): Promise<void> {
    return Promise.all([...groups].map(([name, group]) => enqueue(name, group, change))).then(
      () => undefined,
    );
  }

  async function addGroup(
    name: string,
    handler: ChangeBatchHandler,
    maxBatch: number,
  ): Promise<ChangeConsumer> {
    if (groups.has(name)) throw new Error(`Change consumer group ${name} already exists`);
    const group: Group = {
      handler,
      maxBatch: Math.max(1, maxBatch),
      waiting: new FifoQueue(),
      draining: undefined,
      stopped: false,
    };
    groups.set(name, group);
    return {
      async stop() {
        group.stopped = true;
        groups.delete(name);
        await group.draining;
      },
    };
  }

  return {
    async publish(changes) {
      if (closed) throw new Error('The change bus is closed');
      const pending: Promise<void>[] = [];
      for (const change of changes) {
        if (settled.has(change.seq)) continue;
        let done = inFlight.get(change.seq);
        if (done === undefined) {
          done = dispatch(change).finally(() => {
            inFlight.delete(change.seq);
          });
          done.then(() => settled.add(change.seq)).catch(() => undefined);
          inFlight.set(change.seq, done);
        }
        pending.push(done);
      }
      await Promise.all(pending);
    },

    consume: (name, handler) => addGroup(name, eachChange(handler), 1),

    consumeBatches: (name, handler, { maxBatch }) => addGroup(name, handler, maxBatch),

    async close() {
      closed = true;
      for (const group of groups.values()) group.stopped = true;
      await Promise.all([...groups.values()].map((group) => group.draining));
      groups.clear();
    },
  };
}
