/**
 * The geo-query relations between a target geometry (an entity's GeoProperty) and the
 * reference geometry of the query, with OGC Simple Features semantics (NGSI-LD 4.10).
 * Predicates are planar in longitude/latitude (RFC 7946 edges), computed with @turf/*;
 * `near` uses geodesic distances (geo-distance.ts).
 *
 * Where @turf does not support a pair of types, the geometries are split into single
 * parts; see each function for the approximation that implies.
 */
import { booleanContains } from '@turf/boolean-contains';
import { booleanEqual } from '@turf/boolean-equal';
import { booleanIntersects } from '@turf/boolean-intersects';
import { booleanOverlap } from '@turf/boolean-overlap';
import type { Geometry, GeometryType } from '../model.js';
import type { GeoRel } from '../query/query.types.js';
import { geometryDistance } from './geo-distance.js';
import {
  dimensionOf,
  positionsOf,
  simpleParts,
  toGeoJson,
  type Position,
} from './geometry-parts.js';

/** Type pairs @turf/boolean-contains implements (container → contained); it throws on others. */
const TURF_CONTAINS: Record<GeometryType, readonly GeometryType[]> = {
  Point: ['Point'],
  MultiPoint: ['Point', 'MultiPoint'],
  LineString: ['Point', 'MultiPoint', 'LineString'],
  MultiLineString: [],
  Polygon: ['Point', 'MultiPoint', 'LineString', 'Polygon', 'MultiPolygon'],
  MultiPolygon: ['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon'],
};

/** Whether `target` stands in relation `georel` to `reference` (NGSI-LD 4.10). */
export function satisfiesGeoRel(target: Geometry, georel: GeoRel, reference: Geometry): boolean {
  switch (georel.op) {
    case 'near': {
      const metres = geometryDistance(target, reference);
      return (
        (georel.maxDistance === undefined || metres <= georel.maxDistance) &&
        (georel.minDistance === undefined || metres >= georel.minDistance)
      );
    }
    case 'within':
      return geometryContains(reference, target);
    case 'contains':
      return geometryContains(target, reference);
    case 'intersects':
      return geometriesIntersect(target, reference);
    case 'disjoint':
      return !geometriesIntersect(target, reference);
    case 'equals':
      return geometriesEqual(target, reference);
    case 'overlaps':
      return geometriesOverlap(target, reference);
  }
}

/**
 * OGC Contains: no point of `b` outside `a`, and some interior point in common. A geometry
 * never contains one of higher dimension. Type pairs @turf lacks are decided part by part:
 * every part of `b` inside some part of `a`, which is stricter than OGC only when a part
 * of `b` straddles two parts of `a` or lies wholly on `a`'s boundary.
 */
export function geometryContains(a: Geometry, b: Geometry): boolean {
  if (dimensionOf(b.type) > dimensionOf(a.type)) return false;
  if (TURF_CONTAINS[a.type].includes(b.type)) {
    return booleanContains(toGeoJson(a), toGeoJson(b));
  }
  const partsA = simpleParts(a);
  return simpleParts(b).every((partB) =>
    partsA.some(
      (partA) =>
        dimensionOf(partB.type) <= dimensionOf(partA.type) &&
        booleanContains(toGeoJson(partA), toGeoJson(partB)),
    ),
  );
}

/** OGC Intersects: at least one point in common (boundaries included). */
export function geometriesIntersect(a: Geometry, b: Geometry): boolean {
  return booleanIntersects(toGeoJson(a), toGeoJson(b));
}

/**
 * OGC Equals: the same point set. Coordinates equal to 1e-6 degrees (@turf/boolean-equal,
 * same type, redundant vertices ignored), or each geometry within the other (so that a
 * Polygon equals the one-part MultiPolygon with the same ring).
 */
export function geometriesEqual(a: Geometry, b: Geometry): boolean {
  if (sameCoordinates(a, b)) return true;
  return (
    dimensionOf(a.type) === dimensionOf(b.type) && geometryContains(a, b) && geometryContains(b, a)
  );
}

function sameCoordinates(a: Geometry, b: Geometry): boolean {
  try {
    return booleanEqual(toGeoJson(a), toGeoJson(b));
  } catch {
    // @turf/boolean-equal drops redundant vertices first and throws when a degenerate ring
    // (all vertices on one line) is left with fewer than four; mutual containment decides.
    return false;
  }
}

/**
 * OGC Overlaps: same dimension, interiors intersect in that dimension, neither contains
 * the other. Polygons use @turf/boolean-overlap, which looks for crossing edges; the
 * approximation: two polygons that only touch along their boundaries count as overlapping.
 */
export function geometriesOverlap(a: Geometry, b: Geometry): boolean {
  const dimension = dimensionOf(a.type);
  if (dimension !== dimensionOf(b.type)) return false;
  if (dimension === 0) return pointSetsOverlap(a, b);
  if (geometryContains(a, b) || geometryContains(b, a)) return false;
  // @turf/boolean-overlap only sees a whole segment lying on another, not two segments
  // sharing part of their length, so lines get their own test.
  if (dimension === 1) return linesShareStretch(a, b);
  return booleanOverlap(toGeoJson(a), toGeoJson(b));
}

/** Whether some segment of `a` and some segment of `b` share a stretch of positive length. */
function linesShareStretch(a: Geometry, b: Geometry): boolean {
  const segmentsB = segmentsOf(b);
  return segmentsOf(a).some(([p, q]) => segmentsB.some(([r, s]) => collinearOverlap(p, q, r, s)));
}

function segmentsOf(geometry: Geometry): Array<[Position, Position]> {
  const segments: Array<[Position, Position]> = [];
  for (const part of simpleParts(geometry)) {
    if (part.type !== 'LineString') continue;
    for (let i = 1; i < part.coordinates.length; i += 1) {
      const start = part.coordinates[i - 1];
      const end = part.coordinates[i];
      if (start !== undefined && end !== undefined) segments.push([start, end]);
    }
  }
  return segments;
}

/** Planar test: r and s on the line through p and q, and [r, s] ∩ [p, q] longer than 0. */
function collinearOverlap(p: Position, q: Position, r: Position, s: Position): boolean {
  const [px = 0, py = 0] = p;
  const dx = (q[0] ?? 0) - px;
  const dy = (q[1] ?? 0) - py;
  const lengthSquared = dx * dx + dy * dy;
  if (lengthSquared === 0) return false;
  const offset = (point: Position) => ((point[0] ?? 0) - px) * dy - ((point[1] ?? 0) - py) * dx;
  // Collinear up to float rounding, relative to the segment's length.
  const tolerance = 1e-12 * lengthSquared;
  if (Math.abs(offset(r)) > tolerance || Math.abs(offset(s)) > tolerance) return false;
  const along = (point: Position) => ((point[0] ?? 0) - px) * dx + ((point[1] ?? 0) - py) * dy;
  const low = Math.max(0, Math.min(along(r), along(s)));
  const high = Math.min(lengthSquared, Math.max(along(r), along(s)));
  return high > low;
}

/** Point sets overlap when they share a point and each has a point the other lacks. */
function pointSetsOverlap(a: Geometry, b: Geometry): boolean {
  const key = (position: number[]) => `${position[0]},${position[1]}`;
  const keysA = new Set(positionsOf(a).map(key));
  const keysB = new Set(positionsOf(b).map(key));
  const shared = [...keysA].some((k) => keysB.has(k));
  const extraA = [...keysA].some((k) => !keysB.has(k));
  const extraB = [...keysB].some((k) => !keysA.has(k));
  return shared && extraA && extraB;
}
