import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPublishPermits } from './mqtt-publish-permits.js';

/** Records the order in which waiting takes are granted. */
function granted(order: string[], name: string, take: Promise<void> | undefined): void {
  assert.ok(take, `${name} should wait`);
  void take.then(() => order.push(name));
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('createPublishPermits', () => {
  it('createPublishPermits grants up to its limit at once, then first come first served', async () => {
    const permits = createPublishPermits(2);
    const [a, b, c] = [permits.lease(), permits.lease(), permits.lease()];
    const settleA = [a.take(), a.take()].map(() => a.handle());
    assert.equal(permits.inUse, 2);
    const order: string[] = [];
    granted(order, 'b', b.take());
    granted(order, 'c', c.take());
    assert.equal(permits.waiting, 2);
    settleA[0]?.();
    await turn();
    assert.deepEqual(order, ['b']);
    // A newcomer waits behind c.
    const d = permits.lease();
    granted(order, 'd', d.take());
    settleA[1]?.();
    await turn();
    assert.deepEqual(order, ['b', 'c']);
    assert.equal(permits.inUse, 2);
    assert.equal(permits.waiting, 1);
  });

  it('createPublishPermits gives a permit back once per settled message', () => {
    const permits = createPublishPermits(3);
    const lease = permits.lease();
    lease.take();
    const settle = lease.handle();
    settle();
    settle();
    assert.equal(permits.inUse, 0);
  });

  it('createPublishPermits takes back the permits of an ended connection, except those still handled', async () => {
    const permits = createPublishPermits(3);
    const lease = permits.lease();
    lease.take();
    lease.take();
    lease.take();
    const settle = lease.handle();
    const other = permits.lease();
    const order: string[] = [];
    granted(order, 'other', other.take());
    lease.end();
    // Two packets never reached the hook: their permits go back, one to the waiting connection.
    assert.equal(permits.inUse, 2);
    await turn();
    assert.deepEqual(order, ['other']);
    settle();
    assert.equal(permits.inUse, 1);
    // An ended connection passes what is left without a permit (its stream is destroyed).
    assert.equal(lease.take(), undefined);
    assert.equal(permits.inUse, 1);
  });

  it('createPublishPermits drops an ended connection from the line', () => {
    const permits = createPublishPermits(1);
    const holder = permits.lease();
    holder.take();
    const settle = holder.handle();
    const gone = permits.lease();
    assert.ok(gone.take());
    gone.end();
    assert.equal(permits.waiting, 0);
    settle();
    assert.equal(permits.inUse, 0);
  });

  it('createPublishPermits refuses a limit below one', () => {
    assert.throws(() => createPublishPermits(0), RangeError);
  });
});
