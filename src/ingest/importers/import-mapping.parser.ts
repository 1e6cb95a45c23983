/**
 * Validates a mapping file (docs/importers.md "Mapping files") and lists every problem at
 * once, each with its path (`attributes[2].type: …`), so a user fixes the file in one go.
 */
import {
  isAbsoluteUri,
  isValidAttributeName,
  isValidTypeName,
} from '../../ngsi-ld/entity/names.js';
import { assertJsonValue } from '../../ngsi-ld/entity/json-value.js';
import { parseGeometry } from '../../ngsi-ld/geo/geojson.js';
import { badRequestData, isProblemDetails } from '../../ngsi-ld/problem-details.js';
import {
  MAPPED_KINDS,
  VALUE_TYPES,
  type AttributeMapping,
  type EntityMapping,
  type GtfsMapping,
  type LocationMapping,
  type MappedKind,
  type Template,
  type ValueSource,
  type ValueType,
} from './import-mapping.model.js';
import {
  describeRaw,
  isRecord,
  optionalBoolean,
  optionalString,
  Problems,
  unknownKeys,
  type Raw,
} from './import-mapping.problems.js';
import { readSkipRules } from './import-mapping.skip-rules.js';
import { hasAdjacentPlaceholders, parseTemplate } from './import-template.js';

const ENTITY_KEYS = [
  'type',
  'id',
  '@context',
  'decimalSeparator',
  'location',
  'attributes',
  'skip',
  'description',
];
const ATTRIBUTE_KEYS = [
  'name',
  'kind',
  'column',
  'property',
  'template',
  'value',
  'type',
  'unitCode',
  'required',
  'optionalColumn',
  'array',
];
const UNIT_CODE = /^[A-Za-z0-9]{1,8}$/;
const GTFS_FILE = /^[a-z_]+\.txt$/;
const ADJACENT =
  'placeholders need text between them, like {a}:{b}: with {a}{b}, ("1", "23") and ("12", "3") would give the same id';

/** An entity mapping (csv, geojson), or a 400 listing every problem. */
export function parseEntityMapping(raw: unknown, where: string): EntityMapping {
  const problems = new Problems();
  const mapping = readEntityMapping(raw, '', problems);
  return mapping && problems.list.length === 0 ? mapping : fail(where, problems);
}

/** A GTFS mapping: `{ "files": { "stops.txt": <entity mapping>, … } }`. */
export function parseGtfsMapping(raw: unknown, where: string): GtfsMapping {
  const problems = new Problems();
  const files: GtfsMapping['files'] = [];
  if (!isRecord(raw)) {
    problems.add('', 'a GTFS mapping must be a JSON object with "files"');
  } else {
    unknownKeys(raw, ['files', '@context', 'description'], '', problems);
    const shared = optionalString(raw, '@context', '', problems);
    if (!isRecord(raw['files']) || Object.keys(raw['files']).length === 0) {
      problems.add('files', 'must be an object naming at least one feed file, like "stops.txt"');
    } else {
      for (const [file, value] of Object.entries(raw['files'])) {
        if (!GTFS_FILE.test(file)) {
          problems.add(`files.${file}`, 'must name a feed file like "stops.txt"');
          continue;
        }
        const mapping = readEntityMapping(value, `files.${file}`, problems);
        if (mapping) files.push({ file, mapping: withContext(mapping, shared) });
      }
    }
  }
  return problems.list.length === 0 ? { files } : fail(where, problems);
}

function withContext(mapping: EntityMapping, shared: string | undefined): EntityMapping {
  return mapping.context === undefined && shared !== undefined
    ? { ...mapping, context: shared }
    : mapping;
}

function fail(where: string, problems: Problems): never {
  throw badRequestData(
    `Invalid mapping ${where}:\n${problems.list.map((problem) => `  - ${problem}`).join('\n')}`,
  );
}

