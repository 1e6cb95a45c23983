import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentSet } from './recent-set.js';

describe('RecentSet', () => {
  it('holds the last capacity values added, forgetting the oldest first', () => {
    const recent = new RecentSet<number>(3);
    for (const value of [1, 2, 3, 4]) recent.add(value);
    assert.deepEqual(
      [1, 2, 3, 4].map((value) => recent.has(value)),
      [false, true, true, true],
    );
    assert.equal(recent.size, 3);
    recent.add(5);
    assert.equal(recent.has(2), false);
    assert.equal(recent.has(5), true);
  });

  it('adding a value it holds changes nothing, so it is not counted twice', () => {
    const recent = new RecentSet<number>(2);
    recent.add(1);
    recent.add(1);
    recent.add(2);
    assert.equal(recent.size, 2);
    assert.equal(recent.has(1), true);
    recent.add(3);
    assert.deepEqual([recent.has(1), recent.has(2), recent.has(3)], [false, true, true]);
  });

  it('stays bounded over many additions', () => {
    const recent = new RecentSet<number>(100);
    for (let value = 0; value < 100_000; value++) recent.add(value);
    assert.equal(recent.size, 100);
    assert.equal(recent.has(99_899), false);
    assert.equal(recent.has(99_900), true);
  });
});
