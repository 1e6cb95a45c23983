import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FifoQueue } from './fifo-queue.js';

describe('FifoQueue', () => {
  it('gives items back in the order they came, by one or by batch', () => {
    const queue = new FifoQueue<number>();
    for (let i = 1; i <= 5; i++) queue.push(i);
    assert.equal(queue.peek(), 1);
    assert.equal(queue.shift(), 1);
    assert.deepEqual(queue.take(3), [2, 3, 4]);
    assert.equal(queue.length, 1);
    assert.deepEqual(queue.take(10), [5]);
    assert.equal(queue.length, 0);
    assert.equal(queue.shift(), undefined);
    assert.deepEqual(queue.take(2), []);
  });

  it('keeps its order across the cuts of a long queue', () => {
    const queue = new FifoQueue<number>();
    for (let i = 0; i < 20_000; i++) queue.push(i);
    const out: number[] = [];
    while (queue.length > 0) {
      out.push(...queue.take(7));
      queue.push(-1); // keeps the queue from emptying until the end
      out.push(queue.shift() as number);
      if (out.length > 40_000) break;
    }
    const firsts = out.filter((n) => n >= 0);
    assert.deepEqual(
      firsts,
      Array.from({ length: 20_000 }, (_, i) => i),
    );
  });
});