function readEntityMapping(
  raw: unknown,
  path: string,
  problems: Problems,
): EntityMapping | undefined {
  if (!isRecord(raw)) return problems.add(path, 'a mapping must be a JSON object');
  const at = (key: string) => (path === '' ? key : `${path}.${key}`);
  unknownKeys(raw, ENTITY_KEYS, path, problems);
  const type = raw['type'];
  if (!isValidTypeName(type)) {
    problems.add(at('type'), 'must be an entity type name like "ParkingSpot" or an IRI');
  }
  const id = readIdTemplate(raw['id'], at('id'), problems);
  const context = optionalString(raw, '@context', path, problems);
  if (context !== undefined && !/^https?:\/\//.test(context)) {
    problems.add(at('@context'), 'must be an http(s) URL');
  }
  const decimalSeparator = raw['decimalSeparator'] ?? '.';
  if (decimalSeparator !== '.' && decimalSeparator !== ',') {
    problems.add(at('decimalSeparator'), 'must be "." or ","');
  }
  const location = readLocation(raw['location'], at('location'), problems);
  const attributes = readAttributes(raw['attributes'], at('attributes'), problems);
  if (location && attributes.some((attribute) => attribute.name === 'location')) {
    problems.add(at('attributes'), '"location" is mapped twice (by "location" and an attribute)');
  }
  const skip = readSkipRules(raw['skip'], at('skip'), problems);
  if (typeof type !== 'string' || !id || (decimalSeparator !== '.' && decimalSeparator !== ',')) {
    return undefined;
  }
  return {
    type,
    id,
    ...(context === undefined ? {} : { context }),
    decimalSeparator,
    ...(location ? { location } : {}),
    attributes,
    skip,
  };
}

function readIdTemplate(raw: unknown, path: string, problems: Problems): Template | undefined {
  if (typeof raw !== 'string' || raw === '') {
    return problems.add(path, 'must be an id template like "urn:ngsi-ld:ParkingSpot:{code}"');
  }
  const template = parseTemplate(raw);
  if ('problem' in template) return problems.add(path, template.problem);
  if (hasAdjacentPlaceholders(template)) return problems.add(path, ADJACENT);
  if (template.fields.length === 0) {
    return problems.add(
      path,
      'needs at least one {column} placeholder, or every record would update the same entity',
    );
  }
  const first = template.parts[0];
  if (!first || !('literal' in first) || !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(first.literal)) {
    return problems.add(path, 'must start with a URI scheme, like "urn:ngsi-ld:…"');
  }
  return template;
}

function readLocation(raw: unknown, path: string, problems: Problems): LocationMapping | undefined {
  if (raw === undefined) return undefined;
  if (raw === 'geometry') return { from: 'geometry', required: false };
  if (!isRecord(raw)) {
    return problems.add(
      path,
      'must be "geometry" or an object {"latitude": column, "longitude": column}',
    );
  }
  unknownKeys(raw, ['latitude', 'longitude', 'geometry', 'required'], path, problems);
  const required = optionalBoolean(raw, 'required', path, problems) ?? false;
  if (raw['geometry'] === true) return { from: 'geometry', required };
  const latitude = raw['latitude'];
  const longitude = raw['longitude'];
  if (typeof latitude !== 'string' || latitude === '') {
    problems.add(`${path}.latitude`, 'must name the latitude column');
  }
  if (typeof longitude !== 'string' || longitude === '') {
    problems.add(`${path}.longitude`, 'must name the longitude column');
  }
  if (typeof latitude !== 'string' || typeof longitude !== 'string') return undefined;
  return { from: 'coordinates', latitude, longitude, required };
}

function readAttributes(raw: unknown, path: string, problems: Problems): AttributeMapping[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) return problems.add(path, 'must be an array') ?? [];
  const attributes: AttributeMapping[] = [];
  const names = new Set<string>();
  raw.forEach((item, index) => {
    const attribute = readAttribute(item, `${path}[${index}]`, problems);
    if (!attribute) return;
    if (names.has(attribute.name)) {
      problems.add(`${path}[${index}].name`, `'${attribute.name}' is mapped twice`);
    }
    names.add(attribute.name);
    attributes.push(attribute);
  });
  return attributes;
}

