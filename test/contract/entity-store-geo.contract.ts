/**
 * EntityStore.queryEntities geo-queries (NGSI-LD 4.10, query.md §3): the store narrows with
 * bounding boxes, the exact geometry test decides. Every answer must equal the exact filter.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Geometry } from '../../src/ngsi-ld/model.js';
import type { GeoQuery, GeoRel } from '../../src/ngsi-ld/query/query.types.js';
import { CITY } from './entity-store.corpus.js';
import {
  expectedPage,
  iri,
  LOCATION,
  point,
  query,
  queryIds,
  seed,
  type MakeStore,
  type StoreUnderTest,
} from './entity-store.fixtures.js';

const TENANT = 'geo';

const AROUND_CARS: Geometry = {
  type: 'Polygon',
  coordinates: [
    [
      [7.9, 39.9],
      [8.2, 39.9],
      [8.2, 40.2],
      [7.9, 40.2],
      [7.9, 39.9],
    ],
  ],
};

function geoQ(georel: GeoRel, geometry: Geometry, geoproperty = LOCATION): GeoQuery {
  return { georel, geometry, geoproperty };
}

export function describeGeoContract(makeStore: MakeStore): void {
  describe('queryEntities geo-queries', () => {
    let sut: StoreUnderTest;
    before(async () => {
      sut = await makeStore();
      await seed(sut.store, TENANT, CITY);
    });
    after(() => sut.cleanup());

    async function check(g: GeoQuery, expected: string[]): Promise<void> {
      const reference = expectedPage(CITY, query({ geoQ: g })).ids;
      assert.deepEqual(
        reference,
        expected.map((id) => `urn:ngsi-ld:${id}`),
        'the exact filter disagrees with the expectation',
      );
      assert.deepEqual(await queryIds(sut.store, TENANT, { geoQ: g }), reference);
      const counted = await sut.store.queryEntities(
        TENANT,
        query({ geoQ: g, count: true, limit: 1 }),
      );
      assert.equal(counted.totalCount, reference.length);
    }

    it('near;maxDistance keeps targets within the distance (metres)', async () => {
      await check(geoQ({ op: 'near', maxDistance: 20_000 }, point(8, 40)), [
        'Car:1',
        'Car:2',
        'Car:4',
      ]);
      await check(geoQ({ op: 'near', maxDistance: 1_000 }, point(8, 40)), ['Car:1']);
    });

    it('near;minDistance keeps targets farther than the distance', async () => {
      await check(geoQ({ op: 'near', minDistance: 10_000 }, point(8, 40)), [
        'Car:2',
        'Car:3',
        'Truck:1',
        'Parking:1',
      ]);
    });

    it('within, intersects and disjoint test the target against the reference geometry', async () => {
      await check(geoQ({ op: 'within' }, AROUND_CARS), ['Car:1', 'Car:2', 'Car:4']);
      const crossing: Geometry = {
        type: 'LineString',
        coordinates: [
          [8, 40.5],
          [8, 41.5],
        ],
      };
      await check(geoQ({ op: 'intersects' }, crossing), ['Truck:1']);
      await check(geoQ({ op: 'disjoint' }, AROUND_CARS), ['Car:3', 'Truck:1', 'Parking:1']);
    });

    it('a geometry stored as JSON text is indexed and matched', async () => {
      await check(geoQ({ op: 'near', maxDistance: 1_000 }, point(-3.7, 40.4)), ['Car:3']);
    });

    it('geoproperty selects the GeoProperty to test', async () => {
      await check(geoQ({ op: 'near', maxDistance: 1_000 }, point(-3.7, 40.4), iri('area')), [
        'Parking:2',
      ]);
      await check(geoQ({ op: 'within' }, AROUND_CARS, iri('area')), []);
    });

    it('a geo-query combines with the other filters', async () => {
      const g = geoQ({ op: 'near', maxDistance: 20_000 }, point(8, 40));
      const filters = { geoQ: g, q: undefined, idPattern: '[12]$' };
      assert.deepEqual(
        await queryIds(sut.store, TENANT, filters),
        expectedPage(CITY, query(filters)).ids,
      );
      assert.deepEqual(await queryIds(sut.store, TENANT, filters), [
        'urn:ngsi-ld:Car:1',
        'urn:ngsi-ld:Car:2',
      ]);
    });
  });
}
