import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Geometry } from '../model.js';
import type { GeoRel } from '../query/query.types.js';
import { parseGeometry } from './geojson.js';
import {
  geometryContains,
  geometriesEqual,
  geometriesOverlap,
  satisfiesGeoRel,
} from './geo-relation.js';

const geometry = (type: string, coordinates: unknown): Geometry =>
  parseGeometry({ type, coordinates }, 'test');
const point = (lon: number, lat: number) => geometry('Point', [lon, lat]);
const ring = (lon: number, lat: number, size: number): number[][] => [
  [lon, lat],
  [lon + size, lat],
  [lon + size, lat + size],
  [lon, lat + size],
  [lon, lat],
];
const square = (lon: number, lat: number, size: number) =>
  geometry('Polygon', [ring(lon, lat, size)]);

const unit = square(0, 0, 1);
const big = square(-1, -1, 4);
const far = square(10, 10, 1);
const shifted = square(0.5, 0.5, 1);

const holds = (target: Geometry, rel: GeoRel, reference: Geometry) =>
  satisfiesGeoRel(target, rel, reference);

describe('satisfiesGeoRel (NGSI-LD 4.10, OGC Simple Features)', () => {
  it('satisfiesGeoRel within: the target lies inside the reference', () => {
    const within: GeoRel = { op: 'within' };
    assert.equal(holds(point(0.5, 0.5), within, unit), true);
    assert.equal(holds(unit, within, big), true);
    assert.equal(
      holds(
        geometry('LineString', [
          [0.1, 0.1],
          [0.9, 0.9],
        ]),
        within,
        unit,
      ),
      true,
    );
    assert.equal(
      holds(
        geometry('MultiPoint', [
          [0.2, 0.2],
          [0.8, 0.8],
        ]),
        within,
        unit,
      ),
      true,
    );
    assert.equal(holds(point(2, 2), within, unit), false);
    assert.equal(holds(big, within, unit), false);
    assert.equal(holds(shifted, within, unit), false);
  });

  it('satisfiesGeoRel within: a point on the reference boundary is not within it (OGC)', () => {
    assert.equal(holds(point(1, 0.5), { op: 'within' }, unit), false);
  });

  it('satisfiesGeoRel within: a polygon is never within a point or a line', () => {
    assert.equal(holds(unit, { op: 'within' }, point(0.5, 0.5)), false);
    assert.equal(
      holds(
        unit,
        { op: 'within' },
        geometry('LineString', [
          [0, 0],
          [1, 1],
        ]),
      ),
      false,
    );
  });

  it('satisfiesGeoRel within: a point on a multi-line reference', () => {
    const lines = geometry('MultiLineString', [
      [
        [0, 0],
        [2, 0],
      ],
      [
        [5, 5],
        [6, 6],
      ],
    ]);
    assert.equal(holds(point(1, 0), { op: 'within' }, lines), true);
    assert.equal(holds(point(1, 1), { op: 'within' }, lines), false);
  });

  it('satisfiesGeoRel contains: the target contains the reference', () => {
    const contains: GeoRel = { op: 'contains' };
    assert.equal(holds(big, contains, unit), true);
    assert.equal(holds(unit, contains, point(0.5, 0.5)), true);
    assert.equal(holds(unit, contains, big), false);
    assert.equal(holds(point(0.5, 0.5), contains, unit), false);
    const multi = geometry('MultiPolygon', [[ring(0, 0, 1)], [ring(5, 5, 1)]]);
    assert.equal(holds(multi, contains, point(5.5, 5.5)), true);
    assert.equal(
      holds(
        multi,
        contains,
        geometry('MultiPoint', [
          [0.5, 0.5],
          [5.5, 5.5],
        ]),
      ),
      true,
    );
  });

  it('satisfiesGeoRel contains: type pairs @turf lacks are decided part by part', () => {
    const lines = geometry('MultiLineString', [
      [
        [0, 0],
        [2, 0],
      ],
      [
        [5, 5],
        [6, 6],
      ],
    ]);
    assert.equal(
      holds(
        lines,
        { op: 'contains' },
        geometry('LineString', [
          [0.5, 0],
          [1.5, 0],
        ]),
      ),
      true,
    );
    assert.equal(holds(unit, { op: 'contains' }, lines), false);
    const inside = geometry('MultiLineString', [
      [
        [0.1, 0.1],
        [0.2, 0.2],
      ],
      [
        [0.5, 0.5],
        [0.6, 0.7],
      ],
    ]);
    assert.equal(holds(unit, { op: 'contains' }, inside), true);
    assert.equal(holds(inside, { op: 'within' }, unit), true);
  });

  it('satisfiesGeoRel intersects: any point in common, boundaries included', () => {
    const intersects: GeoRel = { op: 'intersects' };
    assert.equal(holds(shifted, intersects, unit), true);
    assert.equal(holds(point(1, 0.5), intersects, unit), true);
    assert.equal(
      holds(
        geometry('LineString', [
          [-1, 0.5],
          [2, 0.5],
        ]),
        intersects,
        unit,
      ),
      true,
    );
    assert.equal(holds(square(1, 0, 1), intersects, unit), true);
    assert.equal(holds(far, intersects, unit), false);
    assert.equal(holds(point(2, 2), intersects, unit), false);
  });

  it('satisfiesGeoRel intersects: multi-geometries intersect when one part does', () => {
    const multi = geometry('MultiPoint', [
      [20, 20],
      [0.5, 0.5],
    ]);
    assert.equal(holds(multi, { op: 'intersects' }, unit), true);
  });

  it('satisfiesGeoRel disjoint: no point in common', () => {
    const disjoint: GeoRel = { op: 'disjoint' };
    assert.equal(holds(far, disjoint, unit), true);
    assert.equal(holds(point(2, 2), disjoint, unit), true);
    assert.equal(holds(shifted, disjoint, unit), false);
    assert.equal(holds(point(1, 1), disjoint, unit), false);
    // A polygon in another's hole is disjoint from it.
    const donut = geometry('Polygon', [ring(0, 0, 10), ring(4, 4, 2)]);
    assert.equal(holds(square(4.5, 4.5, 1), disjoint, donut), true);
  });

  it('satisfiesGeoRel equals: the same point set', () => {
    const equals: GeoRel = { op: 'equals' };
    assert.equal(holds(point(8, 40), equals, point(8, 40)), true);
    assert.equal(holds(point(8, 40), equals, point(8, 40.001)), false);
    assert.equal(holds(unit, equals, square(0, 0, 1)), true);
    assert.equal(holds(unit, equals, shifted), false);
    assert.equal(holds(point(0, 0), equals, geometry('MultiPoint', [[0, 0]])), true);
  });

  it('satisfiesGeoRel equals: tolerates 1e-6 degree differences (@turf/boolean-equal)', () => {
    assert.equal(holds(point(8, 40), { op: 'equals' }, point(8.0000004, 40)), true);
    assert.equal(holds(point(8, 40), { op: 'equals' }, point(8.000002, 40)), false);
  });

  it('geometriesEqual ignores where a ring starts and the multi/single wrapping', () => {
    const rotated = geometry('Polygon', [
      [
        [1, 0],
        [1, 1],
        [0, 1],
        [0, 0],
        [1, 0],
      ],
    ]);
    assert.equal(geometriesEqual(rotated, unit), true);
    const multi = geometry('MultiPolygon', [[ring(0, 0, 1)]]);
    assert.equal(geometriesEqual(multi, unit), true);
    const line = geometry('LineString', [
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
    assert.equal(
      geometriesEqual(
        line,
        geometry('LineString', [
          [0, 0],
          [2, 2],
        ]),
      ),
      true,
    );
    assert.equal(
      geometriesEqual(
        line,
        geometry('LineString', [
          [0, 0],
          [1, 1],
        ]),
      ),
      false,
    );
  });

  it('geometriesEqual does not throw on a degenerate ring (all vertices on one line)', () => {
    const flat = geometry('MultiPolygon', [
      [
        [
          [0, 0],
          [1, 0],
          [2, 0],
          [0, 0],
        ],
      ],
    ]);
    assert.equal(geometriesEqual(flat, flat), true);
    assert.equal(geometriesEqual(flat, unit), false);
  });

  it('satisfiesGeoRel overlaps: same dimension, partly shared, neither containing the other', () => {
    const overlaps: GeoRel = { op: 'overlaps' };
    assert.equal(holds(shifted, overlaps, unit), true);
    assert.equal(holds(unit, overlaps, big), false);
    assert.equal(holds(big, overlaps, unit), false);
    assert.equal(holds(far, overlaps, unit), false);
    assert.equal(holds(unit, overlaps, unit), false);
    assert.equal(holds(point(0.5, 0.5), overlaps, unit), false);
    assert.equal(
      holds(
        geometry('LineString', [
          [-1, 0.5],
          [2, 0.5],
        ]),
        overlaps,
        unit,
      ),
      false,
    );
  });

  it('geometriesOverlap: lines sharing a stretch overlap, crossing lines do not', () => {
    const a = geometry('LineString', [
      [0, 0],
      [2, 0],
    ]);
    assert.equal(
      geometriesOverlap(
        a,
        geometry('LineString', [
          [1, 0],
          [3, 0],
        ]),
      ),
      true,
    );
    assert.equal(
      geometriesOverlap(
        a,
        geometry('LineString', [
          [1, -1],
          [1, 1],
        ]),
      ),
      false,
    );
  });

  it('geometriesOverlap: point sets overlap when each has a point the other lacks', () => {
    const ab = geometry('MultiPoint', [
      [0, 0],
      [1, 1],
    ]);
    assert.equal(
      geometriesOverlap(
        ab,
        geometry('MultiPoint', [
          [1, 1],
          [2, 2],
        ]),
      ),
      true,
    );
    assert.equal(geometriesOverlap(ab, geometry('MultiPoint', [[1, 1]])), false);
    assert.equal(geometriesOverlap(ab, point(1, 1)), false);
    assert.equal(
      geometriesOverlap(
        ab,
        geometry('MultiPoint', [
          [5, 5],
          [6, 6],
        ]),
      ),
      false,
    );
  });

  it('satisfiesGeoRel near;maxDistance: the target within d metres of the reference', () => {
    // One degree of latitude is about 111,195 m.
    assert.equal(holds(point(0, 1), { op: 'near', maxDistance: 111_200 }, point(0, 0)), true);
    assert.equal(holds(point(0, 1), { op: 'near', maxDistance: 111_000 }, point(0, 0)), false);
    assert.equal(holds(point(0.5, 0.5), { op: 'near', maxDistance: 1 }, unit), true);
    assert.equal(holds(unit, { op: 'near', maxDistance: 1 }, point(0.5, 0.5)), true);
  });

  it('satisfiesGeoRel near;minDistance: the target at least d metres away', () => {
    assert.equal(holds(point(0, 1), { op: 'near', minDistance: 111_000 }, point(0, 0)), true);
    assert.equal(holds(point(0, 1), { op: 'near', minDistance: 111_200 }, point(0, 0)), false);
    assert.equal(holds(point(0.5, 0.5), { op: 'near', minDistance: 1 }, unit), false);
  });

  it('satisfiesGeoRel near with both distances keeps a ring between them', () => {
    const rel: GeoRel = { op: 'near', minDistance: 100_000, maxDistance: 120_000 };
    assert.equal(holds(point(0, 1), rel, point(0, 0)), true);
    assert.equal(holds(point(0, 0.5), rel, point(0, 0)), false);
    assert.equal(holds(point(0, 2), rel, point(0, 0)), false);
  });

  it('satisfiesGeoRel near measures to the nearest point of a line reference', () => {
    const road = geometry('LineString', [
      [8, 40],
      [8.1, 40],
    ]);
    // 0.01 degree of latitude north of the middle of the road: about 1,112 m.
    assert.equal(holds(point(8.05, 40.01), { op: 'near', maxDistance: 1_120 }, road), true);
    assert.equal(holds(point(8.05, 40.01), { op: 'near', maxDistance: 1_100 }, road), false);
  });

  it('geometryContains: a geometry contains itself (OGC)', () => {
    for (const g of [
      point(1, 1),
      unit,
      geometry('LineString', [
        [0, 0],
        [1, 1],
      ]),
    ]) {
      assert.equal(geometryContains(g, g), true);
    }
  });
});
