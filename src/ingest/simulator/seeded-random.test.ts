import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom, deriveSeed } from './seeded-random.js';

describe('createRandom', () => {
  it('createRandom repeats the same sequence for the same seed', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const first = Array.from({ length: 100 }, () => a.next());
    assert.deepEqual(
      first,
      Array.from({ length: 100 }, () => b.next()),
    );
    const other = createRandom(43);
    assert.notDeepEqual(
      first,
      Array.from({ length: 100 }, () => other.next()),
    );
  });

  it('next stays in [0, 1) and is roughly uniform', () => {
    const random = createRandom(7);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const x = random.next();
      assert.ok(x >= 0 && x < 1);
      buckets[Math.floor(x * 10)]! += 1;
    }
    for (const count of buckets) assert.ok(count > 9_500 && count < 10_500, String(count));
  });

  it('int, between, chance and pick stay within their bounds', () => {
    const random = createRandom(1);
    for (let i = 0; i < 1_000; i++) {
      const n = random.int(5);
      assert.ok(Number.isInteger(n) && n >= 0 && n < 5);
      const x = random.between(-2, 3);
      assert.ok(x >= -2 && x < 3);
      assert.ok(['a', 'b'].includes(random.pick(['a', 'b'])));
    }
    assert.equal(random.chance(0), false);
    assert.equal(random.chance(1), true);
    assert.throws(() => random.pick([]), RangeError);
  });

  it('gaussian has mean about 0 and deviation about 1', () => {
    const random = createRandom(3);
    const xs = Array.from({ length: 20_000 }, () => random.gaussian());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    assert.ok(Math.abs(mean) < 0.05, String(mean));
    assert.ok(Math.abs(sd - 1) < 0.05, String(sd));
  });
});

describe('deriveSeed', () => {
  it('deriveSeed depends on every part and on their order', () => {
    const seeds = new Set([
      deriveSeed(1, 'device', 1),
      deriveSeed(1, 'device', 2),
      deriveSeed(2, 'device', 1),
      deriveSeed(1, 1, 'device'),
      deriveSeed(1, 'devic', 'e1'),
    ]);
    assert.equal(seeds.size, 5);
    assert.equal(deriveSeed(9, 'x', 3), deriveSeed(9, 'x', 3));
  });
});
