/**
 * Typed views of a validated Geometry: its single-part pieces, its positions and its
 * dimension. Callers pass geometries that went through parseGeometry, so the coordinates'
 * nesting matches the type and the casts below are safe.
 */
import type { Geometry as GeoJsonGeometry } from 'geojson';
import type { Geometry, GeometryType } from '../model.js';

export type Position = number[];

/** A single-part geometry: a Multi* geometry splits into these. */
export type SimpleGeometry =
  | { type: 'Point'; coordinates: Position }
  | { type: 'LineString'; coordinates: Position[] }
  | { type: 'Polygon'; coordinates: Position[][] };

/** OGC topological dimension: 0 for points, 1 for lines, 2 for polygons. */
export function dimensionOf(type: GeometryType): 0 | 1 | 2 {
  if (type === 'Point' || type === 'MultiPoint') return 0;
  if (type === 'LineString' || type === 'MultiLineString') return 1;
  return 2;
}

export function simpleParts(geometry: Geometry): SimpleGeometry[] {
  const coordinates = geometry.coordinates as unknown;
  switch (geometry.type) {
    case 'Point':
      return [{ type: 'Point', coordinates: coordinates as Position }];
    case 'MultiPoint':
      return (coordinates as Position[]).map((c) => ({ type: 'Point', coordinates: c }));
    case 'LineString':
      return [{ type: 'LineString', coordinates: coordinates as Position[] }];
    case 'MultiLineString':
      return (coordinates as Position[][]).map((c) => ({ type: 'LineString', coordinates: c }));
    case 'Polygon':
      return [{ type: 'Polygon', coordinates: coordinates as Position[][] }];
    case 'MultiPolygon':
      return (coordinates as Position[][][]).map((c) => ({ type: 'Polygon', coordinates: c }));
  }
}

/** Every position of the geometry, in order (ring closing positions included). */
export function positionsOf(geometry: Geometry): Position[] {
  const coordinates = geometry.coordinates as unknown;
  switch (geometry.type) {
    case 'Point':
      return [coordinates as Position];
    case 'MultiPoint':
    case 'LineString':
      return coordinates as Position[];
    case 'MultiLineString':
    case 'Polygon':
      return (coordinates as Position[][]).flat();
    case 'MultiPolygon':
      return (coordinates as Position[][][]).flat(2);
  }
}

/** The same object seen through the GeoJSON typings that @turf/* expects. */
export function toGeoJson(geometry: Geometry | SimpleGeometry): GeoJsonGeometry {
  return geometry as unknown as GeoJsonGeometry;
}
