import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NGSI_LD_NULL, type Attribute } from '../../model.js';
import { SCOPE_IRI } from './entity-members.js';
import {
  NOW,
  T0,
  assertProblem,
  deepFreeze,
  iri,
  property,
  relationship,
  storedEntity,
} from './operations.fixtures.js';
import { replaceAttribute } from './replace-attribute.js';

const speed = iri('speed');
const source = iri('source');
const GPS = 'urn:ngsi-ld:Dataset:gps';
const options = { now: NOW };

function body(attribute: Attribute): Attribute {
  return deepFreeze(attribute);
}

describe('replaceAttribute', () => {
  const current = storedEntity({
    [speed]: [
      property(55, { unitCode: 'KMH', attrs: { [source]: [property('GPS')] } }),
      property(54, { datasetId: GPS }),
    ],
  });

  it('replaceAttribute replaces the default instance as a whole, keeping createdAt (NGSI-LD 5.6.19, entities.md §10)', () => {
    const entity = replaceAttribute(current, speed, body(property(60)), options);
    assert.deepEqual(entity.attrs[speed]?.[0], {
      type: 'Property',
      value: 60,
      createdAt: T0,
      modifiedAt: NOW,
    });
    assert.deepEqual(entity.attrs[speed]?.[1], current.attrs[speed]?.[1]);
    assert.equal(entity.modifiedAt, NOW);
  });

  it('replaceAttribute replaces the instance named by the body datasetId', () => {
    const entity = replaceAttribute(
      current,
      speed,
      body(property(50, { datasetId: GPS })),
      options,
    );
    assert.deepEqual(entity.attrs[speed]?.[1], {
      type: 'Property',
      value: 50,
      datasetId: GPS,
      createdAt: T0,
      modifiedAt: NOW,
    });
    assert.deepEqual(entity.attrs[speed]?.[0], current.attrs[speed]?.[0]);
  });

  it('replaceAttribute may change the kind', () => {
    const entity = replaceAttribute(current, speed, body(relationship('urn:ngsi-ld:X:1')), options);
    assert.equal(entity.attrs[speed]?.[0]?.type, 'Relationship');
  });

  it('replaceAttribute answers 404 ResourceNotFound for a missing attribute or instance (pitfalls.md 14)', () => {
    assertProblem(
      () => replaceAttribute(current, iri('ghost'), body(property(1)), options),
      404,
      'ResourceNotFound',
    );
    assertProblem(
      () =>
        replaceAttribute(
          current,
          speed,
          body(property(1, { datasetId: 'urn:ngsi-ld:Dataset:x' })),
          options,
        ),
      404,
      'ResourceNotFound',
      /datasetId urn:ngsi-ld:Dataset:x/,
    );
  });

  it('replaceAttribute answers 400 for scope and for NGSI-LD Null (entities.md §10, data-model.md §4)', () => {
    assertProblem(
      () => replaceAttribute(current, SCOPE_IRI, body(property('/x')), options),
      400,
      'BadRequestData',
    );
    assertProblem(
      () => replaceAttribute(current, speed, body(property(NGSI_LD_NULL)), options),
      400,
      'BadRequestData',
    );
    assertProblem(
      () =>
        replaceAttribute(
          current,
          speed,
          body(property(1, { attrs: { [source]: [property(NGSI_LD_NULL)] } })),
          options,
        ),
      400,
      'BadRequestData',
    );
  });
});
