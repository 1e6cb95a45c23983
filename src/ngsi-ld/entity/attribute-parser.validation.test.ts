import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NGSI_LD_NULL } from '../model.js';
import type { AttributeParseOptions } from './attribute-parser.js';
import { MAX_SUB_ATTRIBUTE_DEPTH, parseAttribute } from './attribute-parser.js';
import { isNgsiLdNull } from './entity-fragment.js';
import { badRequest, fakeContext } from './entity.fixtures.js';

const ctx = fakeContext();
const POINT = { type: 'Point', coordinates: [1, 2] };
const strict: AttributeParseOptions = { allowNull: false };
const lenient: AttributeParseOptions = { allowNull: true };

function parse(raw: unknown, name = 'speed', options: AttributeParseOptions = strict) {
  return parseAttribute(name, ctx.expandTerm(name), raw, ctx, options);
}

/** `{value: 1, a: {value: 1, a: …}}` with `levels` nested sub-attributes, built iteratively. */
function nestedSubAttributes(levels: number): Record<string, unknown> {
  let inner: Record<string, unknown> = { value: 1 };
  for (let level = 0; level < levels; level += 1) inner = { value: 1, a: inner };
  return inner;
}

function nestedValue(levels: number): unknown {
  let inner: unknown = 1;
  for (let level = 0; level < levels; level += 1) inner = { a: inner };
  return inner;
}

describe('parseAttribute shape validation (data-model.md §2, pitfalls.md 3)', () => {
  it('parseAttribute rejects a kind without its payload member', () => {
    assert.throws(
      () => parse({ type: 'Property', unitCode: 'C' }),
      badRequest(/a Property needs 'value'/),
    );
    assert.throws(() => parse({ type: 'Relationship' }), badRequest(/needs 'object'/));
    assert.throws(() => parse({ type: 'LanguageProperty' }), badRequest(/needs 'languageMap'/));
  });

  it('parseAttribute rejects payload members of another kind', () => {
    const cases: unknown[] = [
      { type: 'Property', value: 1, object: 'urn:a:1' },
      { type: 'Property', value: 1, languageMap: { en: 'x' } },
      { type: 'Relationship', object: 'urn:a:1', value: 1 },
      { type: 'LanguageProperty', languageMap: { en: 'x' }, value: 'x' },
      { type: 'GeoProperty', value: POINT, json: {} },
      { object: 'urn:a:1', value: 3 },
    ];
    for (const raw of cases)
      assert.throws(() => parse(raw), badRequest(/cannot carry/), JSON.stringify(raw));
  });

  it('parseAttribute allows unitCode only on Property, ListProperty and GeoProperty', () => {
    assert.equal(parse({ type: 'GeoProperty', value: POINT, unitCode: 'MTR' })[0]?.unitCode, 'MTR');
    const cases: unknown[] = [
      { type: 'Relationship', object: 'urn:a:1', unitCode: 'C' },
      { type: 'ListRelationship', objectList: ['urn:a:1'], unitCode: 'C' },
      { type: 'LanguageProperty', languageMap: { en: 'x' }, unitCode: 'C' },
      { type: 'VocabProperty', vocab: 'x', unitCode: 'C' },
      { type: 'JsonProperty', json: {}, unitCode: 'C' },
    ];
    for (const raw of cases) assert.throws(() => parse(raw), badRequest(/cannot carry 'unitCode'/));
    assert.throws(() => parse({ value: 1, unitCode: 7 }), badRequest(/unitCode must be/));
  });

  it('parseAttribute allows objectType only on relationships and valueType only on properties', () => {
    assert.throws(
      () => parse({ value: 1, objectType: 'T' }),
      badRequest(/cannot carry 'objectType'/),
    );
    assert.throws(
      () => parse({ object: 'urn:a:1', valueType: 'T' }),
      badRequest(/cannot carry 'valueType'/),
    );
    assert.throws(() => parse({ value: 1, valueType: 'a b' }), badRequest(/valueType must be/));
  });

  it('parseAttribute rejects a Relationship object that is not an absolute URI', () => {
    for (const object of [42, {}, 'foo', '', [], ['urn:a:1', 'x'], true]) {
      assert.throws(
        () => parse({ type: 'Relationship', object }),
        badRequest(/^attribute 'speed': Relationship object must/),
        JSON.stringify(object),
      );
    }
  });

  it('parseAttribute rejects a bad ListRelationship objectList', () => {
    for (const objectList of [
      'urn:a:1',
      [42],
      ['x'],
      [{ object: 'urn:a:1', extra: 1 }],
      [{ object: 'bad' }],
    ]) {
      assert.throws(
        () => parse({ type: 'ListRelationship', objectList }),
        badRequest(/objectList/),
      );
    }
  });

  it('parseAttribute rejects a bad LanguageProperty languageMap', () => {
    for (const languageMap of [
      'en',
      [],
      {},
      { 'not a tag': 'x' },
      { en: 3 },
      { en: ['a', 1] },
      { '': 'x' },
    ]) {
      assert.throws(
        () => parse({ languageMap }),
        badRequest(/languageMap/),
        JSON.stringify(languageMap),
      );
    }
  });

  it('parseAttribute rejects a bad VocabProperty vocab', () => {
    for (const vocab of [3, [], ['a', 3], 'two words', '']) {
      assert.throws(() => parse({ vocab }), badRequest(/vocab/), JSON.stringify(vocab));
    }
  });

  it('parseAttribute rejects a JsonProperty json that is not an object or an array', () => {
    for (const json of ['text', 3, true])
      assert.throws(() => parse({ json }), badRequest(/json must be/));
  });

  it('parseAttribute rejects a ListProperty valueList that is not an array', () => {
    assert.throws(() => parse({ valueList: { a: 1 } }), badRequest(/valueList must be an array/));
  });

  it('parseAttribute rejects invalid GeoJSON in a GeoProperty (pitfalls.md 4)', () => {
    assert.throws(
      () => parse({ type: 'GeoProperty', value: { type: 'Point', coordinates: [500, 0] } }),
      badRequest(),
    );
    assert.throws(
      () => parse({ type: 'GeoProperty', value: { type: 'GeometryCollection', geometries: [] } }),
      badRequest(),
    );
    assert.throws(() => parse({ type: 'GeoProperty', value: 'not json' }), badRequest());
    assert.throws(() => parse({ type: 'GeoProperty', value: 3 }), badRequest());
  });

  it('parseAttribute requires the predefined names to be GeoProperties (NGSI-LD 4.7)', () => {
    assert.throws(
      () => parse({ type: 'Property', value: POINT }, 'location'),
      badRequest(/must be a GeoProperty/),
    );
    assert.throws(
      () => parse({ object: 'urn:a:1' }, 'operationSpace'),
      badRequest(/must be a GeoProperty/),
    );
    assert.throws(() => parse({ street: 'Main' }, 'location'), badRequest());
    assert.throws(() => parse(42, 'observationSpace'), badRequest());
  });

  it('parseAttribute rejects an attribute type that is not a string kind', () => {
    assert.throws(() => parse({ type: 42, value: 1 }), badRequest(/unknown attribute type 42/));
    assert.throws(
      () => parse({ type: 'property', value: 1 }),
      badRequest(/unknown attribute type/),
    );
  });

  it('parseAttribute rejects bad observedAt and expiresAt DateTimes', () => {
    assert.throws(
      () => parse({ value: 1, observedAt: '2018-08-01T12:03:00+01:00' }),
      badRequest(/observedAt/),
    );
    assert.throws(() => parse({ value: 1, expiresAt: 'tomorrow' }), badRequest(/expiresAt/));
  });

  it('parseAttribute rejects invalid and reserved sub-attribute names', () => {
    assert.throws(
      () => parse({ value: 1, 'bad name': 2 }),
      badRequest(/invalid attribute name 'bad name'/),
    );
    assert.throws(() => parse({ value: 1, 'a-b': 2 }), badRequest(/invalid attribute name/));
    assert.throws(() => parse({ value: 1, scope: 2 }), badRequest(/reserved/));
  });
});

