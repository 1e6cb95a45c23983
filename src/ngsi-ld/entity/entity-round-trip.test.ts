/**
 * Parse → render round trips: the normalized and concise representations are lossless
 * (data-model.md §5.1, §5.3), so reading what the broker wrote gives the same entity back.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entity } from '../model.js';
import { parseEntity } from './entity-parser.js';
import { renderEntity } from './entity-renderer.js';
import { fakeContext } from './entity.fixtures.js';

const ctx = fakeContext({
  Vehicle: 'https://example.org/Vehicle',
  Integer: 'http://www.w3.org/2001/XMLSchema#integer',
});
const STAMPS = { createdAt: '2024-01-01T00:00:00.000Z', modifiedAt: '2024-01-02T00:00:00.000Z' };
const POINT = { type: 'Point', coordinates: [-8.5, 41.2] };
const POINT2 = { type: 'Point', coordinates: [2, 3] };
const SQUARE = {
  type: 'Polygon',
  coordinates: [
    [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
      [0, 0],
    ],
  ],
};
const AT = '2024-03-01T10:00:00.123Z';

/** Every attribute kind, with the values that concise output must not misread. */
const NORMALIZED = {
  id: 'urn:ngsi-ld:Vehicle:A4567',
  type: ['Vehicle', 'Car'],
  scope: ['/Porto', '/Porto/Centro'],
  brandName: { type: 'Property', value: 'Mercedes' },
  count: { type: 'Property', value: 0 },
  flags: { type: 'Property', value: [true, false] },
  empty: { type: 'Property', value: [] },
  rows: { type: 'Property', value: [{ a: 1 }, { b: 2 }] },
  mixed: { type: 'Property', value: [1, { a: 1 }] },
  address: { type: 'Property', value: { street: 'Main', type: 'Street', value: 3 } },
  looksGeo: { type: 'Property', value: POINT },
  typed: { type: 'Property', value: { '@type': 'DateTime', '@value': '2018-12-04T12:00:00Z' } },
  uriText: { type: 'Property', value: 'urn:ngsi-ld:Thing:1' },
  valueTyped: { type: 'Property', value: 3, valueType: 'Integer' },
  speed: [
    { type: 'Property', value: 55, datasetId: 'urn:ds:gps', unitCode: 'KMH', observedAt: AT },
    { type: 'Property', value: 54.5, source: { type: 'Property', value: 'Speedometer' } },
  ],
  isParked: {
    type: 'Relationship',
    object: 'urn:ngsi-ld:OffStreetParking:Downtown1',
    objectType: 'Parking',
    observedAt: AT,
    providedBy: { type: 'Relationship', object: 'urn:ngsi-ld:Person:Bob' },
  },
  owners: { type: 'Relationship', object: ['urn:ngsi-ld:Person:A', 'urn:ngsi-ld:Person:B'] },
  stops: { type: 'ListRelationship', objectList: ['urn:ngsi-ld:Stop:1', 'urn:ngsi-ld:Stop:2'] },
  readings: { type: 'ListProperty', valueList: [1, 2, 3], unitCode: 'CEL' },
  name: {
    type: 'LanguageProperty',
    languageMap: { en: 'car', fr: ['voiture', 'auto'], '@none': 'x' },
  },
  category: { type: 'VocabProperty', vocab: ['Open', 'https://x.org/Closed'] },
  config: { type: 'JsonProperty', json: { id: 'x', value: { type: 'Property' } } },
  location: { type: 'GeoProperty', value: POINT },
  area: { type: 'GeoProperty', value: SQUARE, observedAt: AT },
  température: {
    type: 'Property',
    value: 20.5,
    précision: { type: 'Property', value: 0.1, unité: { type: 'Property', value: 'C' } },
  },
  multiGeo: [
    { type: 'GeoProperty', value: POINT },
    { type: 'GeoProperty', value: POINT2, datasetId: 'urn:ds:2' },
  ],
  multiRel: [
    { type: 'Relationship', object: 'urn:a:1' },
    { type: 'Relationship', object: 'urn:a:2', datasetId: 'urn:ds:2' },
  ],
};

const CONCISE = {
  id: 'urn:ngsi-ld:Vehicle:A4567',
  type: 'Vehicle',
  brandName: 'Mercedes',
  speed: { value: 55, unitCode: 'KMH', source: 'Speedometer' },
  isParked: { object: 'urn:ngsi-ld:OffStreetParking:Downtown1' },
  location: POINT,
  says: { languageMap: { en: 'yes', fr: 'oui' } },
};

function stored(body: unknown): Entity {
  return { ...parseEntity(body, ctx), ...STAMPS };
}

describe('round trips parse → render (data-model.md §5)', () => {
  it('renderEntity normalized gives back the normalized input', () => {
    assert.deepEqual(
      renderEntity(stored(NORMALIZED), ctx, { format: 'normalized', sysAttrs: false }),
      NORMALIZED,
    );
  });

  it('renderEntity concise gives back the data-model.md §5.3 concise example', () => {
    assert.deepEqual(
      renderEntity(stored(CONCISE), ctx, { format: 'concise', sysAttrs: false }),
      CONCISE,
    );
  });

  it('renderEntity concise output parses back to the same entity (lossless)', () => {
    const entity = stored(NORMALIZED);
    const concise = renderEntity(entity, ctx, { format: 'concise', sysAttrs: false });
    assert.deepEqual(stored(concise), entity);
  });

  it('renderEntity concise output with sysAttrs parses back to the same entity', () => {
    const entity = stored(NORMALIZED);
    const concise = renderEntity(entity, ctx, { format: 'concise', sysAttrs: true });
    assert.deepEqual(stored(concise), entity);
  });

  it('renderEntity normalized output with sysAttrs parses back to the same entity', () => {
    const entity = stored(NORMALIZED);
    const normalized = renderEntity(entity, ctx, { format: 'normalized', sysAttrs: true });
    assert.deepEqual(stored(normalized), entity);
  });

  it('renderEntity simplified output parses back as keyValues with the same values', () => {
    const body = { id: 'urn:a:1', type: 'T', a: 1, b: { x: [1, 2] }, location: POINT };
    const entity = stored(body);
    const simplified = renderEntity(entity, ctx, { format: 'simplified', sysAttrs: false });
    assert.deepEqual(simplified, body);
    assert.deepEqual({ ...parseEntity(simplified, ctx, { simplified: true }), ...STAMPS }, entity);
  });
});