function readAttribute(
  raw: unknown,
  path: string,
  problems: Problems,
): AttributeMapping | undefined {
  if (!isRecord(raw)) return problems.add(path, 'must be an object');
  unknownKeys(raw, ATTRIBUTE_KEYS, path, problems);
  const name = raw['name'];
  if (!isValidAttributeName(name)) {
    problems.add(`${path}.name`, `${describeRaw(name)} is not a valid attribute name`);
  }
  const kind = (raw['kind'] ?? 'Property') as MappedKind;
  if (!MAPPED_KINDS.includes(kind)) {
    problems.add(`${path}.kind`, `must be one of ${MAPPED_KINDS.join(', ')}`);
  }
  const type = (raw['type'] ?? (kind === 'GeoProperty' ? 'json' : 'text')) as ValueType;
  if (!VALUE_TYPES.includes(type)) {
    problems.add(`${path}.type`, `must be one of ${VALUE_TYPES.join(', ')}`);
  }
  const unitCode = optionalString(raw, 'unitCode', path, problems);
  if (unitCode !== undefined && !UNIT_CODE.test(unitCode)) {
    problems.add(`${path}.unitCode`, 'must be a UN/CEFACT code like "CEL" or "C62"');
  }
  if (unitCode !== undefined && kind !== 'Property') {
    problems.add(`${path}.unitCode`, 'only a Property has a unit');
  }
  const required = optionalBoolean(raw, 'required', path, problems) ?? false;
  const optionalField = optionalBoolean(raw, 'optionalColumn', path, problems) ?? false;
  const array = optionalBoolean(raw, 'array', path, problems) ?? false;
  if (array && kind !== 'Relationship') {
    problems.add(
      `${path}.array`,
      'only a Relationship takes it (a JSON array value: "type": "json")',
    );
  }
  const source = readValueSource(raw, path, kind, problems);
  if (!source || typeof name !== 'string' || !isValidAttributeName(name)) return undefined;
  return {
    name,
    kind,
    source,
    type,
    ...(unitCode === undefined ? {} : { unitCode }),
    required,
    optionalField,
    array,
  };
}

function readValueSource(
  raw: Raw,
  path: string,
  kind: MappedKind,
  problems: Problems,
): ValueSource | undefined {
  const given = ['column', 'property', 'template', 'value'].filter((key) => raw[key] !== undefined);
  if (given.length !== 1) {
    return problems.add(path, 'needs exactly one of "column" (or "property"), "template", "value"');
  }
  const key = given[0] as string;
  const value = raw[key];
  if (key === 'value') {
    const problem = constantProblem(value, kind);
    return problem ? problems.add(`${path}.value`, problem) : { from: 'constant', value };
  }
  if (typeof value !== 'string' || value.trim() === '') {
    return problems.add(`${path}.${key}`, 'must be a non-empty string');
  }
  if (key !== 'template') return { from: 'field', field: value.trim() };
  const template = parseTemplate(value);
  if ('problem' in template) return problems.add(`${path}.template`, template.problem);
  if (kind === 'Relationship' && hasAdjacentPlaceholders(template)) {
    return problems.add(`${path}.template`, ADJACENT);
  }
  return { from: 'template', template };
}

function constantProblem(value: unknown, kind: MappedKind): string | undefined {
  if (value === null) return 'null is not a value (leave the attribute out instead)';
  if (kind === 'Relationship' && !isAbsoluteUri(value)) return 'must be an absolute URI';
  try {
    // The same on every entity: what Civis would refuse (a null member, a runaway nesting)
    // is refused here, once.
    if (kind === 'GeoProperty') parseGeometry(value, 'value');
    else assertJsonValue(value, 'value');
  } catch (error) {
    if (isProblemDetails(error)) return error.detail;
    throw error;
  }
  return undefined;
}
