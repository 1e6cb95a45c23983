/**
 * The simulated city: districts (polygons) and streets (lines) from the demo city's GeoJSON,
 * checked at load, and where a device of a given kind stands — on a street segment of a
 * district chosen by weight, a few metres to one side. Pure: the loader reads the files.
 */
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { Feature, Polygon, Position } from 'geojson';
import type { Random } from './seeded-random.js';
import { SimulatorError } from './simulator-error.js';

export const DISTRICT_KINDS = ['residential', 'commercial', 'industrial', 'mixed'] as const;
export type DistrictKind = (typeof DISTRICT_KINDS)[number];

export interface District {
  id: string;
  name: string;
  kind: DistrictKind;
  population: number;
  polygon: Feature<Polygon>;
}

export interface Street {
  id: string;
  name: string;
  class: string;
  coordinates: Position[];
}

export interface DemoCity {
  name: string;
  timezone: string;
  center: [number, number];
  districts: District[];
  streets: Street[];
}

/** Where a device stands. */
export interface Placement {
  location: [number, number];
  district: District;
  street: Street;
}

interface Segment {
  street: Street;
  from: Position;
  to: Position;
  lengthM: number;
}

interface SegmentList {
  list: Segment[];
  /** Running total of the lengths, to draw a point uniformly along the streets. */
  cumulative: number[];
  totalM: number;
}

export interface CityIndex {
  city: DemoCity;
  /** Street segments of each district (by the district holding the segment's midpoint). */
  segments: Map<string, SegmentList>;
  /** The same restricted to some street classes, built on first use. */
  byClasses: Map<string, SegmentList>;
}

const M_PER_DEG_LAT = 111_132;

function metresPerDegLon(lat: number): number {
  return 111_320 * Math.cos((lat * Math.PI) / 180);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPosition(value: unknown): value is Position {
  return (
    Array.isArray(value) &&
    value.length >= 2 &&
    value.every((n) => typeof n === 'number' && Number.isFinite(n)) &&
    Math.abs(value[0] as number) <= 180 &&
    Math.abs(value[1] as number) <= 90
  );
}

function features(raw: unknown, file: string): Array<Record<string, unknown>> {
  if (!isRecord(raw) || raw['type'] !== 'FeatureCollection' || !Array.isArray(raw['features']))
    throw new SimulatorError(`${file}: not a GeoJSON FeatureCollection`);
  return raw['features'].map((feature, i) => {
    if (!isRecord(feature) || !isRecord(feature['geometry']) || !isRecord(feature['properties']))
      throw new SimulatorError(`${file}: feature ${i} has no geometry or properties`);
    return feature;
  });
}

function text(properties: Record<string, unknown>, key: string, where: string): string {
  const value = properties[key];
  if (typeof value !== 'string' || value === '')
    throw new SimulatorError(`${where}: property '${key}' must be a non-empty string`);
  return value;
}

/** Checks the three files of a demo city and builds its model; throws SimulatorError. */
export function parseDemoCity(files: {
  city: unknown;
  districts: unknown;
  streets: unknown;
}): DemoCity {
  const meta = files.city;
  if (!isRecord(meta)) throw new SimulatorError('city.json: not an object');
  const name = text(meta, 'name', 'city.json');
  const timezone = text(meta, 'timezone', 'city.json');
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    throw new SimulatorError(`city.json: unknown time zone '${timezone}'`);
  }
  const center = meta['center'];
  if (!isPosition(center)) throw new SimulatorError('city.json: center must be [lon, lat]');

  const districts = features(files.districts, 'districts.geojson').map((feature, i) => {
    const where = `districts.geojson feature ${i}`;
    const properties = feature['properties'] as Record<string, unknown>;
    const geometry = feature['geometry'] as Record<string, unknown>;
    const ring = Array.isArray(geometry['coordinates']) ? geometry['coordinates'][0] : undefined;
    if (geometry['type'] !== 'Polygon' || !Array.isArray(ring) || ring.length < 4)
      throw new SimulatorError(`${where}: geometry must be a Polygon`);
    if (!ring.every(isPosition)) throw new SimulatorError(`${where}: invalid coordinates`);
    const kind = text(properties, 'kind', where);
    if (!(DISTRICT_KINDS as readonly string[]).includes(kind))
      throw new SimulatorError(`${where}: kind must be one of ${DISTRICT_KINDS.join(', ')}`);
    const population = properties['population'];
    return {
      id: text(properties, 'id', where),
      name: text(properties, 'name', where),
      kind: kind as DistrictKind,
      population: typeof population === 'number' && population >= 0 ? population : 0,
      polygon: {
        type: 'Feature',
        properties: {},
        geometry: { type: 'Polygon', coordinates: [ring] },
      } satisfies Feature<Polygon>,
    };
  });
  if (districts.length === 0) throw new SimulatorError('districts.geojson: no district');

  const streets = features(files.streets, 'streets.geojson').map((feature, i) => {
    const where = `streets.geojson feature ${i}`;
    const properties = feature['properties'] as Record<string, unknown>;
    const geometry = feature['geometry'] as Record<string, unknown>;
    const coordinates = geometry['coordinates'];
    if (
      geometry['type'] !== 'LineString' ||
      !Array.isArray(coordinates) ||
      coordinates.length < 2 ||
      !coordinates.every(isPosition)
    )
      throw new SimulatorError(`${where}: geometry must be a LineString`);
    return {
      id: text(properties, 'id', where),
      name: text(properties, 'name', where),
      class: typeof properties['class'] === 'string' ? properties['class'] : 'residential',
      coordinates,
    };
  });
  return { name, timezone, center: [center[0]!, center[1]!], districts, streets };
}

