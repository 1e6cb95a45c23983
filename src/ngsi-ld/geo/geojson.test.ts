import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isProblemDetails } from '../problem-details.js';
import { isGeometryLike, MAX_POSITIONS, parseGeometry } from './geojson.js';

const square = [
  [0, 0],
  [1, 0],
  [1, 1],
  [0, 1],
  [0, 0],
];

/** Assert BadRequestData (400) whose message contains every fragment. */
function assertRejected(value: unknown, ...fragments: string[]): void {
  assert.throws(
    () => parseGeometry(value, 'location'),
    (error: unknown) => {
      assert.ok(isProblemDetails(error), 'expected a ProblemDetails');
      assert.equal(error.status, 400);
      assert.equal(error.type, 'https://uri.etsi.org/ngsi-ld/errors/BadRequestData');
      assert.ok(error.detail.startsWith('location: '), error.detail);
      for (const fragment of fragments) assert.ok(error.detail.includes(fragment), error.detail);
      return true;
    },
  );
}

describe('parseGeometry (data-model.md §2, pitfall 4)', () => {
  it('parseGeometry accepts each of the six geometry types', () => {
    const valid = [
      { type: 'Point', coordinates: [8, 40] },
      { type: 'Point', coordinates: [8, 40, 120.5] },
      {
        type: 'MultiPoint',
        coordinates: [
          [8, 40],
          [9, 41],
        ],
      },
      {
        type: 'LineString',
        coordinates: [
          [8, 40],
          [9, 41],
        ],
      },
      {
        type: 'MultiLineString',
        coordinates: [
          [
            [8, 40],
            [9, 41],
          ],
          [
            [0, 0],
            [1, 1],
            [2, 0],
          ],
        ],
      },
      { type: 'Polygon', coordinates: [square] },
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [10, 0],
            [10, 10],
            [0, 10],
            [0, 0],
          ],
          [
            [2, 2],
            [3, 2],
            [3, 3],
            [2, 3],
            [2, 2],
          ],
        ],
      },
      {
        type: 'MultiPolygon',
        coordinates: [
          [square],
          [
            [
              [5, 5],
              [6, 5],
              [6, 6],
              [5, 5],
            ],
          ],
        ],
      },
    ];
    for (const geometry of valid) assert.deepEqual(parseGeometry(geometry, 'location'), geometry);
  });

  it('parseGeometry accepts the extreme longitudes and latitudes', () => {
    const geometry = {
      type: 'LineString',
      coordinates: [
        [-180, -90],
        [180, 90],
      ],
    };
    assert.deepEqual(parseGeometry(geometry, 'location'), geometry);
  });

  it('parseGeometry accepts a geometry serialized as a JSON string (data-model.md §2)', () => {
    assert.deepEqual(parseGeometry('{"type":"Point","coordinates":[-8.5,41.2]}', 'location'), {
      type: 'Point',
      coordinates: [-8.5, 41.2],
    });
  });

  it('parseGeometry keeps only type and coordinates when other members are present', () => {
    const parsed = parseGeometry(
      { type: 'Point', coordinates: [1, 2], bbox: [1, 2, 1, 2], crs: 'x', properties: {} },
      'location',
    );
    assert.deepEqual(Object.keys(parsed).sort(), ['coordinates', 'type']);
  });

  it('parseGeometry returns a copy that does not share arrays with the input', () => {
    const input = {
      type: 'LineString',
      coordinates: [
        [0, 0],
        [1, 1],
      ],
    };
    const parsed = parseGeometry(input, 'location');
    input.coordinates[0]![0] = 99;
    assert.deepEqual(parsed.coordinates, [
      [0, 0],
      [1, 1],
    ]);
  });

  it('parseGeometry rejects GeometryCollection', () => {
    assertRejected(
      { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [0, 0] }] },
      'GeometryCollection is not supported',
    );
  });

  it('parseGeometry rejects unknown types, Features and wrong case', () => {
    assertRejected(
      { type: 'Feature', geometry: { type: 'Point', coordinates: [0, 0] } },
      'Feature',
    );
    assertRejected({ type: 'point', coordinates: [0, 0] }, 'geometry type must be one of');
    assertRejected({ type: 'Circle', coordinates: [0, 0] }, 'Circle');
    assertRejected({ coordinates: [0, 0] }, 'geometry type');
  });

  it('parseGeometry rejects values that are not objects', () => {
    for (const value of [null, undefined, 42, true, [0, 0], [{ type: 'Point' }]]) {
      assertRejected(value, 'expected a GeoJSON geometry object');
    }
  });

  it('parseGeometry rejects a string that is not JSON or not a geometry', () => {
    assertRejected('{"type":"Point",', 'not valid JSON');
    assertRejected('"Point"', 'expected a GeoJSON geometry object');
    assertRejected('', 'not valid JSON');
  });

  it('parseGeometry rejects a geometry without coordinates', () => {
    assertRejected({ type: 'Point' }, 'Point has no coordinates');
  });

  it('parseGeometry rejects coordinates nested wrongly for the type', () => {
    assertRejected(
      { type: 'Point', coordinates: [[8, 40]] },
      'Point coordinates must be a position',
    );
    assertRejected(
      { type: 'Point', coordinates: [[8], [40]] },
      'Point coordinates',
      'finite numbers',
    );
    assertRejected({ type: 'Point', coordinates: [8] }, 'must be a position');
    assertRejected({ type: 'Point', coordinates: [8, 40, 1, 2] }, 'must be a position');
    assertRejected({ type: 'LineString', coordinates: [8, 40] }, 'LineString position 0');
    assertRejected({ type: 'Polygon', coordinates: square }, 'Polygon ring 0 needs at least 4');
    assertRejected(
      { type: 'Polygon', coordinates: [[1, 2, 3, 4]] },
      'Polygon ring 0 position 0 must be',
    );
    assertRejected(
      { type: 'MultiPolygon', coordinates: [square] },
      'MultiPolygon polygon 0 ring 0',
    );
    assertRejected(
      { type: 'MultiPoint', coordinates: 'x' },
      'MultiPoint coordinates must be an array',
    );
  });

  it('parseGeometry rejects a LineString with fewer than two positions', () => {
    assertRejected({ type: 'LineString', coordinates: [[0, 0]] }, 'at least 2 positions, got 1');
    assertRejected(
      {
        type: 'MultiLineString',
        coordinates: [
          [
            [0, 0],
            [1, 1],
          ],
          [[0, 0]],
        ],
      },
      'MultiLineString line 1 needs at least 2 positions',
    );
  });

  it('parseGeometry rejects empty multi-geometries and polygons without rings', () => {
    assertRejected({ type: 'MultiPoint', coordinates: [] }, 'needs at least 1 position');
    assertRejected({ type: 'Polygon', coordinates: [] }, 'needs at least 1 ring');
    assertRejected({ type: 'MultiPolygon', coordinates: [] }, 'needs at least 1 polygon');
  });

  it('parseGeometry rejects an open Polygon ring', () => {
    const open = [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
      [0, 0.5],
    ];
    assertRejected({ type: 'Polygon', coordinates: [open] }, 'Polygon ring 0 is not closed');
    assertRejected(
      { type: 'Polygon', coordinates: [square, open] },
      'location: Polygon ring 1 is not closed',
    );
    assertRejected(
      { type: 'MultiPolygon', coordinates: [[square], [open]] },
      'MultiPolygon polygon 1 ring 0 is not closed',
    );
  });

  it('parseGeometry rejects a ring closed only in altitude-less form', () => {
    const ring = [
      [0, 0, 5],
      [1, 0],
      [1, 1],
      [0, 0],
    ];
    assertRejected({ type: 'Polygon', coordinates: [ring] }, 'is not closed');
  });

  it('parseGeometry rejects a Polygon ring with fewer than four positions', () => {
    assertRejected(
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 1],
            [0, 0],
          ],
        ],
      },
      'Polygon ring 0 needs at least 4 positions, got 3',
    );
  });

  it('parseGeometry rejects out-of-range longitudes and latitudes', () => {
    assertRejected({ type: 'Point', coordinates: [180.0001, 0] }, 'longitude 180.0001 is outside');
    assertRejected({ type: 'Point', coordinates: [-181, 0] }, 'longitude -181');
    assertRejected({ type: 'Point', coordinates: [0, 90.5] }, 'latitude 90.5 is outside [-90, 90]');
    assertRejected(
      {
        type: 'MultiPoint',
        coordinates: [
          [0, 0],
          [0, -91],
        ],
      },
      'position 1',
      'latitude',
    );
  });

  it('parseGeometry rejects NaN, Infinity, strings and nulls as numbers', () => {
    for (const bad of [NaN, Infinity, -Infinity, '8', null, true, {}, [8]]) {
      assertRejected({ type: 'Point', coordinates: [bad, 40] }, 'must hold finite numbers');
    }
    assertRejected('{"type":"Point","coordinates":["8","40"]}', 'got "8"');
  });

  it('parseGeometry rejects sparse arrays', () => {
    // eslint-disable-next-line no-sparse-arrays
    assertRejected({ type: 'Point', coordinates: [, 40] }, 'finite numbers, got undefined');
  });

  it('parseGeometry rejects more than MAX_POSITIONS positions in total', () => {
    const line = Array.from({ length: MAX_POSITIONS / 2 + 1 }, () => [0, 0]);
    assertRejected({ type: 'MultiLineString', coordinates: [line, line] }, 'more than 100000');
  });

  it('parseGeometry rejects a huge array before walking it', () => {
    // A length this large would take seconds to walk; rejection must be immediate.
    const huge = new Array<number[]>(50_000_000);
    assertRejected({ type: 'LineString', coordinates: huge }, 'more than 100000 positions');
  });

  it('parseGeometry rejects deeply nested garbage without recursing into it', () => {
    let nested: unknown = [0, 0];
    for (let i = 0; i < 10_000; i += 1) nested = [nested];
    assertRejected({ type: 'MultiPolygon', coordinates: nested }, 'needs at least 4 positions');
    const depth = 100_000;
    const text = `{"type":"Point","coordinates":${'['.repeat(depth)}0${']'.repeat(depth)}}`;
    assertRejected(text, 'location: ');
  });

  it('parseGeometry names the caller-given place in its messages', () => {
    assert.throws(
      () => parseGeometry({ type: 'Point', coordinates: [0] }, 'observationSpace'),
      /^ProblemDetails: observationSpace: Point coordinates must be a position/,
    );
  });
});

describe('isGeometryLike (data-model.md §5.4)', () => {
  it('isGeometryLike is true for an object with a geometry type and coordinates', () => {
    assert.equal(isGeometryLike({ type: 'Point', coordinates: [0, 0] }), true);
    assert.equal(isGeometryLike({ type: 'MultiPolygon', coordinates: 'not checked' }), true);
  });

  it('isGeometryLike is false for other values', () => {
    for (const value of [
      { type: 'Point' },
      { type: 'GeometryCollection', coordinates: [] },
      { type: 'Property', value: 1 },
      { type: 'Feature', coordinates: [0, 0] },
      '{"type":"Point","coordinates":[0,0]}',
      [{ type: 'Point', coordinates: [0, 0] }],
      null,
      7,
    ]) {
      assert.equal(isGeometryLike(value), false, JSON.stringify(value));
    }
  });
});
