import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NGSI_LD_NULL } from '../../model.js';
import {
  createEntityState,
  replaceEntity,
  upsertEntity,
  type ParsedEntity,
} from './entity-state.js';
import {
  ENTITY_ID,
  NOW,
  T0,
  T1,
  VEHICLE,
  assertProblem,
  deepFreeze,
  iri,
  property,
  relationship,
  storedEntity,
} from './operations.fixtures.js';

const speed = iri('speed');
const brand = iri('brandName');
const source = iri('source');

function parsed(members: Partial<ParsedEntity> = {}): ParsedEntity {
  return deepFreeze({ id: ENTITY_ID, type: [VEHICLE], attrs: {}, ...members });
}

describe('createEntityState', () => {
  it('createEntityState sets createdAt and modifiedAt on the entity, instances and sub-attributes (NGSI-LD 5.6.1, 4.8)', () => {
    const entity = createEntityState(
      parsed({
        attrs: {
          [speed]: [
            property(55, { unitCode: 'KMH', attrs: { [source]: [property('GPS')] } }),
            property(54, { datasetId: 'urn:ngsi-ld:Dataset:gps' }),
          ],
        },
      }),
      NOW,
    );
    assert.deepEqual(entity, {
      id: ENTITY_ID,
      type: [VEHICLE],
      createdAt: NOW,
      modifiedAt: NOW,
      attrs: {
        [speed]: [
          {
            type: 'Property',
            value: 55,
            unitCode: 'KMH',
            attrs: {
              [source]: [{ type: 'Property', value: 'GPS', createdAt: NOW, modifiedAt: NOW }],
            },
            createdAt: NOW,
            modifiedAt: NOW,
          },
          {
            type: 'Property',
            value: 54,
            datasetId: 'urn:ngsi-ld:Dataset:gps',
            createdAt: NOW,
            modifiedAt: NOW,
          },
        ],
      },
    });
  });

  it('createEntityState ignores client-supplied timestamps on attributes (pitfalls.md 10)', () => {
    const entity = createEntityState(
      parsed({ attrs: { [brand]: [property('Volvo', { createdAt: T0, modifiedAt: T1 })] } }),
      NOW,
    );
    assert.equal(entity.attrs[brand]?.[0]?.createdAt, NOW);
    assert.equal(entity.attrs[brand]?.[0]?.modifiedAt, NOW);
  });

  it('createEntityState keeps a scope and omits an empty one', () => {
    assert.deepEqual(createEntityState(parsed({ scope: ['/Madrid'] }), NOW).scope, ['/Madrid']);
    assert.equal('scope' in createEntityState(parsed({ scope: [] }), NOW), false);
  });

  it('createEntityState stores an "@none" datasetId as the default instance (data-model.md §3)', () => {
    const entity = createEntityState(
      parsed({ attrs: { [speed]: [property(1, { datasetId: '@none' })] } }),
      NOW,
    );
    assert.equal('datasetId' in (entity.attrs[speed]?.[0] ?? {}), false);
  });

  it('createEntityState rejects NGSI-LD Null with 400 BadRequestData (data-model.md §4)', () => {
    assertProblem(
      () => createEntityState(parsed({ attrs: { [brand]: [property(NGSI_LD_NULL)] } }), NOW),
      400,
      'BadRequestData',
    );
    assertProblem(
      () =>
        createEntityState(
          parsed({
            attrs: { [brand]: [property(1, { attrs: { [source]: [property(NGSI_LD_NULL)] } })] },
          }),
          NOW,
        ),
      400,
      'BadRequestData',
      /brandName > .*source/,
    );
  });
});

