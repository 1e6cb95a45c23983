/**
 * Distance in metres between two geometries, for `near` geo-queries (NGSI-LD 4.10: geodesic
 * distance, measured here with the Haversine formula of @turf/distance).
 *
 * Edges are straight lines in longitude/latitude, as RFC 7946 3.1.1 defines them (and as
 * the other predicates of @turf treat them). The result is always the Haversine distance
 * between a point of one geometry and a point of the other, so it never underestimates;
 * bounding-box.ts relies on that to prefilter without losing matches.
 *
 * Exact: point to point. Near-exact (the nearest point of an edge is found in a local
 * equirectangular projection around the point, then measured with Haversine; the error is
 * negligible for edges up to tens of kilometres): point to line, point to polygon (0
 * inside). Approximate: line/polygon to line/polygon, 0 when they intersect, otherwise the
 * least distance from any vertex of one to the edges of the other, which is what planar
 * geometry gives for edges that do not cross.
 */
import { booleanIntersects } from '@turf/boolean-intersects';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { distance } from '@turf/distance';
import type { Geometry } from '../model.js';
import { simpleParts, toGeoJson, type Position, type SimpleGeometry } from './geometry-parts.js';

const DEGREES_TO_RADIANS = Math.PI / 180;

/** Least distance in metres between the two geometries (0 when they touch or overlap). */
export function geometryDistance(a: Geometry, b: Geometry): number {
  const partsB = simpleParts(b);
  let best = Infinity;
  for (const partA of simpleParts(a)) {
    for (const partB of partsB) {
      best = Math.min(best, partDistance(partA, partB));
      if (best === 0) return 0;
    }
  }
  return best;
}

/** Haversine distance in metres between two positions. */
export function positionDistance(a: Position, b: Position): number {
  return distance(a, b, { units: 'meters' });
}

function partDistance(a: SimpleGeometry, b: SimpleGeometry): number {
  if (a.type === 'Point') return pointToPartDistance(a.coordinates, b);
  if (b.type === 'Point') return pointToPartDistance(b.coordinates, a);
  if (booleanIntersects(toGeoJson(a), toGeoJson(b))) return 0;
  // Disjoint edges: in the plane their nearest pair has a vertex of one of them.
  let best = Infinity;
  for (const vertex of verticesOf(a))
    best = Math.min(best, pointToPathsDistance(vertex, pathsOf(b)));
  for (const vertex of verticesOf(b))
    best = Math.min(best, pointToPathsDistance(vertex, pathsOf(a)));
  return best;
}

function pointToPartDistance(point: Position, part: SimpleGeometry): number {
  switch (part.type) {
    case 'Point':
      return positionDistance(point, part.coordinates);
    case 'LineString':
      return pointToPathsDistance(point, [part.coordinates]);
    case 'Polygon':
      // Boundary included: a point on the boundary is at distance 0.
      if (booleanPointInPolygon(point, part)) return 0;
      return pointToPathsDistance(point, part.coordinates);
  }
}

function verticesOf(part: SimpleGeometry): Position[] {
  if (part.type === 'Point') return [part.coordinates];
  return part.type === 'LineString' ? part.coordinates : part.coordinates.flat();
}

/** The edges of a line or of a polygon's rings, as position paths. */
function pathsOf(part: SimpleGeometry): Position[][] {
  if (part.type === 'Point') return [[part.coordinates]];
  return part.type === 'LineString' ? [part.coordinates] : part.coordinates;
}

function pointToPathsDistance(point: Position, paths: Position[][]): number {
  let best = Infinity;
  for (const path of paths) {
    if (path.length === 1 && path[0] !== undefined) {
      best = Math.min(best, positionDistance(point, path[0]));
    }
    for (let i = 1; i < path.length; i += 1) {
      const start = path[i - 1];
      const end = path[i];
      if (start === undefined || end === undefined) continue;
      best = Math.min(best, pointToSegmentDistance(point, start, end));
      if (best === 0) return 0;
    }
  }
  return best;
}

/**
 * Haversine distance from `point` to the nearest point of the segment [start, end], that
 * point being found in an equirectangular projection centred on `point` (x scaled by the
 * cosine of its latitude). The segment itself stays straight in longitude/latitude.
 */
export function pointToSegmentDistance(point: Position, start: Position, end: Position): number {
  const [px = 0, py = 0] = point;
  const [ax = 0, ay = 0] = start;
  const [bx = 0, by = 0] = end;
  const scale = Math.cos(py * DEGREES_TO_RADIANS);
  // Seen from the point, take the start the short way round the antimeridian.
  const startX = wrapLongitude(ax - px) * scale;
  const startY = ay - py;
  const deltaX = (bx - ax) * scale;
  const deltaY = by - ay;
  const lengthSquared = deltaX * deltaX + deltaY * deltaY;
  const t =
    lengthSquared === 0
      ? 0
      : Math.min(1, Math.max(0, -(startX * deltaX + startY * deltaY) / lengthSquared));
  return positionDistance(point, [ax + t * (bx - ax), ay + t * (by - ay)]);
}

function wrapLongitude(delta: number): number {
  if (delta > 180) return delta - 360;
  if (delta < -180) return delta + 360;
  return delta;
}
