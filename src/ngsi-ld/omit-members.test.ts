import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { omitMembers } from './omit-members.js';

describe('omitMembers', () => {
  it('copies the other own members in their order, as object rest does', () => {
    const source = { type: 'Property', value: 1, createdAt: 'c', observedAt: 'o', modifiedAt: 'm' };
    const { createdAt: _c, modifiedAt: _m, ...rest } = source;
    const kept = omitMembers(source, ['createdAt', 'modifiedAt']);
    assert.deepEqual(kept, rest);
    assert.deepEqual(Object.keys(kept), ['type', 'value', 'observedAt']);
    assert.notEqual(kept, source);
  });

  it('copies no inherited member and leaves the source alone', () => {
    const source = Object.assign(Object.create({ inherited: true }) as object, { a: 1, b: 2 });
    assert.deepEqual(omitMembers(source as { a: number; b: number }, ['b']), { a: 1 });
    assert.deepEqual({ ...source }, { a: 1, b: 2 });
  });
});
