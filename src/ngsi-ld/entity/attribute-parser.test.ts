import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AttributeParseOptions } from './attribute-parser.js';
import { parseAttribute } from './attribute-parser.js';
import { CORE, badRequest, dc, fakeContext } from './entity.fixtures.js';

const ctx = fakeContext();
const POINT = { type: 'Point', coordinates: [-8.5, 41.2] };

function parse(raw: unknown, name = 'attr', options: AttributeParseOptions = { allowNull: false }) {
  return parseAttribute(name, ctx.expandTerm(name), raw, ctx, options);
}

describe('parseAttribute normalized kinds (NGSI-LD 4.5, data-model.md §2)', () => {
  it('parseAttribute reads a Property with its members and a sub-attribute', () => {
    const [speed] = parse({
      type: 'Property',
      value: 55,
      unitCode: 'KMH',
      observedAt: '2018-08-01T12:03:00Z',
      valueType: 'Speed',
      source: { type: 'Property', value: 'Speedometer' },
    });
    assert.deepEqual(speed, {
      type: 'Property',
      value: 55,
      unitCode: 'KMH',
      observedAt: '2018-08-01T12:03:00Z',
      valueType: dc('Speed'),
      attrs: { [dc('source')]: [{ type: 'Property', value: 'Speedometer' }] },
    });
  });

  it('parseAttribute reads a Relationship with one URI, a URI array and an objectType', () => {
    assert.deepEqual(
      parse({ type: 'Relationship', object: 'urn:ngsi-ld:P:1', objectType: 'Parking' }),
      [{ type: 'Relationship', object: 'urn:ngsi-ld:P:1', objectType: dc('Parking') }],
    );
    assert.deepEqual(parse({ type: 'Relationship', object: ['urn:a:1', 'urn:a:2'] }), [
      { type: 'Relationship', object: ['urn:a:1', 'urn:a:2'] },
    ]);
  });

  it('parseAttribute reads a GeoProperty, also from a geometry serialized as a string', () => {
    assert.deepEqual(parse({ type: 'GeoProperty', value: POINT }), [
      { type: 'GeoProperty', value: POINT },
    ]);
    assert.deepEqual(parse({ type: 'GeoProperty', value: JSON.stringify(POINT) }), [
      { type: 'GeoProperty', value: POINT },
    ]);
  });

  it('parseAttribute keeps a Property whose value looks like GeoJSON a Property (pitfalls.md 5)', () => {
    assert.deepEqual(parse({ type: 'Property', value: POINT }), [
      { type: 'Property', value: POINT },
    ]);
  });

  it('parseAttribute reads a LanguageProperty with string and string[] entries', () => {
    const languageMap = { en: 'yes', 'fr-CH': ['oui', 'ouais'], '@none': 'ja' };
    assert.deepEqual(parse({ type: 'LanguageProperty', languageMap }), [
      { type: 'LanguageProperty', languageMap },
    ]);
  });

  it('parseAttribute expands VocabProperty vocab terms (@type: @vocab)', () => {
    assert.deepEqual(parse({ type: 'VocabProperty', vocab: 'Open' }), [
      { type: 'VocabProperty', vocab: dc('Open') },
    ]);
    assert.deepEqual(parse({ type: 'VocabProperty', vocab: ['Open', 'https://ex.org/Closed'] }), [
      { type: 'VocabProperty', vocab: [dc('Open'), 'https://ex.org/Closed'] },
    ]);
  });

  it('parseAttribute reads a ListProperty and keeps the order', () => {
    assert.deepEqual(
      parse({ type: 'ListProperty', valueList: [3, 'a', { b: 1 }, [2]], unitCode: 'C' }),
      [{ type: 'ListProperty', valueList: [3, 'a', { b: 1 }, [2]], unitCode: 'C' }],
    );
  });

  it('parseAttribute reads a ListRelationship from URIs or from {"object": URI} items', () => {
    const expected = [{ type: 'ListRelationship', objectList: ['urn:a:1', 'urn:a:2'] }];
    assert.deepEqual(
      parse({ type: 'ListRelationship', objectList: ['urn:a:1', 'urn:a:2'] }),
      expected,
    );
    assert.deepEqual(
      parse({
        type: 'ListRelationship',
        objectList: [{ object: 'urn:a:1' }, { object: 'urn:a:2' }],
      }),
      expected,
    );
  });

  it('parseAttribute keeps JsonProperty json raw, keys like id and value included', () => {
    const json = { id: 'x', value: { type: 'Property' }, list: [1, null] };
    assert.deepEqual(parse({ type: 'JsonProperty', json }), [{ type: 'JsonProperty', json }]);
  });

  it('parseAttribute keeps object values opaque, keys never expanded (contexts.md §3)', () => {
    const value = { street: 'Main', type: 'x', nested: { location: 'here' } };
    assert.deepEqual(parse({ type: 'Property', value }), [{ type: 'Property', value }]);
  });

  it('parseAttribute keeps a {"@type":"DateTime","@value":…} typed literal as is', () => {
    const value = { '@type': 'DateTime', '@value': '2018-12-04T12:00:00Z' };
    assert.deepEqual(parse({ type: 'Property', value }), [{ type: 'Property', value }]);
  });

  it('parseAttribute ignores client createdAt/modifiedAt (pitfalls.md 10)', () => {
    assert.deepEqual(
      parse({
        type: 'Property',
        value: 1,
        createdAt: '2000-01-01T00:00:00Z',
        modifiedAt: 'garbage',
      }),
      [{ type: 'Property', value: 1 }],
    );
  });

  it('parseAttribute expands sub-attribute names and nests recursively', () => {
    const [attribute] = parse({
      value: 1,
      a: { value: 2, b: { object: 'urn:x:1' } },
    });
    assert.deepEqual(attribute?.attrs, {
      [dc('a')]: [
        {
          type: 'Property',
          value: 2,
          attrs: { [dc('b')]: [{ type: 'Relationship', object: 'urn:x:1' }] },
        },
      ],
    });
  });

  it('parseAttribute accepts Unicode attribute and sub-attribute names', () => {
    const [attribute] = parse({ value: 20, précision: 0.5 }, 'température');
    assert.deepEqual(attribute, {
      type: 'Property',
      value: 20,
      attrs: { [dc('précision')]: [{ type: 'Property', value: 0.5 }] },
    });
  });
});