describe('replaceEntity', () => {
  const current = storedEntity(
    { [speed]: [property(55, { unitCode: 'KMH' })], [brand]: [property('Volvo')] },
    { type: [VEHICLE, iri('Car')], scope: ['/Madrid'] },
  );

  it('replaceEntity keeps the entity createdAt and drops attributes absent from the body (NGSI-LD 5.6.18, pitfalls.md 16)', () => {
    const next = replaceEntity(current, parsed({ attrs: { [speed]: [property(60)] } }), {
      now: NOW,
    });
    assert.deepEqual(next, {
      id: ENTITY_ID,
      type: [VEHICLE],
      createdAt: T0,
      modifiedAt: NOW,
      attrs: { [speed]: [{ type: 'Property', value: 60, createdAt: NOW, modifiedAt: NOW }] },
    });
  });

  it('replaceEntity gives replaced attributes a new createdAt (all attributes are replaced)', () => {
    const next = replaceEntity(current, parsed({ attrs: { [brand]: [property('Saab')] } }), {
      now: NOW,
    });
    assert.equal(next.attrs[brand]?.[0]?.createdAt, NOW);
  });

  it('replaceEntity replaces types and scope, removing those not in the body', () => {
    const next = replaceEntity(current, parsed({ type: [iri('Truck')], scope: ['/Lisbon'] }), {
      now: NOW,
    });
    assert.deepEqual(next.type, [iri('Truck')]);
    assert.deepEqual(next.scope, ['/Lisbon']);
    assert.equal('scope' in replaceEntity(current, parsed(), { now: NOW }), false);
  });

  it('replaceEntity answers 400 when the body id differs from the target (entities.md §6)', () => {
    assertProblem(
      () => replaceEntity(current, parsed({ id: 'urn:ngsi-ld:Vehicle:B2' }), { now: NOW }),
      400,
      'BadRequestData',
    );
  });

  it('replaceEntity answers 400 on NGSI-LD Null (entities.md §6)', () => {
    assertProblem(
      () =>
        replaceEntity(current, parsed({ attrs: { [speed]: [property(NGSI_LD_NULL)] } }), {
          now: NOW,
        }),
      400,
      'BadRequestData',
    );
  });
});

describe('upsertEntity', () => {
  const current = storedEntity({ [speed]: [property(55)], [brand]: [property('Volvo')] });

  it('upsertEntity creates an absent entity and reports it created (entities.md §13)', () => {
    const outcome = upsertEntity(undefined, parsed({ attrs: { [speed]: [property(1)] } }), {
      mode: 'replace',
      now: NOW,
      appendMissing: true,
    });
    assert.equal(outcome.created, true);
    assert.equal(outcome.entity.createdAt, NOW);
    assert.deepEqual(outcome.result, { updated: [speed], notUpdated: [] });
  });

  it('upsertEntity in replace mode drops attributes absent from the body (pitfalls.md 16)', () => {
    const outcome = upsertEntity(current, parsed({ attrs: { [speed]: [property(60)] } }), {
      mode: 'replace',
      now: NOW,
      appendMissing: true,
    });
    assert.equal(outcome.created, false);
    assert.deepEqual(Object.keys(outcome.entity.attrs), [speed]);
    assert.equal(outcome.entity.createdAt, T0);
  });

  it('upsertEntity in update mode keeps absent attributes and adds types (pitfalls.md 16)', () => {
    const outcome = upsertEntity(
      current,
      parsed({
        type: [iri('Car')],
        attrs: { [speed]: [property(60)], [iri('owner')]: [relationship('urn:ngsi-ld:Person:1')] },
      }),
      { mode: 'update', now: NOW, appendMissing: true },
    );
    assert.deepEqual(Object.keys(outcome.entity.attrs), [speed, brand, iri('owner')]);
    assert.deepEqual(outcome.entity.type, [VEHICLE, iri('Car')]);
    assert.equal(outcome.entity.attrs[speed]?.[0]?.createdAt, T0);
  });

  it('upsertEntity in update mode reports absent attributes when appendMissing is off', () => {
    const outcome = upsertEntity(
      current,
      parsed({ attrs: { [iri('owner')]: [relationship('urn:ngsi-ld:Person:1')] } }),
      {
        mode: 'update',
        now: NOW,
        appendMissing: false,
      },
    );
    assert.deepEqual(outcome.result.notUpdated, [
      { attributeName: iri('owner'), reason: "attribute doesn't exist" },
    ]);
    assert.equal(outcome.entity, current);
  });
});

describe('deepFreeze (test support)', () => {
  it('deepFreeze makes writes to nested attribute instances throw, so frozen inputs prove no mutation', () => {
    const entity = storedEntity({ [speed]: [property({ a: 1 })] });
    const instance = entity.attrs[speed]?.[0];
    assert.throws(() => {
      if (instance) instance.value = 2;
    }, TypeError);
    assert.throws(() => entity.type.push('x'), TypeError);
  });
});
