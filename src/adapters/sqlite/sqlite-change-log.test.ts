import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { consecutiveRuns } from './sqlite-change-log.js';

describe('consecutiveRuns', () => {
  it('groups consecutive numbers into [first, last] runs, whatever their order', () => {
    assert.deepEqual(consecutiveRuns([7, 1, 2, 3, 9, 8, 12]), [
      [1, 3],
      [7, 9],
      [12, 12],
    ]);
  });

  it('keeps a repeated number in its run and gives nothing for nothing', () => {
    assert.deepEqual(consecutiveRuns([4, 4, 5]), [[4, 5]]);
    assert.deepEqual(consecutiveRuns([]), []);
  });
});
