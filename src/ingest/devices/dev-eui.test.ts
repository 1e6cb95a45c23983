import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeDevEui } from './dev-eui.js';

describe('normalizeDevEui', () => {
  it('normalizeDevEui upper-cases 16 hex digits', () => {
    assert.equal(normalizeDevEui('0004a30b001c5f21'), '0004A30B001C5F21');
    assert.equal(normalizeDevEui('70B3D57ED005D1A2'), '70B3D57ED005D1A2');
  });

  it('normalizeDevEui refuses other lengths, separators and non-strings', () => {
    for (const value of [
      '0004a30b001c5f2',
      '0004a30b001c5f211',
      '00-04-a3-0b-00-1c-5f-21',
      'zz04a30b001c5f21',
      42,
      null,
    ]) {
      assert.equal(normalizeDevEui(value), undefined, String(value));
    }
  });
});
