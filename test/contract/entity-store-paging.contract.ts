/**
 * Pagination and counting (NGSI-LD 5.5.9, query.md §7): whether the store pages in SQL (the
 * query is fully indexable) or filters candidates itself, pages and counts are those of
 * the exact filter over all entities in creation order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Entity } from '../../src/ngsi-ld/model.js';
import type { EntityQuery } from '../../src/ngsi-ld/query/query.types.js';
import { parseScopeQuery } from '../../src/ngsi-ld/query/scope-query.js';
import { parseTypeSelector } from '../../src/ngsi-ld/query/type-selector.js';
import {
  entity,
  expectedPage,
  geo,
  iri,
  LOCATION,
  point,
  prop,
  q,
  query,
  seed,
  type MakeStore,
  type StoreUnderTest,
} from './entity-store.fixtures.js';

const TENANT = 'paging';
const SIZE = 1_200;

/** More entities than one candidate chunk, with values that repeat at different periods. */
function buildCorpus(): Entity[] {
  return Array.from({ length: SIZE }, (_, i) =>
    entity(
      `urn:ngsi-ld:Thing:${i}`,
      i % 3 === 0 ? 'Lamp' : ['Bin', 'Asset'],
      {
        level: i % 7 === 0 ? prop(String(i % 11)) : prop(i % 11),
        status: prop(['ok', 'full', 'broken'][i % 3] as string),
        // Half of the entities each, some twice (two instances alike): walked, not driven.
        size: i % 10 === 0 ? [prop(i % 2), prop(i % 2, { datasetId: 'urn:ds:b' })] : prop(i % 2),
        ...(i % 5 === 0
          ? { owner: { type: 'Relationship', object: `urn:ngsi-ld:Org:${i % 4}` } }
          : {}),
        location: geo(point(2 + (i % 40) / 100, 41 + Math.floor(i / 40) / 100)),
      },
      i % 4 === 0 ? { scope: [`/District${i % 8}`] } : {},
    ),
  );
}

/** Indexable (SQL pages) and not (the store filters), on purpose. */
const QUERIES: Array<[string, Partial<EntityQuery>]> = [
  ['all', {}],
  ['type', { types: parseTypeSelector('Lamp', iri) }],
  ['number range', { q: q('level==3..6') }],
  ['number or string', { q: q('level>8|status=="broken"') }],
  ['not equal', { q: q('level!=4;status!="ok"') }],
  ['relationship', { q: q('owner==urn:ngsi-ld:Org:1,urn:ngsi-ld:Org:2') }],
  ['string level', { q: q('level=="3"') }],
  ['regex', { q: q('status~="^b"') }],
  ['idPattern', { idPattern: '1$' }],
  ['scopeQ', { scopeQ: parseScopeQuery('/District4') }],
  [
    'near',
    {
      geoQ: {
        georel: { op: 'near', maxDistance: 3_000 },
        geometry: point(2.2, 41.15),
        geoproperty: LOCATION,
      },
    },
  ],
  ['types and regex', { types: parseTypeSelector('(Bin;Asset)', iri), q: q('status~="ull"') }],
  // Every leaf selects more than a driver may: the store walks one leaf's index in pk order.
  ['walked number', { q: q('size==1;level>5') }],
  ['walked text', { q: q('status=="full";level<4') }],
  ['walked list', { q: q('size==0,1;status=="ok"') }],
  ['walked type', { types: parseTypeSelector('Lamp', iri), q: q('size==0') }],
  ['walked, not exact', { q: q('size==0;status~="^b"') }],
];

const PAGES: Array<[number, number]> = [
  [1000, 0],
  [7, 0],
  [5, 13],
  [3, 700],
  [10, 5000],
];

export function describePagingContract(makeStore: MakeStore): void {
  describe('queryEntities pagination and count', () => {
    let sut: StoreUnderTest;
    const corpus = buildCorpus();
    before(async () => {
      sut = await makeStore();
      await seed(sut.store, TENANT, corpus);
    });
    after(() => sut.cleanup());

    for (const [name, filters] of QUERIES) {
      it(`queryEntities pages and counts like the exact filter for ${name}`, async () => {
        for (const [limit, offset] of PAGES) {
          const request = query({ ...filters, limit, offset, count: true });
          const expected = expectedPage(corpus, request);
          const page = await sut.store.queryEntities(TENANT, request);
          assert.deepEqual(
            page.entities.map((e) => e.id),
            expected.ids,
            `limit ${limit} offset ${offset}`,
          );
          assert.equal(
            page.totalCount,
            expected.totalCount,
            `count, limit ${limit} offset ${offset}`,
          );
          const uncounted = await sut.store.queryEntities(TENANT, { ...request, count: false });
          assert.equal(uncounted.totalCount, undefined);
          assert.deepEqual(
            uncounted.entities.map((e) => e.id),
            expected.ids,
          );
        }
      });
    }

    it('queryEntities with limit 0 and count returns only the count', async () => {
      const page = await sut.store.queryEntities(
        TENANT,
        query({ limit: 0, count: true, types: parseTypeSelector('Lamp', iri) }),
      );
      assert.deepEqual(page, { entities: [], totalCount: SIZE / 3 });
      const filtered = await sut.store.queryEntities(
        TENANT,
        query({ limit: 0, count: true, idPattern: '0$' }),
      );
      assert.deepEqual(filtered, { entities: [], totalCount: SIZE / 10 });
    });

    it('mutate writes a batch of 1,000 upserts in one call', async () => {
      const batch = corpus
        .slice(0, 1000)
        .map((e) => ({ ...e, attrs: { ...e.attrs, [iri('level')]: [prop(99)] } }));
      const results = await sut.store.mutate(
        TENANT,
        batch.map((e) => ({ id: e.id, apply: () => ({ next: e, report: null }) })),
        {
          createTenant: false,
        },
      );
      assert.equal(results.filter((r) => r.ok).length, 1000);
      const page = await sut.store.queryEntities(
        TENANT,
        query({ q: q('level==99'), limit: 0, count: true }),
      );
      assert.equal(page.totalCount, 1000);
      await seed(sut.store, TENANT, corpus.slice(0, 1000));
    });
  });
}
