import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { converterFor, numericValue, withExpression } from './attribute-value.js';

const value = (type: string, raw: unknown) => {
  const outcome = converterFor(type)(raw);
  return 'attribute' in outcome ? outcome.attribute : { refused: outcome.refused };
};

describe('attribute values', () => {
  it('numericValue reads numbers and decimal text only', () => {
    assert.equal(numericValue(' -1.5e2 '), -150);
    assert.equal(numericValue('.5'), 0.5);
    for (const bad of ['', ' ', '0x1f', 'NaN', 'Infinity', '1,5', '1e999', true, null, [1]])
      assert.equal(numericValue(bad), undefined, String(bad));
  });

  it('converterFor matches IoT Agent types case-insensitively', () => {
    assert.deepEqual(value('number', '3'), { type: 'Property', value: 3 });
    assert.deepEqual(value('INTEGER', '-3.9'), { type: 'Property', value: -3 });
    assert.deepEqual(value('Boolean', '0'), { type: 'Property', value: false });
    assert.deepEqual(value('Text', 12), { type: 'Property', value: '12' });
    assert.deepEqual(value('Percentage', { a: 1 }), { type: 'Property', value: { a: 1 } });
  });

  it('converterFor reads geo:point as latitude, longitude and checks the ranges', () => {
    assert.deepEqual(value('geo:point', '48.85,2.35'), {
      type: 'GeoProperty',
      value: { type: 'Point', coordinates: [2.35, 48.85] },
    });
    assert.ok('refused' in value('geo:point', '2.35'));
    assert.ok('refused' in value('geo:point', '10, 181'));
  });

  it('converterFor refuses language maps with bad tags or non-text', () => {
    assert.deepEqual(value('LanguageProperty', { en: 'open', 'pt-BR': 'aberto' }), {
      type: 'LanguageProperty',
      languageMap: { en: 'open', 'pt-BR': 'aberto' },
    });
    assert.ok('refused' in value('LanguageProperty', { 'e n': 'x' }));
    assert.ok('refused' in value('LanguageProperty', { en: 1 }));
  });

  it('withExpression needs a number and converts the result to the type', () => {
    const toText = withExpression(converterFor('Text'), { multiply: 2 });
    assert.deepEqual(toText('2.5'), { attribute: { type: 'Property', value: '5' } });
    assert.match(JSON.stringify(toText('abc')), /expected a number/);
  });
});
