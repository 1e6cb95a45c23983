import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CITY_KINDS, DEVICE_KINDS, KIND_NAMES, apportionKinds } from './device-kinds.js';

describe('device kinds', () => {
  it('the city kinds cover every vertical and leave the benchmark device out', () => {
    assert.deepEqual([...CITY_KINDS].sort(), [
      'air',
      'energy',
      'ev',
      'parking',
      'streetlight',
      'traffic',
      'waste',
      'water',
    ]);
    const total = CITY_KINDS.reduce((s, k) => s + DEVICE_KINDS[k].share, 0);
    assert.ok(Math.abs(total - 1) < 1e-9);
  });

  it('each kind has distinct payload keys, IoT Agent types and units on its numbers', () => {
    for (const name of KIND_NAMES) {
      const kind = DEVICE_KINDS[name];
      const keys = kind.attributes.map((a) => a.object_id);
      assert.equal(new Set(keys).size, keys.length, name);
      for (const attribute of kind.attributes) {
        assert.ok(['Text', 'Number', 'Integer'].includes(attribute.type), attribute.name);
        if (attribute.type === 'Number') assert.match(attribute.unitCode ?? '', /^[A-Z0-9]{2,3}$/);
        assert.doesNotMatch(attribute.object_id ?? '', /[|#/+]/);
      }
    }
  });
});

describe('apportionKinds', () => {
  it('apportionKinds shares devices by weight and sums exactly', () => {
    const counts = apportionKinds(10_000, CITY_KINDS);
    assert.equal(
      [...counts.values()].reduce((s, x) => s + x, 0),
      10_000,
    );
    assert.equal(counts.get('parking'), 3_000);
    assert.equal(counts.get('air'), 300);
  });

  it('apportionKinds gives every kind a device when there are enough', () => {
    const counts = apportionKinds(10, CITY_KINDS);
    assert.equal(
      [...counts.values()].reduce((s, x) => s + x, 0),
      10,
    );
    for (const kind of CITY_KINDS) assert.ok(counts.get(kind)! >= 1, kind);
  });

  it('apportionKinds with fewer devices than kinds still sums exactly', () => {
    const counts = apportionKinds(3, CITY_KINDS);
    assert.equal(
      [...counts.values()].reduce((s, x) => s + x, 0),
      3,
    );
  });

  it('apportionKinds shares evenly between kinds without a share', () => {
    assert.deepEqual([...apportionKinds(7, ['benchmark']).values()], [7]);
  });
});
