import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Geometry } from '../model.js';
import type { GeoQuery, GeoRel } from '../query/query.types.js';
import {
  bboxesIntersect,
  geoQueryCandidateBox,
  geometryBoundingBox,
  growBox,
  type BBox,
} from './bounding-box.js';
import { parseGeometry } from './geojson.js';
import { satisfiesGeoRel } from './geo-relation.js';
import { positionsOf } from './geometry-parts.js';

const LOCATION = 'https://uri.etsi.org/ngsi-ld/location';
const EARTH_RADIUS_METRES = 6_371_008.8;
const DEG = Math.PI / 180;

const geometry = (type: string, coordinates: unknown): Geometry =>
  parseGeometry({ type, coordinates }, 'test');
const point = (lon: number, lat: number) => geometry('Point', [lon, lat]);
const ring = (lon: number, lat: number, w: number, h: number): number[][] => [
  [lon, lat],
  [lon + w, lat],
  [lon + w, lat + h],
  [lon, lat + h],
  [lon, lat],
];
const geoQuery = (georel: GeoRel, reference: Geometry): GeoQuery => ({
  georel,
  geometry: reference,
  geoproperty: LOCATION,
});

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

/** The point `metres` away from `from` along the great circle with the given bearing. */
function destination(from: number[], bearingDegrees: number, metres: number): number[] {
  const [lon = 0, lat = 0] = from;
  const angle = metres / EARTH_RADIUS_METRES;
  const bearing = bearingDegrees * DEG;
  const phi1 = lat * DEG;
  const phi2 = Math.asin(
    Math.sin(phi1) * Math.cos(angle) + Math.cos(phi1) * Math.sin(angle) * Math.cos(bearing),
  );
  const lambda2 =
    lon * DEG +
    Math.atan2(
      Math.sin(bearing) * Math.sin(angle) * Math.cos(phi1),
      Math.cos(angle) - Math.sin(phi1) * Math.sin(phi2),
    );
  const lon2 = ((((lambda2 / DEG + 180) % 360) + 360) % 360) - 180;
  return [lon2, Math.max(-90, Math.min(90, phi2 / DEG))];
}

function assertInside(box: BBox | undefined, target: Geometry, message: string): void {
  assert.ok(box !== undefined, 'expected a candidate box');
  const targetBox = geometryBoundingBox(target);
  assert.ok(
    bboxesIntersect(targetBox, box),
    `${message}: ${JSON.stringify(target.coordinates)} matches but box ${JSON.stringify(box)} excludes it`,
  );
}

describe('geometryBoundingBox', () => {
  it('geometryBoundingBox of a point is the point', () => {
    assert.deepEqual(geometryBoundingBox(point(8, 40)), [8, 40, 8, 40]);
  });

  it('geometryBoundingBox spans every position of every type', () => {
    assert.deepEqual(
      geometryBoundingBox(
        geometry('MultiPoint', [
          [1, 5],
          [-3, 2],
        ]),
      ),
      [-3, 2, 1, 5],
    );
    assert.deepEqual(
      geometryBoundingBox(
        geometry('LineString', [
          [0, 0],
          [2, -1],
          [1, 3],
        ]),
      ),
      [0, -1, 2, 3],
    );
    assert.deepEqual(
      geometryBoundingBox(
        geometry('MultiLineString', [
          [
            [0, 0],
            [1, 1],
          ],
          [
            [5, -5],
            [6, 0],
          ],
        ]),
      ),
      [0, -5, 6, 1],
    );
    assert.deepEqual(geometryBoundingBox(geometry('Polygon', [ring(1, 2, 3, 4)])), [1, 2, 4, 6]);
    assert.deepEqual(
      geometryBoundingBox(geometry('MultiPolygon', [[ring(0, 0, 1, 1)], [ring(-10, 20, 1, 1)]])),
      [-10, 0, 1, 21],
    );
  });

  it('geometryBoundingBox ignores altitude', () => {
    assert.deepEqual(geometryBoundingBox(geometry('Point', [8, 40, 500])), [8, 40, 8, 40]);
  });
});