describe('parseAttribute datasetId rules (data-model.md §3)', () => {
  it('parseAttribute reads "@none" as the default instance', () => {
    assert.deepEqual(parse({ value: 1, datasetId: '@none' }), [{ type: 'Property', value: 1 }]);
  });

  it('parseAttribute rejects a datasetId that is not a URI or is NGSI-LD Null', () => {
    assert.throws(
      () => parse({ value: 1, datasetId: 'gps' }),
      badRequest(/datasetId must be an absolute URI/),
    );
    assert.throws(
      () => parse({ value: 1, datasetId: NGSI_LD_NULL }, 'speed', lenient),
      badRequest(/datasetId/),
    );
  });

  it('parseAttribute rejects two default instances', () => {
    assert.throws(
      () => parse([{ value: 1 }, { value: 2, datasetId: '@none' }]),
      badRequest(/more than one default instance/),
    );
  });

  it('parseAttribute rejects a repeated datasetId', () => {
    assert.throws(
      () =>
        parse([
          { value: 1, datasetId: 'urn:ds:1' },
          { value: 2, datasetId: 'urn:ds:1' },
        ]),
      badRequest(/datasetId 'urn:ds:1' appears more than once/),
    );
  });

  it('parseAttribute applies the rules to sub-attributes too', () => {
    assert.throws(
      () => parse({ value: 1, source: [{ value: 'a' }, { value: 'b' }] }),
      badRequest(/speed\.source/),
    );
  });
});

