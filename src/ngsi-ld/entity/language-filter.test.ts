import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { badRequest } from './entity.fixtures.js';
import { parseLanguagePreference, pickLanguage } from './language-filter.js';

describe('parseLanguagePreference (NGSI-LD 4.15, query.md §9)', () => {
  it('parseLanguagePreference reads a single tag', () => {
    assert.deepEqual(parseLanguagePreference('en'), { ranges: [{ tag: 'en', q: 1 }] });
  });

  it('parseLanguagePreference orders by weight and keeps the written order on ties', () => {
    assert.deepEqual(parseLanguagePreference('fr;q=0.9, en;q=0.8,*;q=0.5,de-CH,it'), {
      ranges: [
        { tag: 'de-CH', q: 1 },
        { tag: 'it', q: 1 },
        { tag: 'fr', q: 0.9 },
        { tag: 'en', q: 0.8 },
        { tag: '*', q: 0.5 },
      ],
    });
  });

  it('parseLanguagePreference drops ranges of weight 0', () => {
    assert.deepEqual(parseLanguagePreference('en;q=0,fr'), { ranges: [{ tag: 'fr', q: 1 }] });
  });

  it('parseLanguagePreference rejects garbage with 400', () => {
    for (const text of [
      '',
      ',',
      'en;;',
      'en;q=2',
      'en;q=0.1234',
      'e n',
      'en;x=1',
      'toolongtag',
      '**',
      'x'.repeat(2000),
    ]) {
      assert.throws(() => parseLanguagePreference(text), badRequest(/^lang: /), text);
    }
  });
});

describe('pickLanguage (query.md §9)', () => {
  const map = { en: 'yes', 'fr-CH': 'ouais', fr: 'oui', '@none': 'ja' };
  const pick = (text: string, languageMap: Record<string, string | string[]> = map) =>
    pickLanguage(languageMap, parseLanguagePreference(text));

  it('pickLanguage picks the exact tag, case-insensitively', () => {
    assert.deepEqual(pick('fr'), { tag: 'fr', value: 'oui' });
    assert.deepEqual(pick('FR-ch'), { tag: 'fr-CH', value: 'ouais' });
  });

  it('pickLanguage follows the weights', () => {
    assert.deepEqual(pick('de;q=1,en;q=0.5,fr;q=0.7'), { tag: 'fr', value: 'oui' });
  });

  it('pickLanguage lets a range match a more specific tag', () => {
    assert.deepEqual(pick('fr', { 'fr-CH': 'ouais', en: 'yes' }), { tag: 'fr-CH', value: 'ouais' });
  });

  it('pickLanguage falls back from a specific range to its prefix (RFC 4647 lookup)', () => {
    assert.deepEqual(pick('en-GB'), { tag: 'en', value: 'yes' });
  });

  it('pickLanguage takes @none, else the first entry, when nothing matches', () => {
    assert.deepEqual(pick('de'), { tag: '@none', value: 'ja' });
    assert.deepEqual(pick('de', { it: 'sì', en: 'yes' }), { tag: 'it', value: 'sì' });
    assert.deepEqual(pick('*', { it: 'sì', en: 'yes' }), { tag: 'it', value: 'sì' });
  });

  it('pickLanguage returns string arrays as stored', () => {
    assert.deepEqual(pick('en', { en: ['a', 'b'] }), { tag: 'en', value: ['a', 'b'] });
  });

  it('pickLanguage returns undefined for an empty map', () => {
    assert.equal(pick('en', {}), undefined);
  });
});