describe('geoQueryCandidateBox', () => {
  it('geoQueryCandidateBox is undefined for disjoint and for near with only minDistance', () => {
    assert.equal(geoQueryCandidateBox(geoQuery({ op: 'disjoint' }, point(0, 0))), undefined);
    assert.equal(
      geoQueryCandidateBox(geoQuery({ op: 'near', minDistance: 5 }, point(0, 0))),
      undefined,
    );
  });

  it('geoQueryCandidateBox is about the reference box for the topological relations', () => {
    const reference = geometry('Polygon', [ring(1, 2, 3, 4)]);
    for (const op of ['within', 'contains', 'intersects', 'equals', 'overlaps'] as const) {
      const box = geoQueryCandidateBox(geoQuery({ op }, reference));
      assert.ok(box !== undefined);
      [1, 2, 4, 6].forEach((expected, i) => assert.ok(Math.abs(box[i]! - expected) < 1e-5, op));
    }
  });

  it('geoQueryCandidateBox grows the reference by maxDistance for near', () => {
    const box = geoQueryCandidateBox(
      geoQuery({ op: 'near', minDistance: 1, maxDistance: 1000 }, point(8, 45)),
    );
    assert.ok(box !== undefined);
    // 1,000 m is 0.008993° of latitude and, at 45°N, 0.012718° of longitude.
    const [minLon, minLat, maxLon, maxLat] = box;
    assert.ok(Math.abs(maxLat - 45 - 0.008993) < 1e-5, String(maxLat));
    assert.ok(Math.abs(45 - minLat - 0.008993) < 1e-5, String(minLat));
    assert.ok(Math.abs(maxLon - 8 - 0.012718) < 1e-5, String(maxLon));
    assert.ok(Math.abs(8 - minLon - 0.012718) < 1e-5, String(minLon));
  });

  it('growBox takes every longitude when the circle reaches a pole', () => {
    const north = growBox([10, 89.99, 10, 89.99], 5_000);
    assert.equal(north[0], -180);
    assert.equal(north[2], 180);
    assert.equal(north[3], 90);
    assert.ok(north[1] < 89.99 - 0.04 && north[1] > 89.9);
    const south = growBox([0, -89.5, 1, -89], 100_000);
    assert.equal(south[0], -180);
    assert.equal(south[1], -90);
    assert.equal(south[2], 180);
  });

  it('growBox takes every longitude when the circle crosses the antimeridian', () => {
    const box = growBox([179.999, 10, 179.999, 10], 1_000);
    assert.equal(box[0], -180);
    assert.equal(box[2], 180);
    assert.ok(box[1] > 9.99 && box[3] < 10.01);
  });

  it('growBox covers the whole world for a distance beyond half the circumference', () => {
    assert.deepEqual(growBox([0, 0, 0, 0], 30_000_000), [-180, -90, 180, 90]);
  });
});

