import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Attribute, Entity, JsonValue } from '../model.js';
import type { GeoQuery } from '../query/query.types.js';
import { parseGeoQuery } from './geo-query-parser.js';
import { matchesGeoQuery } from './geo-query.js';

const LOCATION = 'https://uri.etsi.org/ngsi-ld/location';
const POSITION = 'https://example.org/position';

function entity(attrs: Record<string, Attribute[]>): Entity {
  return {
    id: 'urn:ngsi-ld:Vehicle:A4567',
    type: ['https://example.org/Vehicle'],
    createdAt: '2024-01-01T00:00:00Z',
    modifiedAt: '2024-01-01T00:00:00Z',
    attrs,
  };
}
const geoProperty = (value: JsonValue, datasetId?: string): Attribute => ({
  type: 'GeoProperty',
  value,
  ...(datasetId === undefined ? {} : { datasetId }),
});
const pointValue = (lon: number, lat: number) => ({ type: 'Point', coordinates: [lon, lat] });

function query(
  georel: string,
  geometry: string,
  coordinates: string,
  geoproperty?: string,
): GeoQuery {
  const geoQ = parseGeoQuery(
    { georel, geometry, coordinates, ...(geoproperty === undefined ? {} : { geoproperty }) },
    (term) => `https://example.org/${term}`,
  );
  assert.ok(geoQ !== undefined);
  return geoQ;
}

// Query.md §3 example: vehicles within 2 km of [8, 40].
const near2km = query('near;maxDistance==2000', 'Point', '[8,40]');

describe('matchesGeoQuery (NGSI-LD 4.10, pitfall 26)', () => {
  it('matchesGeoQuery matches an entity whose location is within maxDistance', () => {
    // 0.01° of latitude is about 1,112 m.
    assert.equal(
      matchesGeoQuery(entity({ [LOCATION]: [geoProperty(pointValue(8, 40.01))] }), near2km),
      true,
    );
  });

  it('matchesGeoQuery does not match an entity beyond maxDistance', () => {
    assert.equal(
      matchesGeoQuery(entity({ [LOCATION]: [geoProperty(pointValue(8, 40.1))] }), near2km),
      false,
    );
  });

  it('matchesGeoQuery never matches an entity without the GeoProperty, even for disjoint', () => {
    const disjoint = query('disjoint', 'Point', '[8,40]');
    assert.equal(matchesGeoQuery(entity({}), near2km), false);
    assert.equal(matchesGeoQuery(entity({}), disjoint), false);
    assert.equal(
      matchesGeoQuery(entity({ [POSITION]: [geoProperty(pointValue(0, 0))] }), disjoint),
      false,
    );
  });

  it('matchesGeoQuery parses a GeoProperty value stored as a JSON string (data-model.md §2)', () => {
    const stored = geoProperty('{"type":"Point","coordinates":[8,40.001]}');
    assert.equal(matchesGeoQuery(entity({ [LOCATION]: [stored] }), near2km), true);
  });

  it('matchesGeoQuery matches when any instance of a multi-attribute satisfies the query', () => {
    const instances = [
      geoProperty(pointValue(50, 50)),
      geoProperty(pointValue(8, 40.001), 'urn:ngsi-ld:dataset:gps'),
    ];
    assert.equal(matchesGeoQuery(entity({ [LOCATION]: instances }), near2km), true);
  });

  it('matchesGeoQuery ignores instances that are not GeoProperties or hold invalid geometry', () => {
    const instances: Attribute[] = [
      { type: 'Property', value: pointValue(8, 40) },
      geoProperty({ type: 'Point', coordinates: [8] }),
      geoProperty('not json'),
      { type: 'GeoProperty' },
    ];
    assert.equal(matchesGeoQuery(entity({ [LOCATION]: instances }), near2km), false);
  });

  it('matchesGeoQuery tests the GeoProperty named by geoproperty', () => {
    const geoQ = query('near;maxDistance==2000', 'Point', '[8,40]', 'position');
    const subject = entity({
      [LOCATION]: [geoProperty(pointValue(50, 50))],
      [POSITION]: [geoProperty(pointValue(8, 40))],
    });
    assert.equal(matchesGeoQuery(subject, geoQ), true);
    assert.equal(matchesGeoQuery(subject, near2km), false);
  });

  it('matchesGeoQuery applies minDistance', () => {
    const farther = query('near;minDistance==2000', 'Point', '[8,40]');
    assert.equal(
      matchesGeoQuery(entity({ [LOCATION]: [geoProperty(pointValue(8, 40.1))] }), farther),
      true,
    );
    assert.equal(
      matchesGeoQuery(entity({ [LOCATION]: [geoProperty(pointValue(8, 40))] }), farther),
      false,
    );
  });

  it('matchesGeoQuery evaluates within, contains, intersects, equals, disjoint and overlaps', () => {
    const area = '[[[7.9,39.9],[8.1,39.9],[8.1,40.1],[7.9,40.1],[7.9,39.9]]]';
    const inside = entity({ [LOCATION]: [geoProperty(pointValue(8, 40))] });
    const outside = entity({ [LOCATION]: [geoProperty(pointValue(9, 41))] });
    const field = entity({
      [LOCATION]: [
        geoProperty({
          type: 'Polygon',
          coordinates: [
            [
              [8, 40],
              [8.2, 40],
              [8.2, 40.2],
              [8, 40.2],
              [8, 40],
            ],
          ],
        }),
      ],
    });
    const cases: Array<[string, Entity, boolean]> = [
      ['within', inside, true],
      ['within', outside, false],
      ['intersects', inside, true],
      ['intersects', outside, false],
      ['disjoint', outside, true],
      ['disjoint', inside, false],
      ['overlaps', field, true],
      ['overlaps', inside, false],
      ['contains', field, false],
    ];
    for (const [georel, subject, expected] of cases) {
      assert.equal(matchesGeoQuery(subject, query(georel, 'Polygon', area)), expected, georel);
    }
    assert.equal(matchesGeoQuery(field, query('contains', 'Point', '[8.1,40.1]')), true);
    assert.equal(matchesGeoQuery(inside, query('equals', 'Point', '[8,40]')), true);
    assert.equal(matchesGeoQuery(inside, query('equals', 'Point', '[8,40.5]')), false);
  });

  it('matchesGeoQuery gives the same answer when a query is reused across entities', () => {
    const near = entity({ [LOCATION]: [geoProperty(pointValue(8, 40.001))] });
    const far = entity({ [LOCATION]: [geoProperty(pointValue(8, 45))] });
    for (let i = 0; i < 3; i += 1) {
      assert.equal(matchesGeoQuery(near, near2km), true);
      assert.equal(matchesGeoQuery(far, near2km), false);
    }
  });
});