/** Distance in metres between two nearby points (equirectangular; a town is small). */
export function distanceM(a: Position, b: Position): number {
  const dx = (b[0]! - a[0]!) * metresPerDegLon((a[1]! + b[1]!) / 2);
  const dy = (b[1]! - a[1]!) * M_PER_DEG_LAT;
  return Math.hypot(dx, dy);
}

export function findDistrict(city: DemoCity, point: Position): District | undefined {
  return city.districts.find((d) => booleanPointInPolygon(point, d.polygon));
}

export function indexCity(city: DemoCity): CityIndex {
  const segments = new Map<string, SegmentList>(
    city.districts.map((d) => [d.id, { list: [], cumulative: [], totalM: 0 }]),
  );
  for (const street of city.streets) {
    for (let i = 1; i < street.coordinates.length; i++) {
      const from = street.coordinates[i - 1]!;
      const to = street.coordinates[i]!;
      const mid: Position = [(from[0]! + to[0]!) / 2, (from[1]! + to[1]!) / 2];
      const district = findDistrict(city, mid);
      if (!district) continue;
      const entry = segments.get(district.id)!;
      const lengthM = distanceM(from, to);
      entry.list.push({ street, from, to, lengthM });
      entry.totalM += lengthM;
      entry.cumulative.push(entry.totalM);
    }
  }
  return { city, segments, byClasses: new Map() };
}

function segmentsOf(index: CityIndex, districtId: string, classes?: readonly string[]) {
  const all = index.segments.get(districtId);
  if (!all || classes === undefined) return all;
  const key = `${districtId}|${classes.join(',')}`;
  let filtered = index.byClasses.get(key);
  if (!filtered) {
    filtered = { list: [], cumulative: [], totalM: 0 };
    for (const segment of all.list) {
      if (!classes.includes(segment.street.class)) continue;
      filtered.list.push(segment);
      filtered.totalM += segment.lengthM;
      filtered.cumulative.push(filtered.totalM);
    }
    index.byClasses.set(key, filtered);
  }
  return filtered;
}

/**
 * Places a device: a district drawn with probability ∝ weight(kind) × street length, then a
 * point drawn uniformly along that district's streets (of the given classes, if any), 3–8 m
 * to one side of the axis.
 */
export function placeDevice(
  index: CityIndex,
  random: Random,
  weights: Partial<Record<DistrictKind, number>>,
  streetClasses?: readonly string[],
): Placement {
  const candidates = index.city.districts
    .map((district) => {
      const streets = segmentsOf(index, district.id, streetClasses);
      const weight = (weights[district.kind] ?? 0) * (streets?.totalM ?? 0);
      return { district, streets, weight };
    })
    .filter((c) => c.weight > 0);
  if (candidates.length === 0) throw new SimulatorError('no district with streets for this kind');
  const total = candidates.reduce((sum, c) => sum + c.weight, 0);
  let draw = random.next() * total;
  let chosen = candidates[candidates.length - 1]!;
  for (const candidate of candidates) {
    draw -= candidate.weight;
    if (draw < 0) {
      chosen = candidate;
      break;
    }
  }
  const streets = chosen.streets!;
  const along = random.next() * streets.totalM;
  let lo = 0;
  let hi = streets.cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (streets.cumulative[mid]! <= along) lo = mid + 1;
    else hi = mid;
  }
  const segment = streets.list[lo]!;
  const t = random.next();
  const lat = segment.from[1]! + (segment.to[1]! - segment.from[1]!) * t;
  const lon = segment.from[0]! + (segment.to[0]! - segment.from[0]!) * t;
  // Perpendicular offset, in metres converted back to degrees; the other side (or the axis)
  // when the offset would cross a district border drawn along the street.
  const offset = (random.chance(0.5) ? 1 : -1) * random.between(3, 8);
  const ex = (segment.to[0]! - segment.from[0]!) * metresPerDegLon(lat);
  const ey = (segment.to[1]! - segment.from[1]!) * M_PER_DEG_LAT;
  const norm = Math.hypot(ex, ey) || 1;
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  const at = (side: number): [number, number] => [
    round(lon + ((-ey / norm) * side) / metresPerDegLon(lat)),
    round(lat + ((ex / norm) * side) / M_PER_DEG_LAT),
  ];
  const inside = (p: Position) => booleanPointInPolygon(p, chosen.district.polygon);
  const location = [at(offset), at(-offset), at(0)].find(inside) ?? at(0);
  const district = inside(location)
    ? chosen.district
    : (findDistrict(index.city, location) ?? chosen.district);
  return { location, district, street: segment.street };
}
