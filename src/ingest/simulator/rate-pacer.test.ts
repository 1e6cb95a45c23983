import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPacer } from './rate-pacer.js';

describe('createPacer', () => {
  it('createPacer hands out what is due, evenly over time', () => {
    const pacer = createPacer({ rate: 20_000, startMs: 1_000, maxInFlight: 1e9 });
    assert.equal(pacer.take(1_000, 0), 0);
    assert.equal(pacer.take(1_010, 0), 200);
    assert.equal(pacer.take(1_010, 0), 0);
    assert.equal(pacer.take(1_025, 0), 300);
    assert.equal(pacer.take(2_000, 0), 19_500);
    assert.equal(pacer.taken, 20_000);
  });

  it('createPacer stops at the total', () => {
    const pacer = createPacer({ rate: 100, startMs: 0, total: 150, maxInFlight: 1e9 });
    assert.equal(pacer.take(1_000, 0), 100);
    assert.equal(pacer.finished, false);
    assert.equal(pacer.take(10_000, 0), 50);
    assert.equal(pacer.finished, true);
    assert.equal(pacer.take(20_000, 0), 0);
  });

  it('createPacer holds back while too many are in flight and catches up after', () => {
    const pacer = createPacer({ rate: 1_000, startMs: 0, maxInFlight: 100 });
    assert.equal(pacer.take(500, 0), 100);
    assert.equal(pacer.take(600, 100), 0);
    assert.equal(pacer.behind(600), 500);
    assert.equal(pacer.take(600, 30), 70);
    assert.equal(pacer.take(700, 0), 100);
    assert.equal(pacer.behind(700), 430);
  });

  it('createPacer sends nothing before its start', () => {
    const pacer = createPacer({ rate: 1_000, startMs: 5_000, maxInFlight: 10 });
    assert.equal(pacer.take(0, 0), 0);
    assert.equal(pacer.behind(0), 0);
  });
});
