import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { distance } from '@turf/distance';
import { pointToLineDistance } from '@turf/point-to-line-distance';
import type { Geometry } from '../model.js';
import { geometryDistance, pointToSegmentDistance } from './geo-distance.js';
import { parseGeometry } from './geojson.js';

const geometry = (type: string, coordinates: unknown): Geometry =>
  parseGeometry({ type, coordinates }, 'test');
const point = (lon: number, lat: number) => geometry('Point', [lon, lat]);
const square = (lon: number, lat: number, size: number): number[][] => [
  [lon, lat],
  [lon + size, lat],
  [lon + size, lat + size],
  [lon, lat + size],
  [lon, lat],
];

/** One degree of a great circle with @turf's mean Earth radius (6371008.8 m). */
const METRES_PER_DEGREE = (6_371_008.8 * Math.PI) / 180;

function assertClose(actual: number, expected: number, tolerance: number): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${actual} is not within ${tolerance} of ${expected}`,
  );
}

/** A small deterministic PRNG (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('geometryDistance (NGSI-LD 4.10 near: geodesic metres)', () => {
  it('geometryDistance is about 111.2 km between points one degree of latitude apart', () => {
    assertClose(geometryDistance(point(0, 0), point(0, 1)), 111_195, 1);
    assertClose(geometryDistance(point(8, 40), point(8, 41)), METRES_PER_DEGREE, 0.01);
  });

  it('geometryDistance shrinks a degree of longitude by the cosine of the latitude', () => {
    // Along a parallel at 60°N, one degree of longitude is about half a degree of arc.
    assertClose(geometryDistance(point(0, 60), point(1, 60)), 55_597, 10);
  });

  it('geometryDistance is 0 between equal points', () => {
    assert.equal(geometryDistance(point(8, 40), point(8, 40)), 0);
  });

  it('geometryDistance measures across the antimeridian the short way', () => {
    assertClose(geometryDistance(point(179.9, 0), point(-179.9, 0)), 0.2 * METRES_PER_DEGREE, 0.5);
  });

  it('geometryDistance from a point to a line is the distance to its nearest point', () => {
    const line = geometry('LineString', [
      [0, 0],
      [2, 0],
    ]);
    assertClose(geometryDistance(point(1, 1), line), METRES_PER_DEGREE, 1);
    // Beyond the end: distance to the end vertex.
    assertClose(geometryDistance(point(3, 0), line), METRES_PER_DEGREE, 0.01);
  });

  it('geometryDistance is symmetric for a point and a line', () => {
    const line = geometry('LineString', [
      [8, 40],
      [8.01, 40.02],
      [8.03, 40.02],
    ]);
    const p = point(8.02, 40.01);
    assert.equal(geometryDistance(p, line), geometryDistance(line, p));
  });

  it('geometryDistance from a point to a polygon is 0 inside and on the boundary', () => {
    const polygon = geometry('Polygon', [square(0, 0, 1)]);
    assert.equal(geometryDistance(point(0.5, 0.5), polygon), 0);
    assert.equal(geometryDistance(point(1, 0.5), polygon), 0);
  });

  it('geometryDistance from a point outside a polygon is the distance to its boundary', () => {
    const polygon = geometry('Polygon', [square(0, 0, 1)]);
    assertClose(geometryDistance(point(0.5, 2), polygon), METRES_PER_DEGREE, 1);
  });

  it('geometryDistance from a point in a polygon hole is the distance to the hole ring', () => {
    const polygon = geometry('Polygon', [square(0, 0, 10), square(4, 4, 2)]);
    // The hole's sides at longitude 4 and 6 are nearest: one degree of longitude at 5°N.
    const expected = METRES_PER_DEGREE * Math.cos((5 * Math.PI) / 180);
    assertClose(geometryDistance(point(5, 5), polygon), expected, 1);
  });

  it('geometryDistance takes the nearest part of a multi-geometry', () => {
    const multi = geometry('MultiPoint', [
      [0, 5],
      [0, 1],
      [0, 9],
    ]);
    assertClose(geometryDistance(point(0, 0), multi), METRES_PER_DEGREE, 0.01);
    const lines = geometry('MultiLineString', [
      [
        [10, 10],
        [11, 11],
      ],
      [
        [0, 2],
        [1, 2],
      ],
    ]);
    assertClose(geometryDistance(point(0.5, 0), lines), 2 * METRES_PER_DEGREE, 2);
  });

  it('geometryDistance is 0 between a line and a polygon it crosses', () => {
    const polygon = geometry('Polygon', [square(0, 0, 1)]);
    const line = geometry('LineString', [
      [-1, 0.5],
      [2, 0.5],
    ]);
    assert.equal(geometryDistance(line, polygon), 0);
  });

  it('geometryDistance between disjoint polygons is the gap between their edges', () => {
    const a = geometry('Polygon', [square(0, 0, 1)]);
    const b = geometry('Polygon', [square(2, 0, 1)]);
    // Nearest at the top corners (latitude 1): one degree of longitude there.
    assertClose(geometryDistance(a, b), METRES_PER_DEGREE * Math.cos(Math.PI / 180), 1);
  });

  it('geometryDistance between a line and a polygon around it is 0', () => {
    const polygon = geometry('Polygon', [square(0, 0, 10)]);
    const line = geometry('LineString', [
      [2, 2],
      [3, 3],
    ]);
    assert.equal(geometryDistance(line, polygon), 0);
  });
});

/** A point and a segment of up to ~20 km somewhere between 70°S and 70°N. */
function randomCase(next: () => number) {
  const lat = -70 + 140 * next();
  const lon = -170 + 340 * next();
  const start = [lon, lat];
  const end = [lon + (next() - 0.5) * 0.2, lat + (next() - 0.5) * 0.2];
  const p = [lon + (next() - 0.5) * 0.3, lat + (next() - 0.5) * 0.3];
  return { p, start, end };
}

describe('pointToSegmentDistance', () => {
  it('pointToSegmentDistance finds the nearest point of a city-scale segment', () => {
    const next = random(42);
    for (let i = 0; i < 100; i += 1) {
      const { p, start, end } = randomCase(next);
      // Reference: the least Haversine distance over 10,001 points of the segment.
      let sampled = Infinity;
      for (let k = 0; k <= 10_000; k += 1) {
        const t = k / 10_000;
        const q = [start[0]! + t * (end[0]! - start[0]!), start[1]! + t * (end[1]! - start[1]!)];
        sampled = Math.min(sampled, distance(p, q, { units: 'meters' }));
      }
      const ours = pointToSegmentDistance(p, start, end);
      // It measures to a point of the segment, so never much below the sampled minimum
      // (sampling error only); and the local projection puts that point within millimetres.
      assert.ok(ours >= sampled - 0.01, `${ours} < ${sampled}`);
      assert.ok(ours <= sampled + Math.max(0.05, sampled * 1e-5), `${ours} > ${sampled}`);
    }
  });

  it('pointToSegmentDistance agrees with @turf/point-to-line-distance to a few metres', () => {
    const next = random(7);
    for (let i = 0; i < 300; i += 1) {
      const { p, start, end } = randomCase(next);
      const ours = pointToSegmentDistance(p, start, end);
      const turf = pointToLineDistance(
        p,
        { type: 'LineString', coordinates: [start, end] },
        { units: 'meters' },
      );
      // @turf follows the great circle, we the straight lon/lat edge of RFC 7946: over
      // segments of ~20 km they part by a few metres at most.
      assertClose(ours, turf, Math.max(10, turf * 2e-3));
    }
  });

  it('pointToSegmentDistance handles a zero-length segment', () => {
    assertClose(pointToSegmentDistance([0, 1], [0, 0], [0, 0]), METRES_PER_DEGREE, 0.01);
  });

  it('pointToSegmentDistance finds a segment next to the antimeridian from the other side', () => {
    assertClose(
      pointToSegmentDistance([-179.95, 0], [179.5, 0], [179.9, 0]),
      0.15 * METRES_PER_DEGREE,
      0.5,
    );
  });
});
