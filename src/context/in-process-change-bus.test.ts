import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createInProcessChangeBus } from './in-process-change-bus.js';
import type { EntityChange } from './ports/change-log.port.js';

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

describe('in-process change bus', () => {
  it('publish resolves once every group has handled the changes, in order', async () => {
    const bus = createInProcessChangeBus();
    const seen: string[] = [];
    await bus.consume('a', async (c) => void seen.push(`a${c.seq}`));
    await bus.consume('b', async (c) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push(`b${c.seq}`);
    });
    await bus.publish([change(1), change(2)]);
    assert.deepEqual(
      seen.filter((s) => s.startsWith('a')),
      ['a1', 'a2'],
    );
    assert.deepEqual(
      seen.filter((s) => s.startsWith('b')),
      ['b1', 'b2'],
    );
    await bus.close();
  });

  it('hands a batch consumer the changes that waited together, up to maxBatch, in order', async () => {
    const bus = createInProcessChangeBus();
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    let started: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const firstStarted = new Promise<void>((resolve) => (started = resolve));
    await bus.consumeBatches(
      'a',
      async (changes) => {
        batches.push(changes.map((c) => c.seq));
        if (batches.length > 1) return;
        started();
        await held;
      },
      { maxBatch: 2 },
    );
    const first = bus.publish([change(1)]);
    await firstStarted;
    // Published while the first batch is being handled: they wait, then go two by two.
    const rest = bus.publish([change(2), change(3), change(4)]);
    release();
    await Promise.all([first, rest]);
    assert.deepEqual(batches, [[1], [2, 3], [4]]);
    await bus.close();
  });

  it('hands a failed batch again, whole, and settles its changes only then', async () => {
    const bus = createInProcessChangeBus();
    const batches: number[][] = [];
    await bus.consumeBatches(
      'a',
      async (changes) => {
        batches.push(changes.map((c) => c.seq));
        if (batches.length === 1) throw new Error('outbox down');
      },
      { maxBatch: 10 },
    );
    await bus.publish([change(1), change(2)]);
    assert.deepEqual(batches, [
      [1, 2],
      [1, 2],
    ]);
    await bus.close();
  });

  it('handles a change published twice once', async () => {
    const bus = createInProcessChangeBus();
    let handled = 0;
    await bus.consume('a', async () => void handled++);
    await Promise.all([bus.publish([change(7)]), bus.publish([change(7)])]);
    await bus.publish([change(7)]);
    assert.equal(handled, 1);
    await bus.close();
  });

  it('runs a failing handler again until it succeeds, reporting each failure', async () => {
    const failures: unknown[] = [];
    const bus = createInProcessChangeBus({ onHandlerError: (error) => failures.push(error) });
    let attempts = 0;
    await bus.consume('a', async () => {
      attempts++;
      if (attempts < 3) throw new Error('not yet');
    });
    await bus.publish([change(1)]);
    assert.equal(attempts, 3);
    assert.equal(failures.length, 2);
    await bus.close();
  });

  it('rejects a second group of the same name and publishing after close', async () => {
    const bus = createInProcessChangeBus();
    await bus.consume('a', async () => undefined);
    await assert.rejects(
      bus.consume('a', async () => undefined),
      /already exists/,
    );
    await bus.close();
    await assert.rejects(bus.publish([change(1)]), /closed/);
  });

  it('a stopped consumer no longer receives changes', async () => {
    const bus = createInProcessChangeBus();
    let handled = 0;
    const consumer = await bus.consume('a', async () => void handled++);
    await bus.publish([change(1)]);
    await consumer.stop();
    await bus.publish([change(2)]);
    assert.equal(handled, 1);
    await bus.close();
  });
});
