/**
 * EntityStore.queryEntities filters (NGSI-LD 5.7.2, query.md §1–5): each answer must be the
 * one of the exact filter (entity-filter.ts) over the corpus, and the spec's expectation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EntityQuery } from '../../src/ngsi-ld/query/query.types.js';
import { parseScopeQuery } from '../../src/ngsi-ld/query/scope-query.js';
import { parseTypeSelector } from '../../src/ngsi-ld/query/type-selector.js';
import { CITY, SQL_LOOKALIKE } from './entity-store.corpus.js';
import {
  entity,
  expectedPage,
  iri,
  prop,
  q,
  query,
  queryIds,
  seed,
  type MakeStore,
  type StoreUnderTest,
} from './entity-store.fixtures.js';

const TENANT = 'city';

export function describeQueryContract(makeStore: MakeStore): void {
  describe('queryEntities filters', () => {
    let sut: StoreUnderTest;
    before(async () => {
      sut = await makeStore();
      await seed(sut.store, TENANT, CITY);
      // A decoy in another tenant matches every query below: it must never show up.
      await seed(sut.store, 'decoy', [
        entity('urn:ngsi-ld:Decoy:1', ['Car', 'Truck', 'OffStreetParking', 'Sensor'], {
          speed: prop(50),
          brand: prop('Mercedes'),
          load: prop(1000),
        }),
      ]);
    });
    after(() => sut.cleanup());

    /** `expected` are short ids (`Car:1`), in creation order. */
    async function check(filters: Partial<EntityQuery>, expected: string[]): Promise<void> {
      const reference = expectedPage(CITY, query(filters)).ids;
      assert.deepEqual(
        reference,
        expected.map((id) => `urn:ngsi-ld:${id}`),
        'the exact filter disagrees with the expectation',
      );
      assert.deepEqual(await queryIds(sut.store, TENANT, filters), reference);
    }

    it('queryEntities with no filter returns every entity in creation order', async () => {
      await check({}, [
        'Car:1',
        'Car:2',
        'Car:3',
        'Truck:1',
        'Parking:1',
        'Parking:2',
        'Sensor:1',
        'Sensor:2',
        'Car:4',
      ]);
    });

    it('queryEntities filters by ids, ignoring unknown ones and an empty list', async () => {
      await check({ ids: ['urn:ngsi-ld:Car:3', 'urn:ngsi-ld:Car:1', 'urn:ngsi-ld:Nope:1'] }, [
        'Car:1',
        'Car:3',
      ]);
      assert.equal((await queryIds(sut.store, TENANT, { ids: [] })).length, CITY.length);
    });

    it('queryEntities filters by idPattern (unanchored regular expression)', async () => {
      await check({ idPattern: 'Car:[12]' }, ['Car:1', 'Car:2']);
      await check({ idPattern: '^urn:ngsi-ld:(Truck|Sensor):' }, [
        'Truck:1',
        'Sensor:1',
        'Sensor:2',
      ]);
    });

    it('queryEntities filters by type selection, a disjunction of conjunctions (NGSI-LD 4.17)', async () => {
      const types = (text: string) => parseTypeSelector(text, iri);
      await check({ types: types('Car') }, ['Car:1', 'Car:2', 'Car:3', 'Car:4']);
      await check({ types: types('(Car;Vehicle)') }, ['Car:3']);
      await check({ types: types('Truck|OffStreetParking') }, [
        'Truck:1',
        'Parking:1',
        'Parking:2',
      ]);
      await check({ types: types('(Car;Vehicle),Sensor') }, ['Car:3', 'Sensor:1', 'Sensor:2']);
      await check({ types: { anyOf: [] } }, []);
    });

    it('queryEntities keeps entities with at least one of attrs', async () => {
      await check({ attrs: [iri('load'), iri('totalSpots')] }, [
        'Truck:1',
        'Parking:1',
        'Parking:2',
      ]);
    });

    it('queryEntities combines every filter with AND', async () => {
      await check(
        {
          types: parseTypeSelector('Car', iri),
          q: q('speed>40'),
          idPattern: '[24]$',
          attrs: [iri('brand')],
        },
        ['Car:2', 'Car:4'],
      );
    });

    it('q compares numbers, and a type mismatch never matches an ordering (NGSI-LD 4.9)', async () => {
      await check({ q: q('speed>40') }, ['Car:1', 'Car:2', 'Car:4']);
      await check({ q: q('speed==50') }, ['Car:1']);
      await check({ q: q('speed<=30') }, ['Truck:1']);
      await check({ q: q('speed>=50.5') }, ['Car:2', 'Car:4']);
    });

    it('q tests ranges and value lists', async () => {
      await check({ q: q('speed==50..60') }, ['Car:1', 'Car:4']);
      await check({ q: q('speed==30,80') }, ['Car:2', 'Truck:1']);
      await check({ q: q('brand=="A".."C"') }, ['Car:3']);
      await check({ q: q('brand=="BMW","Volvo"') }, ['Car:2', 'Car:3']);
      await check({ q: q('speed==30,"fast"') }, ['Car:3', 'Truck:1']);
    });

    it('q != needs the attribute and counts a type mismatch as unequal', async () => {
      await check({ q: q('speed!=50') }, ['Car:2', 'Car:3', 'Truck:1', 'Car:4']);
      await check({ q: q('brand!="Mercedes"') }, ['Car:2', 'Car:3', 'Car:4']);
      await check({ q: q('speed!=50..80') }, ['Car:3', 'Truck:1']);
    });

    it('q compares strings lexicographically', async () => {
      await check({ q: q('brand>"C"') }, ['Car:1', 'Car:2', 'Car:4']);
      await check({ q: q('brand<"N"') }, ['Car:1', 'Car:3']);
    });

    it('q compares booleans', async () => {
      await check({ q: q('active==true') }, ['Car:2']);
      await check({ q: q('active==false') }, ['Car:3']);
      await check({ q: q('active!=true') }, ['Car:3']);
    });

    it('q compares Relationship objects with == and != only', async () => {
      await check({ q: q('isParked==urn:ngsi-ld:Parking:1') }, ['Car:1']);
      await check({ q: q('isParked=="urn:ngsi-ld:Parking:2"') }, ['Car:2']);
      await check({ q: q('isParked!=urn:ngsi-ld:Parking:1') }, ['Car:2']);
      await check({ q: q('isParked>"a"') }, []);
      await check({ q: q('refs==urn:ngsi-ld:Thing:b') }, ['Parking:2']);
    });

    it('q matches an array value that contains the value, and != only when none is equal', async () => {
      await check({ q: q('color=="red"') }, ['Car:1']);
      await check({ q: q('color!="red"') }, ['Car:2']);
      await check({ q: q('tags==3') }, ['Parking:2']);
      await check({ q: q('tags=="a"') }, ['Parking:2']);
      await check({ q: q('tags==true') }, ['Parking:2']);
    });

    it('q matches when any instance of a multi-attribute matches', async () => {
      await check({ q: q('temperature==25') }, ['Car:1']);
      await check({ q: q('temperature<19') }, ['Car:4']);
      await check({ q: q('temperature!=20') }, ['Car:1', 'Car:4']);
    });

    it('q tests existence, alone and combined with AND and OR', async () => {
      await check({ q: q('load') }, ['Truck:1']);
      await check({ q: q('speed;brand;isParked') }, ['Car:1', 'Car:2']);
      await check({ q: q('speed>60|totalSpots<50') }, ['Car:2', 'Parking:2']);
      await check({ q: q('(speed>=50;brand!="Volvo")|load') }, ['Car:1', 'Truck:1', 'Car:4']);
    });

    it('q matches regular expressions', async () => {
      await check({ q: q('brand~="^[Mm]er"') }, ['Car:1', 'Car:4']);
      await check({ q: q('brand!~="^M"') }, ['Car:2', 'Car:3', 'Car:4']);
    });

    it('q follows sub-attributes, members, JSON paths and language maps', async () => {
      await check({ q: q('speed.accuracy<1') }, ['Truck:1']);
      await check({ q: q('speed.observedAt>=2024-01-01T00:00:00Z') }, ['Truck:1']);
      await check({ q: q('address[city]=="Berlin"') }, ['Parking:1']);
      await check({ q: q('name=="camion rouge"') }, ['Truck:1']);
      await check({ q: q('name[en]=="red truck"') }, ['Truck:1']);
    });

    it('q compares VocabProperty IRIs, typed dates and JSON values', async () => {
      await check({ q: q('category==http://example.org/Delivery') }, ['Truck:1']);
      // The request's context expands the term before it meets the stored IRI (query.md §2.3).
      const vocabularyTerms = { Delivery: iri('Delivery') };
      await check({ q: q('category=="Delivery"'), vocabularyTerms }, ['Truck:1']);
      await check({ q: q('category!="Delivery"'), vocabularyTerms }, []);
      await check({ q: q('reading>=2024-01-01T00:00:00Z') }, ['Sensor:1']);
      await check({ q: q('reading=="2024-03-01T00:00:00Z"') }, ['Sensor:1']);
      await check({ q: q('raw[x]==1') }, ['Sensor:1']);
    });

    it('queryEntities filters by scopeQ (NGSI-LD 4.19)', async () => {
      await check({ scopeQ: parseScopeQuery('/Madrid/#') }, ['Car:1', 'Parking:1']);
      await check({ scopeQ: parseScopeQuery('/Berlin') }, ['Parking:2']);
      await check({ scopeQ: parseScopeQuery('/#') }, ['Car:1', 'Parking:1', 'Parking:2']);
    });

    it('queryEntities binds SQL-looking values, type names and attribute names as data', async () => {
      await check({ q: q(`label==${JSON.stringify(SQL_LOOKALIKE)}`) }, ['Sensor:1']);
      await check({ q: q('label=="a\\u0000b"') }, ['Sensor:1']);
      await check({ q: q(`brand=="x' OR '1'='1"`) }, []);
      await check({ q: q(`brand<"x' OR 1=1; --"`) }, ['Car:1', 'Car:2', 'Car:3', 'Car:4']);
      await check({ types: { anyOf: [["Car' OR '1'='1"]] } }, []);
      await check({ attrs: ["speed') OR 1=1; --"] }, []);
      await check({ ids: ["urn:ngsi-ld:Car:1' OR '1'='1"] }, []);
      await check({ q: q('brand=="Mercedes"'), idPattern: "'; DROP TABLE entities; --" }, []);
      assert.equal((await queryIds(sut.store, "x'; DROP TABLE entities; --", {})).length, 0);
      assert.equal((await queryIds(sut.store, TENANT, {})).length, CITY.length);
    });
  });
}
