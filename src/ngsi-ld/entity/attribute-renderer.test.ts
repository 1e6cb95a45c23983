import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Attribute } from '../model.js';
import { renderAttribute, type AttributeRenderOptions } from './attribute-renderer.js';
import { dc, fakeContext } from './entity.fixtures.js';
import { parseLanguagePreference } from './language-filter.js';

const ctx = fakeContext({ Celsius: 'https://example.org/Celsius' });
const POINT = { type: 'Point', coordinates: [1, 2] };
const normalized: AttributeRenderOptions = { format: 'normalized', sysAttrs: false };
const concise: AttributeRenderOptions = { format: 'concise', sysAttrs: false };
const simplified: AttributeRenderOptions = { format: 'simplified', sysAttrs: false };

const render = (instances: Attribute[], options: AttributeRenderOptions) =>
  renderAttribute(instances, ctx, options);

describe('renderAttribute normalized (data-model.md §5.1)', () => {
  it('renderAttribute compacts valueType, objectType, vocab and sub-attribute names', () => {
    assert.deepEqual(
      render(
        [
          {
            type: 'Property',
            value: 20,
            valueType: 'https://example.org/Celsius',
            attrs: { [dc('source')]: [{ type: 'Property', value: 'x' }] },
          },
        ],
        normalized,
      ),
      {
        type: 'Property',
        value: 20,
        valueType: 'Celsius',
        source: { type: 'Property', value: 'x' },
      },
    );
    assert.deepEqual(
      render(
        [{ type: 'Relationship', object: 'urn:a:1', objectType: [dc('Parking')] }],
        normalized,
      ),
      {
        type: 'Relationship',
        object: 'urn:a:1',
        objectType: ['Parking'],
      },
    );
    assert.deepEqual(
      render([{ type: 'VocabProperty', vocab: [dc('Open'), 'https://x.org/Shut'] }], normalized),
      {
        type: 'VocabProperty',
        vocab: ['Open', 'https://x.org/Shut'],
      },
    );
  });

  it('renderAttribute renders several instances as an array, the default one without datasetId', () => {
    assert.deepEqual(
      render(
        [
          { type: 'Property', value: 55, datasetId: 'urn:ds:gps' },
          { type: 'Property', value: 54.5 },
        ],
        normalized,
      ),
      [
        { type: 'Property', value: 55, datasetId: 'urn:ds:gps' },
        { type: 'Property', value: 54.5 },
      ],
    );
  });

  it('renderAttribute shows createdAt/modifiedAt only with sysAttrs, on sub-attributes too', () => {
    const stamps = { createdAt: '2020-01-01T00:00:00Z', modifiedAt: '2020-01-02T00:00:00Z' };
    const instances: Attribute[] = [
      {
        type: 'Property',
        value: 1,
        ...stamps,
        attrs: { [dc('s')]: [{ type: 'Property', value: 2, ...stamps }] },
      },
    ];
    assert.deepEqual(render(instances, normalized), {
      type: 'Property',
      value: 1,
      s: { type: 'Property', value: 2 },
    });
    assert.deepEqual(render(instances, { ...normalized, sysAttrs: true }), {
      type: 'Property',
      value: 1,
      ...stamps,
      s: { type: 'Property', value: 2, ...stamps },
    });
  });

  it('renderAttribute turns a LanguageProperty into a Property with lang (query.md §9)', () => {
    const instances: Attribute[] = [
      {
        type: 'LanguageProperty',
        languageMap: { en: 'yes', fr: 'oui' },
        observedAt: '2020-01-01T00:00:00Z',
      },
    ];
    const lang = parseLanguagePreference('fr');
    assert.deepEqual(render(instances, { ...normalized, lang }), {
      type: 'Property',
      value: 'oui',
      lang: 'fr',
      observedAt: '2020-01-01T00:00:00Z',
    });
    assert.deepEqual(render(instances, { ...concise, lang }), {
      value: 'oui',
      lang: 'fr',
      observedAt: '2020-01-01T00:00:00Z',
    });
    assert.equal(render(instances, { ...simplified, lang }), 'oui');
  });

  it('renderAttribute leaves other kinds alone under lang', () => {
    const lang = parseLanguagePreference('fr');
    assert.deepEqual(render([{ type: 'Property', value: 'x' }], { ...normalized, lang }), {
      type: 'Property',
      value: 'x',
    });
  });

  it('renderAttribute keeps a sub-attribute whose name compacts like a member under its IRI', () => {
    const clash = fakeContext({ value: 'https://example.org/value' });
    assert.deepEqual(
      renderAttribute(
        [
          {
            type: 'Property',
            value: 1,
            attrs: { 'https://example.org/value': [{ type: 'Property', value: 2 }] },
          },
        ],
        clash,
        normalized,
      ),
      { type: 'Property', value: 1, 'https://example.org/value': { type: 'Property', value: 2 } },
    );
  });
});

