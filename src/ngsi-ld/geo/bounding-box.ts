/**
 * Bounding boxes for storage prefilters (R*Tree in SQLite, bbox columns in PostgreSQL):
 * a geo-query's candidate box is one that the bounding box of every matching target
 * intersects, so an index can skip everything else before the exact test of geo-query.ts.
 * It is a superset by construction: it may let through entities that do not match, never
 * hold back one that does.
 */
import type { Geometry } from '../model.js';
import type { GeoQuery } from '../query/query.types.js';
import { positionsOf } from './geometry-parts.js';

/** [minLongitude, minLatitude, maxLongitude, maxLatitude], in degrees (RFC 7946 5). */
export type BBox = [minLon: number, minLat: number, maxLon: number, maxLat: number];

/** @turf/distance's mean Earth radius, so boxes agree with the Haversine distances of `near`. */
const EARTH_RADIUS_METRES = 6_371_008.8;
const RADIANS_TO_DEGREES = 180 / Math.PI;
/**
 * Slack in degrees (about 0.2 m) for float rounding and for the 1e-6 degree tolerance of
 * @turf/boolean-equal, so that a geometry equal within tolerance is not cut off.
 */
const SLACK_DEGREES = 2e-6;

/**
 * The smallest box holding every position of the geometry. Edges are straight in
 * longitude/latitude (RFC 7946 3.1.1), so the box holds the whole geometry.
 */
export function geometryBoundingBox(geometry: Geometry): BBox {
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  for (const [lon = 0, lat = 0] of positionsOf(geometry)) {
    if (lon < minLon) minLon = lon;
    if (lon > maxLon) maxLon = lon;
    if (lat < minLat) minLat = lat;
    if (lat > maxLat) maxLat = lat;
  }
  return [minLon, minLat, maxLon, maxLat];
}

/**
 * A box that every target matching `geoQ` has its bounding box intersecting, or undefined
 * when no box narrows the search (`disjoint`, `near` with only `minDistance`).
 */
export function geoQueryCandidateBox(geoQ: GeoQuery): BBox | undefined {
  const { georel } = geoQ;
  const box = geometryBoundingBox(geoQ.geometry);
  switch (georel.op) {
    case 'disjoint':
      return undefined;
    case 'near':
      return georel.maxDistance === undefined ? undefined : growBox(box, georel.maxDistance);
    // A target within, containing, intersecting, equal to or overlapping the reference
    // shares at least one point with it, and that point is in both boxes.
    case 'within':
    case 'contains':
    case 'intersects':
    case 'equals':
    case 'overlaps':
      return padBox(box, SLACK_DEGREES);
  }
}

export function bboxesIntersect(a: BBox, b: BBox): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

/**
 * The box holding every point within `metres` (Haversine) of some point of `box`. On a
 * sphere, a circle of angular radius r around latitude φ spans φ ± r in latitude and
 * asin(sin r / cos φ) either side in longitude, widest at the box's most poleward latitude;
 * when it reaches a pole every longitude is in reach, and when it crosses the antimeridian
 * the box takes every longitude (a box cannot wrap).
 */
export function growBox(box: BBox, metres: number): BBox {
  const radius = metres / EARTH_RADIUS_METRES;
  const latitudeReach = radius * RADIANS_TO_DEGREES + SLACK_DEGREES;
  const minLat = box[1] - latitudeReach;
  const maxLat = box[3] + latitudeReach;
  if (minLat <= -90 || maxLat >= 90) {
    return [-180, Math.max(-90, minLat), 180, Math.min(90, maxLat)];
  }
  const poleward = Math.max(Math.abs(box[1]), Math.abs(box[3])) / RADIANS_TO_DEGREES;
  const ratio = Math.min(1, Math.sin(radius) / Math.cos(poleward));
  const longitudeReach = Math.asin(ratio) * RADIANS_TO_DEGREES + SLACK_DEGREES;
  const minLon = box[0] - longitudeReach;
  const maxLon = box[2] + longitudeReach;
  if (minLon < -180 || maxLon > 180) return [-180, minLat, 180, maxLat];
  return [minLon, minLat, maxLon, maxLat];
}

function padBox(box: BBox, degrees: number): BBox {
  return [
    Math.max(-180, box[0] - degrees),
    Math.max(-90, box[1] - degrees),
    Math.min(180, box[2] + degrees),
    Math.min(90, box[3] + degrees),
  ];
}
