/**
 * A GeoJSON FeatureCollection (RFC 7946) as an ImportSource. The file is loaded whole, up to
 * a size limit, since a FeatureCollection is one JSON value; a feature that is not a Feature
 * is refused on its own, and geometries are checked by the mapper.
 */
import { readFile, stat } from 'node:fs/promises';
import { MAX_VALUE_DEPTH } from '../../ngsi-ld/entity/json-value.js';
import { badRequestData } from '../../ngsi-ld/problem-details.js';
import type { EntityMapping } from './import-mapping.model.js';
import type { ImportSource, SourceRecord } from './import.types.js';
import { referencedFields } from './record.mapper.js';

/** The field that holds a feature's own `id` member (properties keep their names). */
export const FEATURE_ID_FIELD = '$id';

export async function openGeoJsonFile(
  path: string,
  name: string,
  mapping: EntityMapping,
  maxBytes: number,
): Promise<ImportSource> {
  const { size } = await stat(path);
  if (size > maxBytes) {
    throw badRequestData(
      `${name} is ${size} bytes, more than the limit of ${maxBytes} (raise it with --max-file-size)`,
    );
  }
  return geoJsonSource(await readFile(path), name, mapping);
}

export function geoJsonSource(
  bytes: Uint8Array,
  name: string,
  mapping: EntityMapping,
): ImportSource {
  const features = readFeatures(bytes, name);
  const fields = new Set<string>([FEATURE_ID_FIELD]);
  // With no feature there is nothing to check the mapping against.
  if (features.length === 0) for (const [field] of referencedFields(mapping)) fields.add(field);
  for (const feature of features) {
    if (isRecord(feature) && isRecord(feature['properties'])) {
      for (const key of Object.keys(feature['properties'])) fields.add(key);
    }
  }
  let done = 0;
  return {
    name,
    mapping,
    fields: [...fields],
    rejectColumns: ['feature'],
    position: () => ({ done, total: features.length }),
    async *records(): AsyncGenerator<SourceRecord> {
      for (const [index, feature] of features.entries()) {
        done = index + 1;
        yield toRecord(feature, index + 1);
      }
    },
    close: async () => undefined,
  };
}

function readFeatures(bytes: Uint8Array, name: string): unknown[] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw badRequestData(`${name} is not valid UTF-8 (RFC 7946 GeoJSON is UTF-8)`);
  }
  if (text.trim() === '') throw badRequestData(`${name} is empty`);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw badRequestData(`${name} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isRecord(document) || document['type'] !== 'FeatureCollection') {
    throw badRequestData(`${name} must be a GeoJSON FeatureCollection`);
  }
  const features = document['features'];
  if (!Array.isArray(features)) {
    throw badRequestData(`${name}: the FeatureCollection has no "features" array`);
  }
  return features;
}

function toRecord(feature: unknown, number: number): SourceRecord {
  const at = `feature ${number}`;
  if (nestedDeeperThan(feature, MAX_FEATURE_DEPTH)) {
    // JSON.stringify (the rejects file, the request body) recurses: keep such a feature out.
    return {
      at,
      fields: {},
      raw: [''],
      problem: `is nested deeper than ${MAX_FEATURE_DEPTH} levels`,
    };
  }
  // Serialised only when the feature is rejected: a large geometry is costly to write.
  let raw: string[] | undefined;
  const record = (fields: Record<string, unknown>, extra: Partial<SourceRecord>): SourceRecord => ({
    at,
    fields,
    get raw() {
      raw ??= [JSON.stringify(feature) ?? ''];
      return raw;
    },
    ...extra,
  });
  if (!isRecord(feature) || feature['type'] !== 'Feature') {
    return record({}, { problem: 'is not a GeoJSON Feature' });
  }
  const properties = feature['properties'] ?? {};
  if (!isRecord(properties)) {
    return record({}, { problem: '"properties" must be an object or null' });
  }
  const fields: Record<string, unknown> = { ...properties };
  const id = feature['id'];
  if (typeof id === 'string' || typeof id === 'number') fields[FEATURE_ID_FIELD] = id;
  return record(fields, { geometry: feature['geometry'] });
}

/**
 * A feature holds its properties' values (Civis accepts MAX_VALUE_DEPTH levels) two levels
 * down, and its geometry's positions at most four.
 */
const MAX_FEATURE_DEPTH = MAX_VALUE_DEPTH + 2;

/** Iterative, so that a hostile nesting cannot overflow the stack here. */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [current, depth] = next;
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= limit) return true;
    for (const member of Object.values(current)) {
      if (typeof member === 'object' && member !== null) pending.push([member, depth + 1]);
    }
  }
  return false;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
