import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Entity } from '../model.js';
import { matchesEntityQuery } from './entity-filter.js';
import { parseQ } from './q-parser.js';
import { parseScopeQuery } from './scope-query.js';
import { parseTypeSelector } from './type-selector.js';
import type { EntityQuery, GeoQuery } from './query.types.js';

const DEFAULT = 'https://uri.etsi.org/ngsi-ld/default-context/';
const expand = (t: string): string => (t.includes(':') ? t : DEFAULT + t);
const LOCATION = 'https://uri.etsi.org/ngsi-ld/location';

const car: Entity = {
  id: 'urn:ngsi-ld:Vehicle:A4567',
  type: [expand('Vehicle'), expand('Car')],
  scope: ['/Madrid/Centro'],
  createdAt: '2018-08-01T10:00:00Z',
  modifiedAt: '2018-08-01T12:03:00Z',
  attrs: {
    [expand('speed')]: [{ type: 'Property', value: 55 }],
    [expand('category')]: [{ type: 'VocabProperty', vocab: expand('commercial') }],
    [LOCATION]: [{ type: 'GeoProperty', value: { type: 'Point', coordinates: [-3.7, 40.42] } }],
  },
};

const base: EntityQuery = { limit: 20, offset: 0, count: false };
const query = (extra: Partial<EntityQuery>): EntityQuery => ({ ...base, ...extra });

test('matchesEntityQuery matches everything when no filter is given', () => {
  assert.equal(matchesEntityQuery(car, base), true);
});

test('matchesEntityQuery filters by id list and idPattern (NGSI-LD 5.7.2)', () => {
  assert.equal(
    matchesEntityQuery(car, query({ ids: ['urn:ngsi-ld:Vehicle:A4567', 'urn:x:y'] })),
    true,
  );
  assert.equal(matchesEntityQuery(car, query({ ids: ['urn:x:y'] })), false);
  assert.equal(matchesEntityQuery(car, query({ idPattern: 'Vehicle:A' })), true);
  assert.equal(matchesEntityQuery(car, query({ idPattern: '^Vehicle' })), false);
});

test('matchesEntityQuery filters by type selection', () => {
  assert.equal(
    matchesEntityQuery(car, query({ types: parseTypeSelector('(Vehicle;Car)', expand) })),
    true,
  );
  assert.equal(
    matchesEntityQuery(car, query({ types: parseTypeSelector('Bus|Truck', expand) })),
    false,
  );
});

test('matchesEntityQuery keeps entities having at least one of attrs', () => {
  assert.equal(
    matchesEntityQuery(car, query({ attrs: [expand('temperature'), expand('speed')] })),
    true,
  );
  assert.equal(
    matchesEntityQuery(car, query({ attrs: [expand('temperature'), 'toString'] })),
    false,
  );
});

test('matchesEntityQuery applies q, expanding VocabProperty values when given an expander', () => {
  assert.equal(matchesEntityQuery(car, query({ q: parseQ('speed>50', expand) })), true);
  assert.equal(matchesEntityQuery(car, query({ q: parseQ('speed>60', expand) })), false);
  assert.equal(
    matchesEntityQuery(car, query({ q: parseQ('category==commercial', expand) }), expand),
    true,
  );
});

test('matchesEntityQuery applies scopeQ', () => {
  assert.equal(matchesEntityQuery(car, query({ scopeQ: parseScopeQuery('/Madrid/#') })), true);
  assert.equal(matchesEntityQuery(car, query({ scopeQ: parseScopeQuery('/Barcelona') })), false);
});

test('matchesEntityQuery requires every given filter to hold', () => {
  const all = query({
    ids: ['urn:ngsi-ld:Vehicle:A4567'],
    types: parseTypeSelector('Vehicle', expand),
    q: parseQ('speed==55', expand),
    scopeQ: parseScopeQuery('/Madrid/+'),
  });
  assert.equal(matchesEntityQuery(car, all), true);
  assert.equal(matchesEntityQuery(car, { ...all, q: parseQ('speed==56', expand) }), false);
});

test('matchesEntityQuery applies geoQ to the chosen GeoProperty (NGSI-LD 4.10)', () => {
  const near = (maxDistance: number): GeoQuery => ({
    georel: { op: 'near', maxDistance },
    geometry: { type: 'Point', coordinates: [-3.7038, 40.4168] },
    geoproperty: LOCATION,
  });
  assert.equal(matchesEntityQuery(car, query({ geoQ: near(2000) })), true);
  assert.equal(matchesEntityQuery(car, query({ geoQ: near(10) })), false);
  assert.equal(
    matchesEntityQuery(car, query({ geoQ: { ...near(2000), geoproperty: expand('other') } })),
    false,
  );
});