describe('parseAttribute null handling (data-model.md §4, errors.md §3)', () => {
  it('parseAttribute rejects JSON null as an attribute, payload, member, sub-attribute or nested value', () => {
    const cases: unknown[] = [
      null,
      { type: 'Property', value: null },
      { value: 1, observedAt: null },
      { value: 1, source: null },
      { value: { a: [1, null] } },
      { a: null },
      [1, null],
      { valueList: [null] },
    ];
    for (const raw of cases)
      assert.throws(() => parse(raw), badRequest(/null/), JSON.stringify(raw));
  });

  it('parseAttribute rejects every NGSI-LD Null form unless allowNull', () => {
    const cases: unknown[] = [
      NGSI_LD_NULL,
      { value: NGSI_LD_NULL },
      { type: 'Relationship', object: NGSI_LD_NULL },
      { languageMap: { '@none': NGSI_LD_NULL } },
      { valueList: [NGSI_LD_NULL] },
      { objectList: [NGSI_LD_NULL] },
      { vocab: NGSI_LD_NULL },
      { json: NGSI_LD_NULL },
      { type: 'GeoProperty', value: NGSI_LD_NULL },
    ];
    for (const raw of cases) {
      assert.throws(() => parse(raw), badRequest(/NGSI-LD Null/), JSON.stringify(raw));
      const [instance] = parse(raw, 'speed', lenient);
      assert.ok(instance && isNgsiLdNull(instance), JSON.stringify(raw));
    }
  });

  it('parseAttribute accepts NGSI-LD Null on a predefined GeoProperty only with allowNull', () => {
    assert.throws(() => parse(NGSI_LD_NULL, 'location'), badRequest(/NGSI-LD Null/));
    assert.deepEqual(parse(NGSI_LD_NULL, 'location', lenient), [
      { type: 'GeoProperty', value: NGSI_LD_NULL },
    ]);
  });

  it('parseAttribute rejects NGSI-LD Null inside a value object unless allowNull (errors.md §3)', () => {
    assert.throws(
      () => parse({ value: { a: NGSI_LD_NULL } }),
      badRequest(/NGSI-LD Null inside a value/),
    );
    assert.deepEqual(parse({ value: { a: NGSI_LD_NULL } }, 'speed', lenient), [
      { type: 'Property', value: { a: NGSI_LD_NULL } },
    ]);
  });

  it('parseAttribute lets a sub-attribute be NGSI-LD Null with allowNull', () => {
    const [speed] = parse({ value: 1, source: NGSI_LD_NULL }, 'speed', lenient);
    const source = Object.values(speed?.attrs ?? {})[0]?.[0];
    assert.ok(source && isNgsiLdNull(source));
  });
});

describe('parseAttribute partial fragments (Partial Attribute Update, NGSI-LD 5.6.4)', () => {
  const partial: AttributeParseOptions = { allowNull: true, partial: true };

  it('parseAttribute accepts a normalized fragment without its payload when partial', () => {
    assert.deepEqual(
      parse({ type: 'Property', observedAt: '2024-01-01T10:00:00Z' }, 'speed', partial),
      [{ type: 'Property', observedAt: '2024-01-01T10:00:00Z' }],
    );
  });

  it('parseAttribute reads a kind-less partial fragment as members and sub-attributes only', () => {
    const [metadata] = parse({ observedAt: '2024-01-01T10:00:00Z' }, 'speed', partial);
    assert.equal(metadata?.value, undefined);
    assert.equal(metadata?.observedAt, '2024-01-01T10:00:00Z');
    const [withSub] = parse({ source: 'urn:ngsi-ld:null' }, 'speed', {
      ...partial,
      allowNull: true,
    });
    assert.equal(withSub?.value, undefined);
    assert.ok(withSub?.attrs);
    assert.throws(() => parse({}, 'speed', partial), badRequest(/empty/));
  });
});

describe('parseAttribute hostile input', () => {
  it(`parseAttribute accepts ${MAX_SUB_ATTRIBUTE_DEPTH} levels of sub-attributes`, () => {
    assert.equal(parse(nestedSubAttributes(MAX_SUB_ATTRIBUTE_DEPTH)).length, 1);
  });

  it('parseAttribute rejects sub-attributes nested one level too deep', () => {
    assert.throws(
      () => parse(nestedSubAttributes(MAX_SUB_ATTRIBUTE_DEPTH + 1)),
      badRequest(/nested deeper than/),
    );
  });

  it('parseAttribute rejects 10,000 levels of sub-attributes without overflowing the stack', () => {
    assert.throws(() => parse(nestedSubAttributes(10_000)), badRequest(/nested deeper than/));
  });

  it('parseAttribute rejects a 10,000-deep opaque value without overflowing the stack', () => {
    const deep = nestedValue(10_000);
    assert.throws(() => parse({ value: deep }), badRequest(/nested deeper than 100 levels/));
    assert.throws(() => parse(deep), badRequest(/nested deeper than 100 levels/));
    assert.throws(() => parse({ type: 'JsonProperty', json: deep }), badRequest(/nested deeper/));
  });

  it('parseAttribute accepts a moderately nested opaque value', () => {
    const value = nestedValue(50);
    assert.deepEqual(parse({ value }), [{ type: 'Property', value }]);
  });

  it('parseAttribute rejects non-JSON values given by a caller', () => {
    assert.throws(() => parse({ value: Number.NaN }), badRequest(/not a JSON value/));
    assert.throws(() => parse({ value: new Date() }), badRequest(/not a JSON value/));
  });
});
