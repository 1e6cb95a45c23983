import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isProblemDetails } from '../problem-details.js';
import { DEFAULT_GEOPROPERTY, parseGeoQuery, parseGeoRel } from './geo-query-parser.js';

const expand = (term: string) => `https://example.org/${term}`;

function assertBadRequest(run: () => unknown, fragment: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(isProblemDetails(error), 'expected a ProblemDetails');
    assert.equal(error.status, 400);
    assert.equal(error.type, 'https://uri.etsi.org/ngsi-ld/errors/BadRequestData');
    assert.ok(error.detail.includes(fragment), error.detail);
    return true;
  });
}

describe('parseGeoQuery (NGSI-LD 4.10, query.md §3)', () => {
  it('parseGeoQuery returns undefined when no geo-query parameter is given', () => {
    assert.equal(parseGeoQuery({}, expand), undefined);
  });

  it('parseGeoQuery ignores geoproperty alone', () => {
    assert.equal(parseGeoQuery({ geoproperty: 'position' }, expand), undefined);
  });

  it('parseGeoQuery builds a near query from GET parameters', () => {
    const geoQ = parseGeoQuery(
      { georel: 'near;maxDistance==2000', geometry: 'Point', coordinates: '[8,40]' },
      expand,
    );
    assert.deepEqual(geoQ, {
      georel: { op: 'near', maxDistance: 2000 },
      geometry: { type: 'Point', coordinates: [8, 40] },
      geoproperty: DEFAULT_GEOPROPERTY,
    });
  });

  it('parseGeoQuery defaults geoproperty to the core location IRI', () => {
    assert.equal(DEFAULT_GEOPROPERTY, 'https://uri.etsi.org/ngsi-ld/location');
  });

  it('parseGeoQuery expands a given geoproperty with the @context', () => {
    const geoQ = parseGeoQuery(
      {
        georel: 'within',
        geometry: 'Polygon',
        coordinates: '[[[0,0],[1,0],[1,1],[0,0]]]',
        geoproperty: 'observationSpace',
      },
      expand,
    );
    assert.equal(geoQ?.geoproperty, 'https://example.org/observationSpace');
  });

  it('parseGeoQuery accepts coordinates as a JSON array (POST query / subscription geoQ)', () => {
    const geoQ = parseGeoQuery(
      {
        georel: 'intersects',
        geometry: 'LineString',
        coordinates: [
          [0, 0],
          [1, 1],
        ],
      },
      expand,
    );
    assert.deepEqual(geoQ?.geometry, {
      type: 'LineString',
      coordinates: [
        [0, 0],
        [1, 1],
      ],
    });
  });

  it('parseGeoQuery accepts coordinates text with blanks', () => {
    const geoQ = parseGeoQuery(
      { georel: 'equals', geometry: 'MultiPoint', coordinates: ' [ [8, 40] , [9,41] ] ' },
      expand,
    );
    assert.deepEqual(geoQ?.geometry.coordinates, [
      [8, 40],
      [9, 41],
    ]);
  });

  it('parseGeoQuery accepts any geometry with near (as recent Orion-LD does)', () => {
    const geoQ = parseGeoQuery(
      {
        georel: 'near;minDistance==10',
        geometry: 'Polygon',
        coordinates: '[[[0,0],[1,0],[1,1],[0,0]]]',
      },
      expand,
    );
    assert.deepEqual(geoQ?.georel, { op: 'near', minDistance: 10 });
  });

  it('parseGeoQuery rejects any one of georel, geometry, coordinates given without the others', () => {
    const full = { georel: 'within', geometry: 'Point', coordinates: '[0,0]' };
    for (const name of ['georel', 'geometry', 'coordinates'] as const) {
      const input = { ...full, [name]: undefined };
      assertBadRequest(() => parseGeoQuery(input, expand), `missing ${name}`);
    }
    assertBadRequest(
      () => parseGeoQuery({ georel: 'within' }, expand),
      'missing geometry, coordinates',
    );
  });

  it('parseGeoQuery rejects an unknown geometry and GeometryCollection', () => {
    for (const geometry of ['Circle', 'point', '', 'Feature']) {
      assertBadRequest(
        () => parseGeoQuery({ georel: 'within', geometry, coordinates: '[0,0]' }, expand),
        'geometry: must be one of',
      );
    }
    assertBadRequest(
      () =>
        parseGeoQuery(
          { georel: 'within', geometry: 'GeometryCollection', coordinates: '[]' },
          expand,
        ),
      'GeometryCollection is not supported',
    );
  });

  it('parseGeoQuery rejects coordinates that are not a JSON array', () => {
    for (const coordinates of [
      '8,40',
      '[8,40',
      'null',
      '{"a":1}',
      '"[8,40]"',
      42,
      { 0: 8, 1: 40 },
    ]) {
      assertBadRequest(
        () => parseGeoQuery({ georel: 'within', geometry: 'Point', coordinates }, expand),
        'coordinates: ',
      );
    }
  });

  it('parseGeoQuery rejects coordinates that do not fit the geometry', () => {
    assertBadRequest(
      () =>
        parseGeoQuery(
          { georel: 'within', geometry: 'Polygon', coordinates: '[[[0,0],[1,0],[1,1],[0,1]]]' },
          expand,
        ),
      'coordinates: Polygon ring 0 is not closed',
    );
    assertBadRequest(
      () =>
        parseGeoQuery(
          { georel: 'near;maxDistance==1', geometry: 'Point', coordinates: '[[8,40]]' },
          expand,
        ),
      'coordinates: Point coordinates must be a position',
    );
    assertBadRequest(
      () => parseGeoQuery({ georel: 'within', geometry: 'Point', coordinates: '[40,95]' }, expand),
      'latitude 95',
    );
  });

  it('parseGeoQuery rejects an empty geoproperty', () => {
    assertBadRequest(
      () =>
        parseGeoQuery(
          { georel: 'within', geometry: 'Point', coordinates: '[0,0]', geoproperty: ' ' },
          expand,
        ),
      'geoproperty: must be a non-empty attribute name',
    );
  });
});

