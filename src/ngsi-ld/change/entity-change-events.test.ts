import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Attribute, Entity } from '../model.js';
import { deepEqual, describeEntityChange, sameInstance } from './entity-change-events.js';

const SPEED = 'http://example.org/speed';
const NAME = 'http://example.org/name';

function vehicle(attrs: Record<string, Attribute[]>, extra: Partial<Entity> = {}): Entity {
  return {
    id: 'urn:ngsi-ld:Vehicle:1',
    type: ['http://example.org/Vehicle'],
    createdAt: '2024-01-01T00:00:00Z',
    modifiedAt: '2024-01-01T00:00:00Z',
    attrs,
    ...extra,
  };
}
const speed = (value: number, extra: Partial<Attribute> = {}): Attribute => ({
  type: 'Property',
  value,
  ...extra,
});

describe('describeEntityChange', () => {
  it('a creation fires entityCreated and attributeCreated for every instance', () => {
    const events = describeEntityChange(
      null,
      vehicle({ [SPEED]: [speed(1), speed(2, { datasetId: 'urn:d' })], [NAME]: [speed(3)] }),
    );
    assert.equal(events.entity, 'entityCreated');
    assert.deepEqual(
      events.attributes.map((a) => [a.attr, a.datasetId, a.trigger]),
      [
        [SPEED, undefined, 'attributeCreated'],
        [SPEED, 'urn:d', 'attributeCreated'],
        [NAME, undefined, 'attributeCreated'],
      ],
    );
    assert.deepEqual([...events.triggers].sort(), ['attributeCreated', 'entityCreated']);
    assert.deepEqual([...events.changedAttributes], [SPEED, NAME]);
  });

  it('an update reports updated, created and deleted instances with previous values', () => {
    const before = vehicle({ [SPEED]: [speed(1)], [NAME]: [speed(3)] });
    const after = vehicle({ [SPEED]: [speed(2)], [NAME]: [speed(3)], x: [speed(9)] });
    delete (after.attrs as Record<string, unknown>)[NAME];
    const events = describeEntityChange(before, after);
    assert.equal(events.entity, 'entityUpdated');
    assert.deepEqual(events.attributes, [
      { attr: SPEED, trigger: 'attributeUpdated', previous: speed(1), current: speed(2) },
      { attr: NAME, trigger: 'attributeDeleted', previous: speed(3) },
      { attr: 'x', trigger: 'attributeCreated', current: speed(9) },
    ]);
  });

  it('a rewrite that changes only system attributes is no attribute change', () => {
    const before = vehicle({ [SPEED]: [speed(1, { modifiedAt: '2024-01-01T00:00:00Z' })] });
    const after = vehicle(
      { [SPEED]: [speed(1, { modifiedAt: '2024-02-01T00:00:00Z' })] },
      { modifiedAt: '2024-02-01T00:00:00Z' },
    );
    const events = describeEntityChange(before, after);
    assert.equal(events.entity, undefined);
    assert.deepEqual(events.attributes, []);
    assert.equal(events.triggers.size, 0);
  });

  it('a new observedAt or sub-attribute value is a change; a type added is an entity update', () => {
    const before = vehicle({ [SPEED]: [speed(1, { observedAt: '2024-01-01T00:00:00Z' })] });
    const observed = vehicle({ [SPEED]: [speed(1, { observedAt: '2024-01-01T00:00:01Z' })] });
    assert.equal(describeEntityChange(before, observed).attributes[0]?.trigger, 'attributeUpdated');
    const sub = vehicle({ [SPEED]: [speed(1, { attrs: { [NAME]: [speed(1)] } })] });
    const subChanged = vehicle({ [SPEED]: [speed(1, { attrs: { [NAME]: [speed(2)] } })] });
    assert.equal(describeEntityChange(sub, subChanged).attributes.length, 1);
    const retyped = vehicle(before.attrs, { type: [...before.type, 'http://example.org/Car'] });
    const events = describeEntityChange(before, retyped);
    assert.equal(events.entity, 'entityUpdated');
    assert.deepEqual(events.attributes, []);
  });

  it('a deletion fires entityDeleted and attributeDeleted for every instance', () => {
    const events = describeEntityChange(vehicle({ [SPEED]: [speed(1)] }), null);
    assert.equal(events.entity, 'entityDeleted');
    assert.deepEqual(
      events.attributes.map((a) => a.trigger),
      ['attributeDeleted'],
    );
  });
});

describe('sameInstance and deepEqual', () => {
  it('ignore member order of values but not array order', () => {
    assert.ok(deepEqual({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }));
    assert.ok(!deepEqual([1, 2], [2, 1]));
    assert.ok(!deepEqual({ a: 1 }, { a: 1, b: undefined as unknown as number }));
    assert.ok(!sameInstance(speed(1), { type: 'Property', value: '1' }));
    assert.ok(
      sameInstance(
        { type: 'Property', value: { createdAt: 1 } },
        { value: { createdAt: 1 }, type: 'Property' },
      ),
    );
  });
});
