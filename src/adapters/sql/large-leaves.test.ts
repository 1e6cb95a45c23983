import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rememberLargeLeaves } from './large-leaves.js';
import type { Condition } from './query-condition.js';

const TYPE: Condition = { kind: 'type', type: 'T' };
const NAME: Condition = {
  kind: 'value',
  attr: 'name',
  tests: [{ kinds: ['s'], column: 'str', op: '=', value: 'x' }],
};

describe('rememberLargeLeaves', () => {
  it('rememberLargeLeaves reads a leaf found large only once per tenant, and small ones every time', async () => {
    const asked: Array<[string, Condition[]]> = [];
    const keys = rememberLargeLeaves(async (tenant, leaves, cap) => {
      asked.push([tenant, leaves]);
      return leaves.map((leaf) => (leaf === TYPE ? Array.from({ length: cap }, (_, i) => i) : [7]));
    });
    assert.deepEqual(await keys('a', [TYPE, NAME], 3), [undefined, [7]]);
    assert.deepEqual(await keys('a', [TYPE, NAME], 3), [undefined, [7]]);
    assert.deepEqual(await keys('b', [TYPE], 3), [undefined]);
    assert.deepEqual(asked, [
      ['a', [TYPE, NAME]],
      ['a', [NAME]],
      ['b', [TYPE]],
    ]);
  });

  it('rememberLargeLeaves reads nothing when every leaf is known large', async () => {
    let reads = 0;
    const keys = rememberLargeLeaves(async (_tenant, leaves, cap) => {
      reads += 1;
      return leaves.map(() => Array.from({ length: cap }, (_, i) => i));
    });
    await keys('a', [TYPE], 2);
    assert.deepEqual(await keys('a', [{ kind: 'type', type: 'T' }], 2), [undefined]);
    assert.equal(reads, 1);
  });
});
