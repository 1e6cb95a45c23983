import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dc, fakeContext } from '../entity/entity.fixtures.js';
import type { EntityHistory, TemporalInstance } from './temporal-model.js';
import { renderTemporalEntity } from './temporal-renderer.js';

const ctx = fakeContext();
const T = (m: number) => `2018-08-01T12:0${m}:00.000Z`;
const CREATED = '2026-01-01T00:00:00.000Z';

function instance(n: number, attribute: TemporalInstance['attribute']): TemporalInstance {
  return {
    instanceId: `urn:ngsi-ld:attribute:instance:${n}`,
    attribute: { ...attribute, createdAt: CREATED, modifiedAt: CREATED },
  };
}

const history: EntityHistory = {
  id: 'urn:ngsi-ld:Vehicle:B9211',
  type: [dc('Vehicle')],
  createdAt: CREATED,
  modifiedAt: CREATED,
  attrs: {
    [dc('speed')]: {
      truncated: false,
      instances: [
        instance(1, { type: 'Property', value: 120, observedAt: T(3) }),
        instance(2, { type: 'Property', value: 80, observedAt: T(5), datasetId: 'urn:ds:radar' }),
      ],
    },
    [dc('isParked')]: {
      truncated: false,
      instances: [
        instance(3, { type: 'Relationship', object: 'urn:ngsi-ld:Parking:1', observedAt: T(7) }),
        {
          ...instance(4, { type: 'Relationship', object: 'urn:ngsi-ld:null' }),
          deletedAt: T(9),
        },
      ],
    },
  },
};

describe('renderTemporalEntity', () => {
  it('renderTemporalEntity lists instances with instanceId, and deletedAt on deletions (temporal.md §2)', () => {
    const out = renderTemporalEntity(history, ctx, {
      format: 'normalized',
      sysAttrs: false,
      timeproperty: 'observedAt',
    });
    assert.deepEqual(out['speed'], [
      {
        type: 'Property',
        value: 120,
        observedAt: T(3),
        instanceId: 'urn:ngsi-ld:attribute:instance:1',
      },
      {
        type: 'Property',
        value: 80,
        datasetId: 'urn:ds:radar',
        observedAt: T(5),
        instanceId: 'urn:ngsi-ld:attribute:instance:2',
      },
    ]);
    assert.deepEqual((out['isParked'] as unknown[])[1], {
      type: 'Relationship',
      object: 'urn:ngsi-ld:null',
      instanceId: 'urn:ngsi-ld:attribute:instance:4',
      deletedAt: T(9),
    });
    assert.equal(out['type'], 'Vehicle');
    assert.equal(out['createdAt'], undefined);
  });

  it('renderTemporalEntity with temporalValues pairs payloads with timestamps, one object per datasetId', () => {
    const out = renderTemporalEntity(history, ctx, {
      format: 'temporalValues',
      sysAttrs: true,
      timeproperty: 'observedAt',
    });
    assert.deepEqual(out['speed'], [
      { type: 'Property', values: [[120, T(3)]] },
      { type: 'Property', datasetId: 'urn:ds:radar', values: [[80, T(5)]] },
    ]);
    // The deletion has no observedAt: it is placed at its record's createdAt.
    assert.deepEqual(out['isParked'], {
      type: 'Relationship',
      objects: [
        ['urn:ngsi-ld:Parking:1', T(7)],
        ['urn:ngsi-ld:null', CREATED],
      ],
    });
    assert.equal(out['createdAt'], undefined);
  });

  it('renderTemporalEntity with aggregatedValues lists the requested methods as triples', () => {
    const out = renderTemporalEntity(
      {
        ...history,
        attrs: {},
        aggregated: {
          [dc('speed')]: [
            {
              kind: 'Property',
              periods: [{ start: T(0), end: T(4), values: { max: 120, avg: 120 } }],
            },
          ],
        },
      },
      ctx,
      {
        format: 'aggregatedValues',
        sysAttrs: false,
        timeproperty: 'observedAt',
        aggrMethods: ['avg', 'max', 'min'],
      },
    );
    assert.deepEqual(out['speed'], {
      type: 'Property',
      avg: [[120, T(0), T(4)]],
      max: [[120, T(0), T(4)]],
    });
  });

  it('renderTemporalEntity applies pick and omit to members and attributes', () => {
    const out = renderTemporalEntity(history, ctx, {
      format: 'normalized',
      sysAttrs: false,
      timeproperty: 'observedAt',
      pick: ['id', dc('speed')],
    });
    assert.deepEqual(Object.keys(out), ['id', 'speed']);
    const omitted = renderTemporalEntity(history, ctx, {
      format: 'normalized',
      sysAttrs: false,
      timeproperty: 'observedAt',
      omit: ['type', dc('speed')],
    });
    assert.deepEqual(Object.keys(omitted), ['id', 'isParked']);
  });
});
