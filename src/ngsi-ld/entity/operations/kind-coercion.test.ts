import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Attribute, JsonValue } from '../../model.js';
import { coerceToKind } from './kind-coercion.js';
import { assertProblem, deepFreeze, property } from './operations.fixtures.js';

const simplified = { name: 'https://example.org/ns/a', simplified: true };
const POINT = { type: 'Point', coordinates: [1, 2] };

function bare(value: JsonValue): Attribute {
  return deepFreeze(property(value));
}

describe('coerceToKind', () => {
  it('coerceToKind keeps a fragment of the same kind as it is', () => {
    const fragment = bare(1);
    assert.equal(coerceToKind(fragment, 'Property', simplified), fragment);
  });

  it('coerceToKind turns a simplified URI string into a Relationship object (data-model.md §5.4, NGSI-LD 5.6.17)', () => {
    assert.deepEqual(coerceToKind(bare('urn:ngsi-ld:P:1'), 'Relationship', simplified), {
      type: 'Relationship',
      object: 'urn:ngsi-ld:P:1',
    });
  });

  it('coerceToKind answers 400 for a simplified value that is not a URI on a Relationship', () => {
    assertProblem(
      () => coerceToKind(bare('not a uri'), 'Relationship', simplified),
      400,
      'BadRequestData',
    );
    assertProblem(() => coerceToKind(bare(42), 'Relationship', simplified), 400, 'BadRequestData');
  });

  it('coerceToKind turns simplified arrays into ListProperty valueList and ListRelationship objectList', () => {
    assert.deepEqual(coerceToKind(bare([1, 2]), 'ListProperty', simplified), {
      type: 'ListProperty',
      valueList: [1, 2],
    });
    assert.deepEqual(coerceToKind(bare(['urn:a:1', 'urn:a:2']), 'ListRelationship', simplified), {
      type: 'ListRelationship',
      objectList: ['urn:a:1', 'urn:a:2'],
    });
    assertProblem(() => coerceToKind(bare(1), 'ListProperty', simplified), 400, 'BadRequestData');
  });

  it('coerceToKind accepts a geometry, or a geometry serialized as a string, for a GeoProperty (data-model.md §2)', () => {
    assert.deepEqual(coerceToKind(bare(POINT), 'GeoProperty', simplified), {
      type: 'GeoProperty',
      value: POINT,
    });
    assert.deepEqual(coerceToKind(bare(JSON.stringify(POINT)), 'GeoProperty', simplified), {
      type: 'GeoProperty',
      value: POINT,
    });
    assertProblem(
      () => coerceToKind(bare({ type: 'Circle', coordinates: [] }), 'GeoProperty', simplified),
      400,
      'BadRequestData',
    );
    assertProblem(
      () => coerceToKind(bare('{not json'), 'GeoProperty', simplified),
      400,
      'BadRequestData',
    );
  });

  it('coerceToKind puts a simplified string under "@none", or under lang, of a LanguageProperty', () => {
    assert.deepEqual(coerceToKind(bare('hi'), 'LanguageProperty', simplified), {
      type: 'LanguageProperty',
      languageMap: { '@none': 'hi' },
    });
    assert.deepEqual(
      coerceToKind(bare('hola'), 'LanguageProperty', { ...simplified, lang: 'es' }),
      {
        type: 'LanguageProperty',
        languageMap: { es: 'hola' },
      },
    );
  });

  it('coerceToKind takes full IRIs for a VocabProperty and refuses unexpanded terms', () => {
    assert.deepEqual(
      coerceToKind(bare('https://example.org/ns/Red'), 'VocabProperty', simplified),
      {
        type: 'VocabProperty',
        vocab: 'https://example.org/ns/Red',
      },
    );
    assertProblem(
      () => coerceToKind(bare('Red'), 'VocabProperty', simplified),
      400,
      'BadRequestData',
    );
  });

  it('coerceToKind takes objects and arrays for a JsonProperty', () => {
    assert.deepEqual(coerceToKind(bare({ a: 1 }), 'JsonProperty', simplified), {
      type: 'JsonProperty',
      json: { a: 1 },
    });
    assertProblem(() => coerceToKind(bare('x'), 'JsonProperty', simplified), 400, 'BadRequestData');
  });

  it('coerceToKind keeps a Property when a concise geometry-looking value was read as a GeoProperty (pitfalls.md 5)', () => {
    const fragment = deepFreeze<Attribute>({
      type: 'GeoProperty',
      value: POINT,
      observedAt: '2024-01-01T00:00:00Z',
    });
    assert.deepEqual(coerceToKind(fragment, 'Property', { name: 'a' }), {
      type: 'Property',
      value: POINT,
      observedAt: '2024-01-01T00:00:00Z',
    });
  });

  it('coerceToKind answers 400 for a bare value on another kind when the body was not simplified', () => {
    assertProblem(
      () => coerceToKind(bare('urn:ngsi-ld:P:1'), 'Relationship', { name: 'a' }),
      400,
      'BadRequestData',
    );
  });

  it('coerceToKind answers 400 for an explicit other kind even when simplified', () => {
    const fragment = deepFreeze<Attribute>({ type: 'Relationship', object: 'urn:ngsi-ld:P:1' });
    assertProblem(
      () => coerceToKind(fragment, 'Property', simplified),
      400,
      'BadRequestData',
      /is a Property/,
    );
  });
});
