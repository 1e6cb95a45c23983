/**
 * describeTypes / describeAttributes (NGSI-LD 5.7.5–5.7.10, query.md §12): current tenant,
 * top-level attributes, kinds seen, counts, sorted by IRI.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { AttributeSummary, TypeSummary } from '../../src/context/ports/entity-store.port.js';
import {
  entity,
  geo,
  iri,
  LOCATION,
  point,
  prop,
  rel,
  remove,
  seed,
  type MakeStore,
  type StoreUnderTest,
} from './entity-store.fixtures.js';

const TENANT = 'discovery';

export function describeDiscoveryContract(makeStore: MakeStore): void {
  describe('describeTypes and describeAttributes', () => {
    let sut: StoreUnderTest;
    beforeEach(async () => {
      sut = await makeStore();
      await seed(sut.store, TENANT, [
        entity('urn:ngsi-ld:Car:1', 'Car', {
          speed: [prop(1), prop(2, { datasetId: 'urn:ngsi-ld:Dataset:2' })],
          location: geo(point(1, 2)),
        }),
        entity('urn:ngsi-ld:Car:2', ['Car', 'Vehicle'], {
          owner: rel('urn:ngsi-ld:Person:1'),
          speed: prop(3, { attrs: { [iri('accuracy')]: [prop(1)] } }),
        }),
        entity('urn:ngsi-ld:Parking:1', 'Parking', { owner: prop('the city') }),
      ]);
    });
    afterEach(() => sut.cleanup());

    it('describeTypes lists each type with its entity count and attributes', async () => {
      const expected: TypeSummary[] = [
        {
          type: iri('Car'),
          entityCount: 2,
          attributes: [
            { name: iri('owner'), kinds: ['Relationship'] },
            { name: iri('speed'), kinds: ['Property'] },
            { name: LOCATION, kinds: ['GeoProperty'] },
          ],
        },
        {
          type: iri('Parking'),
          entityCount: 1,
          attributes: [{ name: iri('owner'), kinds: ['Property'] }],
        },
        {
          type: iri('Vehicle'),
          entityCount: 1,
          attributes: [
            { name: iri('owner'), kinds: ['Relationship'] },
            { name: iri('speed'), kinds: ['Property'] },
          ],
        },
      ];
      assert.deepEqual(await sut.store.describeTypes(TENANT), expected);
    });

    it('describeAttributes lists top-level attributes with kinds, types and instance counts', async () => {
      const expected: AttributeSummary[] = [
        {
          name: iri('owner'),
          kinds: ['Property', 'Relationship'],
          typeNames: [iri('Car'), iri('Parking'), iri('Vehicle')],
          instanceCount: 2,
        },
        {
          name: iri('speed'),
          kinds: ['Property'],
          typeNames: [iri('Car'), iri('Vehicle')],
          instanceCount: 3,
        },
        { name: LOCATION, kinds: ['GeoProperty'], typeNames: [iri('Car')], instanceCount: 1 },
      ];
      assert.deepEqual(await sut.store.describeAttributes(TENANT), expected);
    });

    it('describeTypes and describeAttributes follow deletions and are empty for an empty tenant', async () => {
      await sut.store.mutate(
        TENANT,
        [remove('urn:ngsi-ld:Car:2'), remove('urn:ngsi-ld:Parking:1')],
        { createTenant: false },
      );
      assert.deepEqual(
        (await sut.store.describeTypes(TENANT)).map((t) => [t.type, t.entityCount]),
        [[iri('Car'), 1]],
      );
      assert.deepEqual(
        (await sut.store.describeAttributes(TENANT)).map((a) => a.name),
        [iri('speed'), LOCATION],
      );
      assert.deepEqual(await sut.store.describeTypes('empty'), []);
      assert.deepEqual(await sut.store.describeAttributes('empty'), []);
    });
  });
}