describe('parseGeoRel (NGSI-LD 4.10)', () => {
  it('parseGeoRel parses each plain relation', () => {
    for (const op of [
      'within',
      'contains',
      'intersects',
      'equals',
      'disjoint',
      'overlaps',
    ] as const) {
      assert.deepEqual(parseGeoRel(op), { op });
    }
  });

  it('parseGeoRel parses near with maxDistance or minDistance in metres', () => {
    assert.deepEqual(parseGeoRel('near;maxDistance==2000'), { op: 'near', maxDistance: 2000 });
    assert.deepEqual(parseGeoRel('near;minDistance==0.5'), { op: 'near', minDistance: 0.5 });
    assert.deepEqual(parseGeoRel('near;maxDistance==1e3'), { op: 'near', maxDistance: 1000 });
  });

  it('parseGeoRel parses near with both distances (Orion-LD extension)', () => {
    assert.deepEqual(parseGeoRel('near;minDistance==100;maxDistance==2000'), {
      op: 'near',
      minDistance: 100,
      maxDistance: 2000,
    });
  });

  it('parseGeoRel rejects near without a distance', () => {
    assertBadRequest(() => parseGeoRel('near'), 'near needs maxDistance==N or minDistance==N');
    assertBadRequest(() => parseGeoRel('near;'), 'near expects');
  });

  it('parseGeoRel rejects a distance that is not a positive number', () => {
    for (const value of [
      '0',
      '-5',
      '',
      'abc',
      '0x10',
      ' 5',
      '1e400',
      'Infinity',
      'NaN',
      '5m',
      '1==2',
    ]) {
      assertBadRequest(() => parseGeoRel(`near;maxDistance==${value}`), 'maxDistance');
    }
  });

  it('parseGeoRel rejects unknown or repeated near modifiers', () => {
    assertBadRequest(() => parseGeoRel('near;distance==5'), 'near expects');
    assertBadRequest(() => parseGeoRel('near;maxDistance:5'), 'near expects');
    assertBadRequest(() => parseGeoRel('near;maxDistance==5;maxDistance==6'), 'given twice');
  });

  it('parseGeoRel rejects minDistance greater than maxDistance', () => {
    assertBadRequest(() => parseGeoRel('near;minDistance==10;maxDistance==5'), 'nothing can match');
  });

  it('parseGeoRel rejects unknown relations and modifiers on plain relations', () => {
    for (const text of ['', 'inside', 'Within', 'far;maxDistance==5', 'coveredBy']) {
      assertBadRequest(() => parseGeoRel(text), 'unknown relation');
    }
    assertBadRequest(() => parseGeoRel('within;maxDistance==5'), 'takes no modifiers');
  });

  it('parseGeoRel rejects a non-string georel (geoQ body)', () => {
    assertBadRequest(() => parseGeoRel(42), 'georel: must be a string');
  });

  it('parseGeoRel clips long client text in messages', () => {
    assert.throws(
      () => parseGeoRel('x'.repeat(10_000)),
      (error: unknown) => isProblemDetails(error) && error.detail.length < 200,
    );
  });
});
