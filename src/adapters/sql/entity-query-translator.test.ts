import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EntityQuery } from '../../ngsi-ld/query/query.types.js';
import { translateEntityQuery } from './entity-query-translator.js';

const page = { limit: 10, offset: 0, count: false };
const query = (filters: Partial<EntityQuery>): EntityQuery => ({ ...page, ...filters });

describe('translateEntityQuery', () => {
  it('translateEntityQuery selects everything, exactly, for a query without filters', () => {
    assert.deepEqual(translateEntityQuery(query({})), { condition: { kind: 'all' }, exact: true });
  });

  it('translateEntityQuery ignores empty id and attrs lists as the filter does', () => {
    assert.deepEqual(translateEntityQuery(query({ ids: [], attrs: [] })), {
      condition: { kind: 'all' },
      exact: true,
    });
  });

  it('translateEntityQuery translates a type selection into unions of intersections (NGSI-LD 4.17)', () => {
    assert.deepEqual(
      translateEntityQuery(
        query({ types: { anyOf: [['A', 'B'], ['C']] }, ids: ['urn:x:1', 'urn:x:1'] }),
      ),
      {
        condition: {
          kind: 'and',
          items: [
            { kind: 'ids', ids: ['urn:x:1'] },
            {
              kind: 'or',
              items: [
                {
                  kind: 'and',
                  items: [
                    { kind: 'type', type: 'A' },
                    { kind: 'type', type: 'B' },
                  ],
                },
                { kind: 'type', type: 'C' },
              ],
            },
          ],
        },
        exact: true,
      },
    );
    assert.deepEqual(translateEntityQuery(query({ types: { anyOf: [] } })).condition, {
      kind: 'none',
    });
  });

  it('translateEntityQuery leaves idPattern and scopeQ to the filter', () => {
    assert.deepEqual(translateEntityQuery(query({ idPattern: 'x', attrs: ['a'] })), {
      condition: { kind: 'attrs', attrs: ['a'] },
      exact: false,
    });
    assert.equal(translateEntityQuery(query({ scopeQ: { kind: 'anyScope' } })).exact, false);
  });

  it('translateEntityQuery narrows a geo-query by its candidate box, or by the GeoProperty when there is none', () => {
    const near = translateEntityQuery(
      query({
        geoQ: {
          georel: { op: 'near', maxDistance: 1000 },
          geometry: { type: 'Point', coordinates: [8, 40] },
          geoproperty: 'loc',
        },
      }),
    );
    assert.equal(near.exact, false);
    assert.ok(
      near.condition.kind === 'bbox' &&
        near.condition.attr === 'loc' &&
        near.condition.box[0] < 8 &&
        near.condition.box[2] > 8,
    );
    const disjoint = translateEntityQuery(
      query({
        geoQ: {
          georel: { op: 'disjoint' },
          geometry: { type: 'Point', coordinates: [8, 40] },
          geoproperty: 'loc',
        },
      }),
    );
    assert.deepEqual(disjoint, { condition: { kind: 'attrs', attrs: ['loc'] }, exact: false });
  });
});
