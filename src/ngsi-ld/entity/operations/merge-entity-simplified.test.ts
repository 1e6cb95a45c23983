import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EntityFragment } from '../entity-fragment.js';
import { mergeEntity } from './merge-entity.js';
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

const owner = iri('owner');
const speed = iri('speed');

function fragment(attrs: EntityFragment['attrs']): EntityFragment {
  return deepFreeze({ attrs });
}

describe('mergeEntity with a simplified body', () => {
  const current = storedEntity({
    [owner]: [relationship('urn:ngsi-ld:Person:1', { observedAt: T0 })],
    [speed]: [property(55, { unitCode: 'KMH' })],
  });

  it('mergeEntity keeps an existing Relationship when a simplified URI string arrives (data-model.md §5.4, NGSI-LD 5.6.17)', () => {
    const { entity } = mergeEntity(
      current,
      fragment({ [owner]: [property('urn:ngsi-ld:Person:2')] }),
      { now: NOW, simplified: true },
    );
    assert.deepEqual(entity.attrs[owner], [
      {
        type: 'Relationship',
        object: 'urn:ngsi-ld:Person:2',
        observedAt: T0,
        createdAt: T0,
        modifiedAt: NOW,
      },
    ]);
  });

  it('mergeEntity keeps unitCode when a simplified value updates a Property', () => {
    const { entity } = mergeEntity(current, fragment({ [speed]: [property(60)] }), {
      now: NOW,
      simplified: true,
    });
    assert.equal(entity.attrs[speed]?.[0]?.value, 60);
    assert.equal(entity.attrs[speed]?.[0]?.unitCode, 'KMH');
  });

  it('mergeEntity answers 400 when a simplified value cannot keep the existing kind (entities.md §5)', () => {
    assertProblem(
      () =>
        mergeEntity(current, fragment({ [owner]: [property(42)] }), { now: NOW, simplified: true }),
      400,
      'BadRequestData',
      /owner is a Relationship/,
    );
  });

  it('mergeEntity adds an absent attribute from a simplified body as it was parsed', () => {
    const { entity } = mergeEntity(current, fragment({ [iri('color')]: [property('red')] }), {
      now: NOW,
      simplified: true,
    });
    assert.equal(entity.attrs[iri('color')]?.[0]?.type, 'Property');
  });
});
