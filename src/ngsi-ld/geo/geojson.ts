/**
 * GeoJSON geometries as NGSI-LD accepts them: the value of a GeoProperty (data-model.md §2)
 * and the reference geometry of a geo-query (NGSI-LD 4.10). RFC 7946 shapes, restricted to
 * the six types NGSI-LD allows (no GeometryCollection, pitfall 4).
 */
import type { Geometry, GeometryType } from '../model.js';
import { badRequestData } from '../problem-details.js';

export const GEOMETRY_TYPES: readonly GeometryType[] = [
  'Point',
  'MultiPoint',
  'LineString',
  'MultiLineString',
  'Polygon',
  'MultiPolygon',
];

/**
 * Upper bound on the positions of one geometry. Geometry predicates cost at least linear
 * time per evaluation, and a geo-query's reference is evaluated against every candidate
 * entity, so an unbounded geometry is a denial-of-service lever.
 */
export const MAX_POSITIONS = 100_000;

type Position = number[];

/** Tracks where we are (for messages) and how many positions were read so far. */
interface Walk {
  where: string;
  type: GeometryType;
  positions: number;
}

export function isGeometryType(value: unknown): value is GeometryType {
  return typeof value === 'string' && (GEOMETRY_TYPES as readonly string[]).includes(value);
}

/**
 * Whether a value looks like a GeoJSON geometry (type is one of the six and it has
 * `coordinates`), without validating it: used to infer a GeoProperty from concise or
 * keyValues input (data-model.md §5.4 step 3.2 / 3.4).
 */
export function isGeometryLike(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    isGeometryType((value as Record<string, unknown>)['type']) &&
    Object.hasOwn(value, 'coordinates')
  );
}

/**
 * Validate a GeoJSON geometry, given as an object or serialized as a JSON string (a
 * GeoProperty value may be either, data-model.md §2), and return a fresh copy holding only
 * `type` and `coordinates`. Throws BadRequestData naming `where` and the fault.
 */
export function parseGeometry(value: unknown, where: string): Geometry {
  const object = typeof value === 'string' ? parseJsonText(value, where) : value;
  if (typeof object !== 'object' || object === null || Array.isArray(object)) {
    throw badRequestData(`${where}: expected a GeoJSON geometry object`);
  }
  const type = (object as Record<string, unknown>)['type'];
  if (type === 'GeometryCollection') {
    throw badRequestData(`${where}: GeometryCollection is not supported by NGSI-LD`);
  }
  if (!isGeometryType(type)) {
    throw badRequestData(
      `${where}: geometry type must be one of ${GEOMETRY_TYPES.join(', ')}, got ${describe(type)}`,
    );
  }
  if (!Object.hasOwn(object, 'coordinates')) {
    throw badRequestData(`${where}: ${type} has no coordinates`);
  }
  const coordinates = (object as Record<string, unknown>)['coordinates'];
  const walk: Walk = { where, type, positions: 0 };
  return { type, coordinates: readCoordinates(coordinates, walk) };
}

function parseJsonText(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw badRequestData(`${where}: geometry string is not valid JSON`);
  }
}

function readCoordinates(coordinates: unknown, walk: Walk): Geometry['coordinates'] {
  switch (walk.type) {
    case 'Point':
      return readPosition(coordinates, walk, 'coordinates');
    case 'MultiPoint':
      return readPositions(coordinates, walk, '', 1);
    case 'LineString':
      return readPositions(coordinates, walk, '', 2);
    case 'MultiLineString':
      return readList(coordinates, walk, '', 'line', 1, (line, path) =>
        readPositions(line, walk, path, 2),
      );
    case 'Polygon':
      return readPolygon(coordinates, walk, '');
    case 'MultiPolygon':
      return readList(coordinates, walk, '', 'polygon', 1, (polygon, path) =>
        readPolygon(polygon, walk, path),
      );
  }
}

/** Polygon: at least one ring; each ring closed with at least four positions (RFC 7946 3.1.6). */
function readPolygon(value: unknown, walk: Walk, path: string): Position[][] {
  return readList(value, walk, path, 'ring', 1, (ring, ringPath) => {
    const positions = readPositions(ring, walk, ringPath, 4);
    if (!samePosition(positions[0], positions[positions.length - 1])) {
      throw badRequestData(`${walk.where}: ${walk.type}${ringPath} is not closed`);
    }
    return positions;
  });
}

/** LineString needs two positions (RFC 7946 3.1.4); MultiPoint one; a ring four. */
function readPositions(value: unknown, walk: Walk, path: string, minLength: number): Position[] {
  return readList(value, walk, path, 'position', minLength, (item, itemPath) =>
    readPosition(item, walk, itemPath),
  );
}

/** `path` is '' at the top or like ' polygon 1 ring 0'; items get `${path} ${noun} ${index}`. */
function readList<T>(
  value: unknown,
  walk: Walk,
  path: string,
  noun: string,
  minLength: number,
  readItem: (item: unknown, itemPath: string) => T,
): T[] {
  const subject = `${walk.where}: ${walk.type}${path === '' ? ' coordinates' : path}`;
  if (!Array.isArray(value)) throw badRequestData(`${subject} must be an array`);
  // Every item holds at least one position: reject before walking a huge array.
  if (value.length > MAX_POSITIONS) throw tooManyPositions(walk);
  if (value.length < minLength) {
    const plural = minLength === 1 ? noun : `${noun}s`;
    throw badRequestData(`${subject} needs at least ${minLength} ${plural}, got ${value.length}`);
  }
  const items: T[] = [];
  for (let index = 0; index < value.length; index += 1) {
    items.push(readItem(value[index], `${path} ${noun} ${index}`));
  }
  return items;
}

/** A position is [longitude, latitude] or [longitude, latitude, altitude] (RFC 7946 3.1.1). */
function readPosition(value: unknown, walk: Walk, path: string): Position {
  walk.positions += 1;
  if (walk.positions > MAX_POSITIONS) throw tooManyPositions(walk);
  const subject = `${walk.where}: ${walk.type}${path.startsWith(' ') ? path : ` ${path}`}`;
  if (!Array.isArray(value) || value.length < 2 || value.length > 3) {
    throw badRequestData(`${subject} must be a position [longitude, latitude(, altitude)]`);
  }
  const position: Position = [];
  for (const member of value as unknown[]) {
    if (typeof member !== 'number' || !Number.isFinite(member)) {
      throw badRequestData(`${subject} must hold finite numbers, got ${describe(member)}`);
    }
    position.push(member);
  }
  const [longitude = 0, latitude = 0] = position;
  if (longitude < -180 || longitude > 180) {
    throw badRequestData(`${subject}: longitude ${longitude} is outside [-180, 180]`);
  }
  if (latitude < -90 || latitude > 90) {
    throw badRequestData(`${subject}: latitude ${latitude} is outside [-90, 90]`);
  }
  return position;
}

function samePosition(a: Position | undefined, b: Position | undefined): boolean {
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  return a.every((value, index) => value === b[index]);
}

function tooManyPositions(walk: Walk) {
  return badRequestData(`${walk.where}: ${walk.type} has more than ${MAX_POSITIONS} positions`);
}

/** A short, bounded rendering of a bad value for an error message. */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (typeof value === 'number') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}
