import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { badRequest, dc, fakeContext } from '../entity/entity.fixtures.js';
import { parseInstanceReplacement, parseTemporalEntity } from './temporal-entity-parser.js';

const ctx = fakeContext();
const at = '2018-08-01T12:03:00Z';

describe('parseTemporalEntity', () => {
  it('parseTemporalEntity reads arrays of instances that may share a datasetId (temporal.md §2)', () => {
    const parsed = parseTemporalEntity(
      {
        id: 'urn:ngsi-ld:Vehicle:B9211',
        type: 'Vehicle',
        speed: [
          { type: 'Property', value: 120, observedAt: at, instanceId: 'urn:x:ignored' },
          { type: 'Property', value: 80, observedAt: at, createdAt: '2000-01-01T00:00:00Z' },
        ],
        isParked: { type: 'Relationship', object: 'urn:ngsi-ld:Parking:1', observedAt: at },
      },
      ctx,
      'entity',
    );
    assert.equal(parsed.id, 'urn:ngsi-ld:Vehicle:B9211');
    assert.deepEqual(parsed.type, [dc('Vehicle')]);
    assert.deepEqual(parsed.attrs[dc('speed')], [
      { type: 'Property', value: 120, observedAt: at },
      { type: 'Property', value: 80, observedAt: at },
    ]);
    assert.equal(parsed.attrs[dc('isParked')]?.length, 1);
  });

  it('parseTemporalEntity needs id and type for an entity, an attribute for a fragment', () => {
    assert.throws(() => parseTemporalEntity({ type: 'V' }, ctx, 'entity'), badRequest(/'id'/));
    assert.throws(
      () => parseTemporalEntity({ id: 'urn:a:1' }, ctx, 'entity'),
      badRequest(/'type'/),
    );
    assert.throws(() => parseTemporalEntity({}, ctx, 'fragment'), badRequest(/no attribute/));
    assert.deepEqual(parseTemporalEntity({ speed: { value: 1 } }, ctx, 'fragment').attrs, {
      [dc('speed')]: [{ type: 'Property', value: 1 }],
    });
  });

  it('parseTemporalEntity rejects NGSI-LD Null, empty arrays and bad names', () => {
    const base = { id: 'urn:a:1', type: 'V' };
    for (const body of [
      { ...base, speed: [] },
      { ...base, speed: [{ type: 'Property', value: 'urn:ngsi-ld:null' }] },
      { ...base, 'sp eed': [{ type: 'Property', value: 1 }] },
      { ...base, observedAt: at },
      [],
    ])
      assert.throws(() => parseTemporalEntity(body, ctx, 'entity'), badRequest());
  });
});

describe('parseInstanceReplacement', () => {
  it('parseInstanceReplacement accepts the wrapped array, the wrapped object and the bare instance', () => {
    const instance = { type: 'Property', value: 95, observedAt: at };
    const expected = { type: 'Property', value: 95, observedAt: at };
    assert.deepEqual(parseInstanceReplacement({ speed: [instance] }, ctx, 'speed'), expected);
    assert.deepEqual(parseInstanceReplacement({ speed: instance }, ctx, 'speed'), expected);
    assert.deepEqual(parseInstanceReplacement(instance, ctx, 'speed'), expected);
  });

  it('parseInstanceReplacement wants exactly one instance', () => {
    const instance = { type: 'Property', value: 95 };
    assert.throws(
      () => parseInstanceReplacement({ speed: [instance, instance] }, ctx, 'speed'),
      badRequest(/exactly one/),
    );
    assert.throws(() => parseInstanceReplacement('x', ctx, 'speed'), badRequest());
  });
});