describe('parseAttribute concise inference (data-model.md §5.4)', () => {
  it('parseAttribute reads a scalar as a Property (step 2)', () => {
    assert.deepEqual(parse('Mercedes'), [{ type: 'Property', value: 'Mercedes' }]);
    assert.deepEqual(parse(0), [{ type: 'Property', value: 0 }]);
    assert.deepEqual(parse(false), [{ type: 'Property', value: false }]);
  });

  it('parseAttribute reads an array of non-objects, or an empty array, as a Property value (step 1)', () => {
    assert.deepEqual(parse([1, 2]), [{ type: 'Property', value: [1, 2] }]);
    assert.deepEqual(parse([]), [{ type: 'Property', value: [] }]);
    assert.deepEqual(parse([1, { a: 1 }]), [{ type: 'Property', value: [1, { a: 1 }] }]);
  });

  it('parseAttribute reads an array of objects as instances (step 1)', () => {
    assert.deepEqual(parse([{ value: 55, datasetId: 'urn:ds:gps' }, { value: 54.5 }]), [
      { type: 'Property', value: 55, datasetId: 'urn:ds:gps' },
      { type: 'Property', value: 54.5 },
    ]);
  });

  it('parseAttribute reads a bare GeoJSON geometry as a GeoProperty (step 3.2)', () => {
    assert.deepEqual(parse(POINT), [{ type: 'GeoProperty', value: POINT }]);
  });

  it('parseAttribute infers the kind from the payload member (step 3.3)', () => {
    assert.equal(parse({ object: 'urn:a:1' })[0]?.type, 'Relationship');
    assert.equal(parse({ objectList: ['urn:a:1'] })[0]?.type, 'ListRelationship');
    assert.equal(parse({ languageMap: { en: 'x' } })[0]?.type, 'LanguageProperty');
    assert.equal(parse({ vocab: 'x' })[0]?.type, 'VocabProperty');
    assert.equal(parse({ json: { a: 1 } })[0]?.type, 'JsonProperty');
    assert.equal(parse({ valueList: [1] })[0]?.type, 'ListProperty');
  });

  it('parseAttribute reads {"value": geometry} as a GeoProperty and {"value": x} as a Property (step 3.4)', () => {
    assert.deepEqual(parse({ value: POINT, observedAt: '2020-01-01T00:00:00Z' }), [
      { type: 'GeoProperty', value: POINT, observedAt: '2020-01-01T00:00:00Z' },
    ]);
    assert.deepEqual(parse({ value: 55, unitCode: 'KMH', source: 'Speedometer' }), [
      {
        type: 'Property',
        value: 55,
        unitCode: 'KMH',
        attrs: { [dc('source')]: [{ type: 'Property', value: 'Speedometer' }] },
      },
    ]);
  });

  it('parseAttribute reads any other object as an opaque Property value (step 3.5)', () => {
    const value = { street: 'Main', number: 3, city: { name: 'Porto' } };
    assert.deepEqual(parse(value), [{ type: 'Property', value }]);
  });

  it('parseAttribute rejects a bare object whose type is not an attribute kind (pitfalls.md 5)', () => {
    assert.throws(
      () => parse({ type: 'Street', name: 'Main' }),
      badRequest(/unknown attribute type 'Street'/),
    );
    assert.throws(() => parse({ type: 'GeometryCollection', geometries: [] }), badRequest());
  });

  it('parseAttribute treats a geometry string as a plain string Property outside the predefined names', () => {
    const text = JSON.stringify(POINT);
    assert.deepEqual(parse(text), [{ type: 'Property', value: text }]);
  });

  it('parseAttribute reads a predefined GeoProperty given as a geometry string (pitfalls.md 4)', () => {
    const [location] = parseAttribute('location', CORE + 'location', JSON.stringify(POINT), ctx, {
      allowNull: false,
    });
    assert.deepEqual(location, { type: 'GeoProperty', value: POINT });
    const [space] = parseAttribute(
      'observationSpace',
      CORE + 'observationSpace',
      { value: JSON.stringify(POINT) },
      ctx,
      {
        allowNull: false,
      },
    );
    assert.deepEqual(space, { type: 'GeoProperty', value: POINT });
  });
});

