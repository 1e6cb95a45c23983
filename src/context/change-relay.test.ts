import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createChangeRelay } from './change-relay.js';
import type { ChangeBus } from './ports/change-bus.port.js';
import type { ChangeLog, EntityChange } from './ports/change-log.port.js';

function change(seq: number): EntityChange {
  return {
    seq,
    tenant: '',
    entityId: `urn:e:${seq}`,
    at: '2024-01-01T00:00:00Z',
    previous: null,
    current: null,
  };
}

/** A change log in memory: `commit` plays the entity store writing and committing. */
function memoryLog(initial: EntityChange[] = []) {
  const rows = new Map(initial.map((c) => [c.seq, c]));
  const listeners: Array<(changes: EntityChange[]) => void> = [];
  const log: ChangeLog & {
    commit(changes: EntityChange[]): void;
    commitQuietly(change: EntityChange): void;
    seqs(): number[];
  } = {
    onCommit: (listener) => void listeners.push(listener),
    async pendingChanges(limit) {
      return [...rows.values()].sort((a, b) => a.seq - b.seq).slice(0, limit);
    },
    async removeChanges(seqs) {
      for (const seq of seqs) rows.delete(seq);
    },
    commit(changes) {
      for (const c of changes) rows.set(c.seq, c);
      for (const listener of listeners) listener(changes);
    },
    commitQuietly(change) {
      rows.set(change.seq, change);
    },
    seqs: () => [...rows.keys()].sort((a, b) => a - b),
  };
  return log;
}

function recordingBus(options: { down?: () => boolean } = {}) {
  const published: number[] = [];
  const bus: ChangeBus & { published: number[] } = {
    published,
    async publish(changes) {
      if (options.down?.()) throw new Error('bus down');
      published.push(...changes.map((c) => c.seq));
    },
    async consume() {
      return { stop: async () => undefined };
    },
    async consumeBatches() {
      return { stop: async () => undefined };
    },
    async close() {},
  };
  return bus;
}

describe('change relay', () => {
  it('publishes what the log holds at start, then each commit, removing what the bus took', async () => {
    const log = memoryLog([change(1), change(2)]);
    const bus = recordingBus();
    const relay = createChangeRelay({ changeLog: log, bus, pageSize: 1 });
    log.commit([change(3)]); // before start: left for the start-up scan
    await relay.start();
    log.commit([change(4)]);
    await relay.idle();
    assert.deepEqual(bus.published, [1, 2, 3, 4]);
    assert.deepEqual(log.seqs(), []);
    await relay.stop();
  });

  it('keeps changes in the log while the bus is down and publishes them when it returns', async () => {
    let down = true;
    const errors: unknown[] = [];
    const log = memoryLog();
    const bus = recordingBus({ down: () => down });
    const relay = createChangeRelay({
      changeLog: log,
      bus,
      retryMs: 10,
      onPublishError: (error) => errors.push(error),
    });
    await relay.start();
    log.commit([change(1)]);
    log.commit([change(2)]);
    await relay.idle();
    assert.deepEqual(log.seqs(), [1, 2]);
    assert.ok(errors.length >= 2);
    down = false;
    for (let i = 0; i < 100 && log.seqs().length > 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(log.seqs(), []);
    assert.deepEqual(bus.published, [1, 2]);
    await relay.stop();
  });

  it('sweeps the log for changes another instance left behind', async () => {
    const log = memoryLog();
    const bus = recordingBus();
    const relay = createChangeRelay({ changeLog: log, bus, sweepMs: 10 });
    await relay.start();
    // Another instance committed change 9 and died before publishing it.
    log.commitQuietly(change(9));
    for (let i = 0; i < 100 && !bus.published.includes(9); i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(bus.published, [9]);
    await relay.stop();
  });

  it('publishes nothing after stop', async () => {
    const log = memoryLog();
    const bus = recordingBus();
    const relay = createChangeRelay({ changeLog: log, bus });
    await relay.start();
    await relay.stop();
    log.commit([change(1)]);
    assert.deepEqual(bus.published, []);
    assert.deepEqual(log.seqs(), [1]);
  });
});
