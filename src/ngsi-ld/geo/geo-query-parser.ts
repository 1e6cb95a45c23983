/**
 * Parse a geo-query (NGSI-LD 4.10, query.md §3) from the GET parameters `georel`,
 * `geometry`, `coordinates`, `geoproperty`, or from a `geoQ` object of a POST query or a
 * Subscription (there `coordinates` may be a JSON array or a string).
 */
import type { Geometry } from '../model.js';
import { badRequestData } from '../problem-details.js';
import type { GeoQuery, GeoRel } from '../query/query.types.js';
import { GEOMETRY_TYPES, isGeometryType, parseGeometry } from './geojson.js';

/** The GeoProperty a geo-query tests when `geoproperty` is absent (NGSI-LD 4.10). */
export const DEFAULT_GEOPROPERTY = 'https://uri.etsi.org/ngsi-ld/location';

const PLAIN_GEORELS = [
  'within',
  'contains',
  'intersects',
  'equals',
  'disjoint',
  'overlaps',
] as const;
type PlainGeoRel = (typeof PLAIN_GEORELS)[number];

/** A positive decimal number, optionally with an exponent: no hex, no signs, no blanks. */
const POSITIVE_NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export interface GeoQueryInput {
  georel?: string;
  geometry?: string;
  coordinates?: unknown;
  geoproperty?: string;
}

/**
 * Build a GeoQuery, or return undefined when no geo-query was asked for (`geoproperty`
 * alone is ignored). `georel`, `geometry` and `coordinates` go together: one without the
 * others is BadRequestData, as are an unknown georel or geometry and bad coordinates.
 * `expand` turns the `geoproperty` term into an IRI with the request's @context.
 */
export function parseGeoQuery(
  input: GeoQueryInput,
  expand: (term: string) => string,
): GeoQuery | undefined {
  const { georel, geometry, coordinates, geoproperty } = input;
  if (georel === undefined && geometry === undefined && coordinates === undefined) {
    return undefined;
  }
  const missing = [
    georel === undefined ? 'georel' : undefined,
    geometry === undefined ? 'geometry' : undefined,
    coordinates === undefined ? 'coordinates' : undefined,
  ].filter((name) => name !== undefined);
  if (missing.length > 0) {
    throw badRequestData(
      `geo-query: georel, geometry and coordinates go together; missing ${missing.join(', ')}`,
    );
  }
  return {
    georel: parseGeoRel(georel),
    geometry: parseReferenceGeometry(geometry, coordinates),
    geoproperty: parseGeoproperty(geoproperty, expand),
  };
}

/**
 * `near;maxDistance==N`, `near;minDistance==N` (metres, > 0), or a plain relation. Like
 * Orion-LD, `near` also takes both distances at once (`near;minDistance==a;maxDistance==b`).
 */
export function parseGeoRel(text: unknown): GeoRel {
  if (typeof text !== 'string') throw badRequestData('georel: must be a string');
  const [op = '', ...modifiers] = text.split(';').map((part) => part.trim());
  if (op === 'near') return parseNear(text, modifiers);
  if (isPlainGeoRel(op)) {
    if (modifiers.length > 0) {
      throw badRequestData(`georel: '${op}' takes no modifiers, got '${clip(text)}'`);
    }
    return { op };
  }
  throw badRequestData(
    `georel: unknown relation '${clip(op)}'; expected near, ${PLAIN_GEORELS.join(', ')}`,
  );
}

function parseNear(text: string, modifiers: string[]): GeoRel {
  const rel: { op: 'near'; maxDistance?: number; minDistance?: number } = { op: 'near' };
  for (const modifier of modifiers) {
    const [name, value, ...rest] = modifier.split('==');
    if (name !== 'maxDistance' && name !== 'minDistance') {
      throw badRequestData(
        `georel: near expects maxDistance==N or minDistance==N, got '${clip(modifier)}'`,
      );
    }
    if (rel[name] !== undefined) throw badRequestData(`georel: ${name} is given twice`);
    if (value === undefined || rest.length > 0 || !POSITIVE_NUMBER.test(value)) {
      throw badRequestData(`georel: ${name} must be a positive number of metres`);
    }
    const metres = Number(value);
    if (!(metres > 0) || !Number.isFinite(metres)) {
      throw badRequestData(`georel: ${name} must be a positive number of metres, got ${value}`);
    }
    rel[name] = metres;
  }
  if (rel.maxDistance === undefined && rel.minDistance === undefined) {
    throw badRequestData(
      `georel: near needs maxDistance==N or minDistance==N, got '${clip(text)}'`,
    );
  }
  if (
    rel.maxDistance !== undefined &&
    rel.minDistance !== undefined &&
    rel.minDistance > rel.maxDistance
  ) {
    throw badRequestData('georel: minDistance is greater than maxDistance; nothing can match');
  }
  return rel;
}

/**
 * `coordinates` is the GeoJSON coordinates array, as text (GET, already URL-decoded) or as
 * JSON (a geoQ object); the geometry built from it must be valid GeoJSON (query.md §3).
 */
function parseReferenceGeometry(geometry: unknown, coordinates: unknown): Geometry {
  if (geometry === 'GeometryCollection') {
    throw badRequestData('geometry: GeometryCollection is not supported by NGSI-LD');
  }
  if (!isGeometryType(geometry)) {
    throw badRequestData(`geometry: must be one of ${GEOMETRY_TYPES.join(', ')}`);
  }
  const array = typeof coordinates === 'string' ? parseCoordinatesText(coordinates) : coordinates;
  if (!Array.isArray(array)) {
    throw badRequestData('coordinates: must be a JSON array such as [8,40]');
  }
  return parseGeometry({ type: geometry, coordinates: array }, 'coordinates');
}

function parseCoordinatesText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw badRequestData(`coordinates: '${clip(text)}' is not a JSON array such as [8,40]`);
  }
}

function parseGeoproperty(geoproperty: unknown, expand: (term: string) => string): string {
  if (geoproperty === undefined) return DEFAULT_GEOPROPERTY;
  if (typeof geoproperty !== 'string' || geoproperty.trim() === '') {
    throw badRequestData('geoproperty: must be a non-empty attribute name');
  }
  return expand(geoproperty.trim());
}

function isPlainGeoRel(op: string): op is PlainGeoRel {
  return (PLAIN_GEORELS as readonly string[]).includes(op);
}

/** Echo at most 60 characters of client text in a message. */
function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