describe('geoQueryCandidateBox superset property (no true match is ever excluded)', () => {
  const references: Array<[string, Geometry]> = [
    ['point at the equator', point(8, 0)],
    ['point at 45°N', point(8, 45)],
    ['point at 70°S', point(-60, -70)],
    ['point at 85°N', point(100, 85)],
    ['point by the antimeridian', point(179.95, -20)],
    [
      'line at 60°N',
      geometry('LineString', [
        [10, 60],
        [10.2, 60.1],
        [10.4, 59.95],
      ]),
    ],
    ['polygon at 50°N', geometry('Polygon', [ring(2, 50, 0.3, 0.2)])],
    [
      'multipoint',
      geometry('MultiPoint', [
        [0, 30],
        [0.5, 30.5],
      ]),
    ],
  ];
  const distances = [10, 1_000, 50_000, 1_500_000];

  it('geoQueryCandidateBox holds every point at just under maxDistance from the reference', () => {
    let matches = 0;
    for (const [name, reference] of references) {
      for (const metres of distances) {
        const box = geoQueryCandidateBox(geoQuery({ op: 'near', maxDistance: metres }, reference));
        for (const vertex of positionsOf(reference)) {
          for (let bearing = 0; bearing < 360; bearing += 7.5) {
            const target = point(
              ...(destination(vertex, bearing, metres * 0.999_999) as [number, number]),
            );
            if (!satisfiesGeoRel(target, { op: 'near', maxDistance: metres }, reference)) continue;
            matches += 1;
            assertInside(box, target, `${name}, ${metres} m, bearing ${bearing}`);
          }
        }
      }
    }
    assert.ok(matches > 1_000, `too few matches (${matches}) to mean anything`);
  });

  it('geoQueryCandidateBox holds every random matching point, line and polygon for near', () => {
    const next = random(2024);
    let matches = 0;
    for (const [name, reference] of references) {
      const [minLon, minLat, maxLon, maxLat] = geometryBoundingBox(reference);
      for (const metres of distances) {
        const rel: GeoRel = { op: 'near', maxDistance: metres };
        const box = geoQueryCandidateBox(geoQuery(rel, reference));
        const spread = (1.5 * metres) / 111_195;
        for (let i = 0; i < 60; i += 1) {
          const lat = clamp(minLat + (maxLat - minLat) * next() + (next() - 0.5) * 2 * spread, 90);
          const lonSpread = spread / Math.max(0.05, Math.cos(lat * DEG));
          const lon = wrap(minLon + (maxLon - minLon) * next() + (next() - 0.5) * 2 * lonSpread);
          const size = spread * next() * 0.3;
          const targets = [
            point(lon, lat),
            geometry('LineString', [
              [lon, lat],
              [clamp(lon + size, 180), clamp(lat - size, 90)],
            ]),
            geometry('Polygon', [squareRing(lon, lat, size)]),
          ];
          for (const target of targets) {
            if (!satisfiesGeoRel(target, rel, reference)) continue;
            matches += 1;
            assertInside(box, target, `${name}, ${metres} m`);
          }
        }
      }
    }
    assert.ok(matches > 500, `too few matches (${matches}) to mean anything`);
  });

  it('geoQueryCandidateBox holds every random match of the topological relations', () => {
    const next = random(99);
    const reference = geometry('Polygon', [ring(2, 50, 0.3, 0.2), ring(2.1, 50.05, 0.05, 0.05)]);
    const ops = ['within', 'contains', 'intersects', 'equals', 'overlaps'] as const;
    let matches = 0;
    for (let i = 0; i < 300; i += 1) {
      const lon = 1.8 + 0.7 * next();
      const lat = 49.8 + 0.6 * next();
      const size = 0.4 * next();
      const targets = [
        point(lon, lat),
        geometry('Polygon', [squareRing(lon, lat, size)]),
        geometry('LineString', [
          [lon, lat],
          [lon + size, lat + size / 2],
        ]),
      ];
      for (const target of targets) {
        for (const op of ops) {
          if (!satisfiesGeoRel(target, { op }, reference)) continue;
          matches += 1;
          assertInside(geoQueryCandidateBox(geoQuery({ op }, reference)), target, op);
        }
      }
    }
    assert.ok(matches > 100, `too few matches (${matches}) to mean anything`);
    assertInside(
      geoQueryCandidateBox(geoQuery({ op: 'equals' }, point(8, 40))),
      point(8.0000009, 40),
      'equals',
    );
  });
});

function squareRing(lon: number, lat: number, size: number): number[][] {
  const east = clamp(lon + size, 180);
  const north = clamp(lat + size, 90);
  return [
    [lon, lat],
    [east, lat],
    [east, north],
    [lon, north],
    [lon, lat],
  ];
}

function clamp(value: number, limit: number): number {
  return Math.max(-limit, Math.min(limit, value));
}

function wrap(lon: number): number {
  return ((((lon + 180) % 360) + 360) % 360) - 180;
}