describe('renderAttribute concise (data-model.md §5.3)', () => {
  it('renderAttribute collapses a plain Property to its value', () => {
    assert.equal(render([{ type: 'Property', value: 'Mercedes' }], concise), 'Mercedes');
    assert.equal(render([{ type: 'Property', value: 0 }], concise), 0);
    assert.deepEqual(render([{ type: 'Property', value: [1, 'a'] }], concise), [1, 'a']);
  });

  it('renderAttribute wraps values that would be re-read differently', () => {
    assert.deepEqual(render([{ type: 'Property', value: { a: 1 } }], concise), { value: { a: 1 } });
    assert.deepEqual(render([{ type: 'Property', value: [] }], concise), { value: [] });
    assert.deepEqual(render([{ type: 'Property', value: [{ a: 1 }] }], concise), {
      value: [{ a: 1 }],
    });
    assert.deepEqual(render([{ type: 'Property', value: POINT }], concise), {
      type: 'Property',
      value: POINT,
    });
  });

  it('renderAttribute keeps members and sub-attributes of a Property without type', () => {
    assert.deepEqual(
      render(
        [
          {
            type: 'Property',
            value: 55,
            unitCode: 'KMH',
            attrs: { [dc('source')]: [{ type: 'Property', value: 'S' }] },
          },
        ],
        concise,
      ),
      { value: 55, unitCode: 'KMH', source: 'S' },
    );
  });

  it('renderAttribute renders a GeoProperty as a bare geometry unless it has members', () => {
    assert.deepEqual(render([{ type: 'GeoProperty', value: POINT }], concise), POINT);
    assert.deepEqual(
      render([{ type: 'GeoProperty', value: POINT, observedAt: '2020-01-01T00:00:00Z' }], concise),
      {
        value: POINT,
        observedAt: '2020-01-01T00:00:00Z',
      },
    );
  });

  it('renderAttribute renders the other kinds by their payload member', () => {
    assert.deepEqual(render([{ type: 'Relationship', object: 'urn:a:1' }], concise), {
      object: 'urn:a:1',
    });
    assert.deepEqual(render([{ type: 'ListRelationship', objectList: ['urn:a:1'] }], concise), {
      objectList: ['urn:a:1'],
    });
    assert.deepEqual(render([{ type: 'ListProperty', valueList: [1] }], concise), {
      valueList: [1],
    });
    assert.deepEqual(render([{ type: 'LanguageProperty', languageMap: { en: 'x' } }], concise), {
      languageMap: { en: 'x' },
    });
    assert.deepEqual(render([{ type: 'VocabProperty', vocab: dc('Open') }], concise), {
      vocab: 'Open',
    });
    assert.deepEqual(render([{ type: 'JsonProperty', json: { id: 1 } }], concise), {
      json: { id: 1 },
    });
  });

  it('renderAttribute renders each instance of a multi-attribute as an object', () => {
    assert.deepEqual(
      render(
        [
          { type: 'Property', value: 55, datasetId: 'urn:ds:gps' },
          { type: 'Property', value: 54.5 },
        ],
        concise,
      ),
      [{ value: 55, datasetId: 'urn:ds:gps' }, { value: 54.5 }],
    );
  });

  it('renderAttribute keeps the type of an instance without its payload', () => {
    assert.deepEqual(
      render([{ type: 'Relationship', observedAt: '2020-01-01T00:00:00Z' }], concise),
      {
        type: 'Relationship',
        observedAt: '2020-01-01T00:00:00Z',
      },
    );
  });
});

describe('renderAttribute simplified (data-model.md §5.2)', () => {
  it('renderAttribute gives the payload per kind', () => {
    assert.equal(render([{ type: 'Property', value: 5, unitCode: 'C' }], simplified), 5);
    assert.deepEqual(render([{ type: 'GeoProperty', value: POINT }], simplified), POINT);
    assert.equal(render([{ type: 'Relationship', object: 'urn:a:1' }], simplified), 'urn:a:1');
    assert.deepEqual(render([{ type: 'ListRelationship', objectList: ['urn:a:1'] }], simplified), [
      'urn:a:1',
    ]);
    assert.deepEqual(render([{ type: 'ListProperty', valueList: [1, 2] }], simplified), [1, 2]);
    assert.deepEqual(render([{ type: 'LanguageProperty', languageMap: { en: 'x' } }], simplified), {
      languageMap: { en: 'x' },
    });
    assert.deepEqual(render([{ type: 'VocabProperty', vocab: [dc('Open')] }], simplified), {
      vocab: ['Open'],
    });
    assert.deepEqual(render([{ type: 'JsonProperty', json: [{ a: 1 }] }], simplified), {
      json: [{ a: 1 }],
    });
  });

  it('renderAttribute drops sub-attributes and timestamps', () => {
    const instance: Attribute = {
      type: 'Property',
      value: 1,
      createdAt: '2020-01-01T00:00:00Z',
      attrs: { [dc('s')]: [{ type: 'Property', value: 2 }] },
    };
    assert.equal(render([instance], { ...simplified, sysAttrs: true }), 1);
  });

  it('renderAttribute renders a multi-attribute as a dataset map', () => {
    assert.deepEqual(
      render(
        [
          { type: 'Property', value: 'David' },
          { type: 'Property', value: 'Bowie', datasetId: 'urn:ngsi-ld:Dataset:001' },
        ],
        simplified,
      ),
      { dataset: { '@none': 'David', 'urn:ngsi-ld:Dataset:001': 'Bowie' } },
    );
    assert.deepEqual(
      render([{ type: 'Property', value: 'Bowie', datasetId: 'urn:d:1' }], simplified),
      {
        dataset: { 'urn:d:1': 'Bowie' },
      },
    );
  });
});
