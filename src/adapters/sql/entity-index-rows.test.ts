import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entity } from '../../ngsi-ld/model.js';
import {
  buildAttributeIndexRows,
  buildEntityIndexRows,
  changedAttributeRows,
} from './entity-index-rows.js';

const base = { createdAt: 't', modifiedAt: 't' };

describe('buildEntityIndexRows', () => {
  it('buildEntityIndexRows writes a row per comparable element, the first of an instance naming its kind', () => {
    const entity: Entity = {
      ...base,
      id: 'urn:x:1',
      type: ['T', 'U', 'T'],
      attrs: {
        a: [
          { type: 'Property', value: [1, 'x', true, { k: 1 }, [2]] },
          { type: 'Property', value: 2, datasetId: 'urn:ds:1' },
        ],
        r: [{ type: 'Relationship', object: ['urn:y:1', 'urn:y:2'] }],
        v: [{ type: 'VocabProperty', vocab: 'http://example.org/V' }],
        l: [{ type: 'LanguageProperty', languageMap: { en: 'red', fr: ['rouge', 'vermillon'] } }],
        d: [{ type: 'Property', value: { '@type': 'DateTime', '@value': '2024-01-01T00:00:00Z' } }],
      },
    };
    const rows = buildEntityIndexRows(entity);
    assert.deepEqual(rows.types, ['T', 'U']);
    assert.deepEqual(
      rows.values.map((r) => [r.attr, r.kind, r.inst, r.num, r.str, r.akind]),
      [
        ['a', 'n', 0, 1, null, 'Property'],
        ['a', 's', 0, null, 'x', null],
        ['a', 'b', 0, null, 'true', null],
        ['a', 'n', 1, 2, null, 'Property'],
        ['r', 'r', 0, null, 'urn:y:1', 'Relationship'],
        ['r', 'r', 0, null, 'urn:y:2', null],
        ['v', 'v', 0, null, 'http://example.org/V', 'VocabProperty'],
        ['l', 's', 0, null, 'red', 'LanguageProperty'],
        ['l', 's', 0, null, 'rouge', null],
        ['l', 's', 0, null, 'vermillon', null],
        ['d', 'd', 0, null, '2024-01-01T00:00:00Z', 'Property'],
      ],
    );
  });

  it('buildEntityIndexRows gives an instance without comparable elements one bare row', () => {
    const entity: Entity = {
      ...base,
      id: 'urn:x:1',
      type: ['T'],
      attrs: {
        o: [
          { type: 'Property', value: { k: 1 } },
          { type: 'Property', value: 3, datasetId: 'urn:ds:1' },
        ],
        g: [{ type: 'GeoProperty', value: { type: 'Point', coordinates: [1, 2] } }],
        j: [{ type: 'JsonProperty', json: [{ k: 1 }] }],
      },
    };
    assert.deepEqual(
      buildEntityIndexRows(entity).values.map((r) => [
        r.attr,
        r.kind,
        r.inst,
        r.num,
        r.str,
        r.akind,
      ]),
      [
        ['o', 'e', 0, 1, null, 'Property'],
        ['o', 'n', 1, 3, null, 'Property'],
        ['g', 'e', 0, 1, null, 'GeoProperty'],
        ['j', 'e', 0, 1, null, 'JsonProperty'],
      ],
    );
  });

  it('buildEntityIndexRows boxes valid GeoProperty values, given as objects or JSON text', () => {
    const entity: Entity = {
      ...base,
      id: 'urn:x:1',
      type: ['T'],
      attrs: {
        loc: [
          {
            type: 'GeoProperty',
            value: {
              type: 'LineString',
              coordinates: [
                [1, 5],
                [3, 2],
              ],
            },
          },
          {
            type: 'GeoProperty',
            value: '{"type":"Point","coordinates":[7,8]}',
            datasetId: 'urn:ds:1',
          },
          {
            type: 'GeoProperty',
            value: { type: 'Point', coordinates: ['x'] },
            datasetId: 'urn:ds:2',
          },
        ],
        notGeo: [{ type: 'Property', value: { type: 'Point', coordinates: [0, 0] } }],
      },
    };
    assert.deepEqual(buildEntityIndexRows(entity).boxes, [
      { attr: 'loc', box: [1, 2, 3, 5] },
      { attr: 'loc', box: [7, 8, 7, 8] },
    ]);
  });

  it('buildEntityIndexRows marks an instance without its payload member as having no target', () => {
    const entity: Entity = {
      ...base,
      id: 'urn:x:1',
      type: ['T'],
      attrs: { a: [{ type: 'Relationship' }] },
    };
    assert.deepEqual(buildEntityIndexRows(entity).values, [
      { attr: 'a', kind: 'e', inst: 0, num: 0, str: null, akind: 'Relationship' },
    ]);
  });
});

describe('changedAttributeRows', () => {
  const entity = (attrs: Entity['attrs']): Entity => ({
    ...base,
    id: 'urn:x:1',
    type: ['T'],
    attrs,
  });
  const on = [{ type: 'Property' as const, value: 'on', observedAt: '2024-01-01T00:00:00Z' }];

  it('changedAttributeRows skips attributes holding the same instances, or instances giving the same rows', () => {
    const previous = entity({ a: on, b: [{ type: 'Property', value: 1 }] });
    const next = entity({
      a: [{ type: 'Property', value: 'on', observedAt: '2024-02-02T00:00:00Z' }],
      b: previous.attrs['b'] ?? [],
    });
    assert.deepEqual(changedAttributeRows(previous, next), []);
  });

  it('changedAttributeRows gives the rows before and after of changed, added and removed attributes', () => {
    const previous = entity({ a: on, gone: [{ type: 'Property', value: 1 }] });
    const next = entity({
      a: [{ type: 'Property', value: 'off' }],
      added: [{ type: 'GeoProperty', value: { type: 'Point', coordinates: [1, 2] } }],
    });
    assert.deepEqual(changedAttributeRows(previous, next), [
      {
        attr: 'a',
        previous: buildAttributeIndexRows('a', on),
        next: buildAttributeIndexRows('a', next.attrs['a'] ?? []),
      },
      {
        attr: 'gone',
        previous: buildAttributeIndexRows('gone', previous.attrs['gone'] ?? []),
        next: { values: [], boxes: [] },
      },
      {
        attr: 'added',
        previous: { values: [], boxes: [] },
        next: {
          values: [{ attr: 'added', kind: 'e', inst: 0, num: 1, str: null, akind: 'GeoProperty' }],
          boxes: [[1, 2, 1, 2]],
        },
      },
    ]);
  });

  it('changedAttributeRows sees a moved geometry whose rows are the same', () => {
    const at = (lon: number) =>
      entity({ loc: [{ type: 'GeoProperty', value: { type: 'Point', coordinates: [lon, 0] } }] });
    assert.equal(changedAttributeRows(at(1), at(2)).length, 1);
  });
});