describe('parseAttribute simplified input (Merge with format=simplified, data-model.md §5.4)', () => {
  const simplified: AttributeParseOptions = { allowNull: true, simplified: true };

  it('parseAttribute makes every value a Property value', () => {
    assert.deepEqual(parse(5, 'a', simplified), [{ type: 'Property', value: 5 }]);
    assert.deepEqual(parse([{ value: 1 }, { value: 2 }], 'a', simplified), [
      { type: 'Property', value: [{ value: 1 }, { value: 2 }] },
    ]);
    assert.deepEqual(parse({ object: 'urn:a:1' }, 'a', simplified), [
      { type: 'Property', value: { object: 'urn:a:1' } },
    ]);
    assert.deepEqual(parse({ type: 'Relationship', object: 'urn:a:1' }, 'a', simplified), [
      { type: 'Property', value: { type: 'Relationship', object: 'urn:a:1' } },
    ]);
  });

  it('parseAttribute makes a GeoJSON geometry a GeoProperty', () => {
    assert.deepEqual(parse(POINT, 'a', simplified), [{ type: 'GeoProperty', value: POINT }]);
    assert.deepEqual(parse(JSON.stringify(POINT), 'location', simplified), [
      { type: 'GeoProperty', value: POINT },
    ]);
  });

  it('parseAttribute still rejects JSON null', () => {
    assert.throws(() => parse(null, 'a', simplified), badRequest(/null/));
    assert.throws(() => parse({ a: null }, 'a', simplified), badRequest(/null/));
  });
});
