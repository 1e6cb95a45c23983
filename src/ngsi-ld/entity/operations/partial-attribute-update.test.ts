import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NGSI_LD_NULL, type Attribute } from '../../model.js';
import { SCOPE_IRI } from './entity-members.js';
import {
  NOW,
  T0,
  T1,
  assertProblem,
  deepFreeze,
  iri,
  property,
  relationship,
  storedEntity,
} from './operations.fixtures.js';
import { partialAttributeUpdate } from './partial-attribute-update.js';

const speed = iri('speed');
const brand = iri('brandName');
const source = iri('source');
const accuracy = iri('accuracy');
const GPS = 'urn:ngsi-ld:Dataset:gps';
const options = { now: NOW };

function patch(attribute: Attribute): Attribute {
  return deepFreeze(attribute);
}

describe('partialAttributeUpdate', () => {
  const current = storedEntity({
    [speed]: [
      property(55, {
        unitCode: 'KMH',
        observedAt: T0,
        attrs: { [source]: [property('GPS')], [accuracy]: [property(0.5)] },
      }),
      property(54, { datasetId: GPS }),
    ],
    [brand]: [property({ name: 'Volvo', country: 'SE' })],
  });

  it('partialAttributeUpdate overwrites the value and keeps unitCode, observedAt and sub-attributes (NGSI-LD 5.6.4, entities.md §9)', () => {
    const entity = partialAttributeUpdate(current, speed, patch(property(60)), options);
    const { attrs, ...members } = entity.attrs[speed]?.[0] ?? { type: 'Property' };
    assert.deepEqual(members, {
      type: 'Property',
      value: 60,
      unitCode: 'KMH',
      observedAt: T0,
      createdAt: T0,
      modifiedAt: NOW,
    });
    assert.deepEqual(attrs, current.attrs[speed]?.[0]?.attrs);
    assert.equal(entity.modifiedAt, NOW);
    assert.equal(entity.createdAt, T0);
  });

  it('partialAttributeUpdate replaces a JSON object value instead of merging it (pitfalls.md 12)', () => {
    const entity = partialAttributeUpdate(
      current,
      brand,
      patch(property({ name: 'Saab' })),
      options,
    );
    assert.deepEqual(entity.attrs[brand]?.[0]?.value, { name: 'Saab' });
  });

  it('partialAttributeUpdate overwrites only the members supplied when the value is absent', () => {
    const entity = partialAttributeUpdate(
      current,
      speed,
      patch({ type: 'Property', observedAt: T1 }),
      options,
    );
    assert.equal(entity.attrs[speed]?.[0]?.value, 55);
    assert.equal(entity.attrs[speed]?.[0]?.observedAt, T1);
  });

  it('partialAttributeUpdate replaces a given sub-attribute, keeping its createdAt, and adds new ones', () => {
    const entity = partialAttributeUpdate(
      current,
      speed,
      patch(
        property(60, {
          attrs: { [source]: [property('Radar')], [iri('method')]: [property('m')] },
        }),
      ),
      options,
    );
    const subAttributes = entity.attrs[speed]?.[0]?.attrs;
    assert.deepEqual(subAttributes?.[source], [
      { type: 'Property', value: 'Radar', createdAt: T0, modifiedAt: NOW },
    ]);
    assert.deepEqual(subAttributes?.[iri('method')], [
      { type: 'Property', value: 'm', createdAt: NOW, modifiedAt: NOW },
    ]);
    assert.deepEqual(subAttributes?.[accuracy], current.attrs[speed]?.[0]?.attrs?.[accuracy]);
  });

  it('partialAttributeUpdate removes a sub-attribute given as NGSI-LD Null (entities.md §9)', () => {
    const entity = partialAttributeUpdate(
      current,
      speed,
      patch(property(60, { attrs: { [accuracy]: [property(NGSI_LD_NULL)] } })),
      options,
    );
    assert.deepEqual(Object.keys(entity.attrs[speed]?.[0]?.attrs ?? {}), [source]);
  });

  it('partialAttributeUpdate targets the instance named by the fragment datasetId (data-model.md §3)', () => {
    const entity = partialAttributeUpdate(
      current,
      speed,
      patch(property(50, { datasetId: GPS })),
      options,
    );
    assert.deepEqual(entity.attrs[speed]?.[0], current.attrs[speed]?.[0]);
    assert.deepEqual(entity.attrs[speed]?.[1], {
      type: 'Property',
      value: 50,
      datasetId: GPS,
      createdAt: T0,
      modifiedAt: NOW,
    });
  });

  it('partialAttributeUpdate answers 404 ResourceNotFound for a missing attribute (pitfalls.md 14)', () => {
    assertProblem(
      () => partialAttributeUpdate(current, iri('ghost'), patch(property(1)), options),
      404,
      'ResourceNotFound',
      /no attribute .*ghost/,
    );
  });

  it('partialAttributeUpdate answers 404 ResourceNotFound for a missing datasetId instance (pitfalls.md 14)', () => {
    assertProblem(
      () =>
        partialAttributeUpdate(
          current,
          speed,
          patch(property(1, { datasetId: 'urn:ngsi-ld:Dataset:other' })),
          options,
        ),
      404,
      'ResourceNotFound',
      /no instance with datasetId urn:ngsi-ld:Dataset:other/,
    );
    const onlyDataset = storedEntity({ [speed]: [property(1, { datasetId: GPS })] });
    assertProblem(
      () => partialAttributeUpdate(onlyDataset, speed, patch(property(2)), options),
      404,
      'ResourceNotFound',
      /no default instance/,
    );
  });

  it('partialAttributeUpdate answers 400 BadRequestData when the fragment changes the kind (pitfalls.md 14)', () => {
    assertProblem(
      () => partialAttributeUpdate(current, speed, patch(relationship('urn:ngsi-ld:X:1')), options),
      400,
      'BadRequestData',
    );
  });

  it('partialAttributeUpdate keeps a Property when a concise geometry value was read as a GeoProperty', () => {
    const point = { type: 'Point', coordinates: [1, 2] };
    const entity = partialAttributeUpdate(
      current,
      brand,
      patch({ type: 'GeoProperty', value: point }),
      options,
    );
    assert.deepEqual(entity.attrs[brand]?.[0]?.type, 'Property');
    assert.deepEqual(entity.attrs[brand]?.[0]?.value, point);
  });

  it('partialAttributeUpdate answers 400 for an NGSI-LD Null attribute (entities.md §9: no deletion here)', () => {
    assertProblem(
      () => partialAttributeUpdate(current, speed, patch(property(NGSI_LD_NULL)), options),
      400,
      'BadRequestData',
    );
  });

  it('partialAttributeUpdate answers 400 when it targets scope (entities.md §9)', () => {
    assertProblem(
      () => partialAttributeUpdate(current, SCOPE_IRI, patch(property('/x')), options),
      400,
      'BadRequestData',
    );
  });
});
