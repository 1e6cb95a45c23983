/**
 * Applies an entity mapping to one source record: the NGSI-LD entity (normalized form), a
 * skip, or a rejection that says every problem of the record. Pure: no I/O.
 */
import { isAbsoluteUri } from '../../ngsi-ld/entity/names.js';
import { parseGeometry } from '../../ngsi-ld/geo/geojson.js';
import { isProblemDetails } from '../../ngsi-ld/problem-details.js';
import { compileRegex } from '../../ngsi-ld/query/regex-cache.js';
import type {
  AttributeMapping,
  EntityMapping,
  LocationMapping,
  SkipRule,
} from './import-mapping.model.js';
import { renderTemplate } from './import-template.js';
import { convertValue, isEmptyValue, quote, type ValueResult } from './import-value.js';
import type { NormalizedEntity, SourceRecord } from './import.types.js';

export type MappingOutcome =
  | { outcome: 'entity'; entity: NormalizedEntity }
  | { outcome: 'skipped' }
  | { outcome: 'rejected'; reason: string };

/** Fields a mapping reads, and whether the file may lack them. */
export function referencedFields(mapping: EntityMapping): Map<string, boolean> {
  const fields = new Map<string, boolean>();
  const note = (field: string, optional: boolean) =>
    fields.set(field, (fields.get(field) ?? true) && optional);
  for (const field of mapping.id.fields) note(field, false);
  if (mapping.location?.from === 'coordinates') {
    note(mapping.location.latitude, false);
    note(mapping.location.longitude, false);
  }
  for (const attribute of mapping.attributes) {
    const source = attribute.source;
    if (source.from === 'field') note(source.field, attribute.optionalField);
    if (source.from === 'template') {
      for (const field of source.template.fields) note(field, attribute.optionalField);
    }
  }
  for (const rule of mapping.skip) note(rule.field, false);
  return fields;
}

/** Mapped fields that a file without `available` could never fill (checked before sending). */
export function missingFields(mapping: EntityMapping, available: readonly string[]): string[] {
  const present = new Set(available);
  return [...referencedFields(mapping)]
    .filter(([field, optional]) => !optional && !present.has(field))
    .map(([field]) => field);
}

export function createRecordMapper(
  mapping: EntityMapping,
): (record: SourceRecord) => MappingOutcome {
  const skip = mapping.skip.map(compileSkipRule);
  return (record) => {
    if (record.problem !== undefined) return { outcome: 'rejected', reason: record.problem };
    const text = (field: string) => textOf(fieldOf(record, field));
    if (skip.some((matches) => matches(text))) return { outcome: 'skipped' };
    const problems: string[] = [];
    const id = renderTemplate(mapping.id, text, true);
    if ('emptyField' in id) problems.push(`id: column '${id.emptyField}' is empty`);
    else if ('invalidField' in id) problems.push(`id: ${notUnicode(id.invalidField)}`);
    else if (!isAbsoluteUri(id.value)) problems.push(`id: ${quote(id.value)} is not a URI`);
    const entity: NormalizedEntity = { id: 'value' in id ? id.value : '', type: mapping.type };
    if (mapping.location) {
      const location = readLocation(mapping.location, record, problems);
      if (location !== undefined) entity['location'] = { type: 'GeoProperty', value: location };
    }
    for (const attribute of mapping.attributes) {
      const value = readAttribute(attribute, record, mapping, problems);
      if (value !== undefined) entity[attribute.name] = value;
    }
    return problems.length > 0
      ? { outcome: 'rejected', reason: problems.join('; ') }
      : { outcome: 'entity', entity };
  };
}

function readAttribute(
  attribute: AttributeMapping,
  record: SourceRecord,
  mapping: EntityMapping,
  problems: string[],
): Record<string, unknown> | undefined {
  const { source, name } = attribute;
  if (source.from === 'constant') return attributeOf(attribute, source.value);
  let raw: unknown;
  let origin: string;
  if (source.from === 'field') {
    raw = fieldOf(record, source.field);
    origin = `column '${source.field}'`;
  } else {
    const rendered = renderTemplate(
      source.template,
      (field) => textOf(fieldOf(record, field)),
      attribute.kind === 'Relationship',
    );
    if ('invalidField' in rendered) {
      problems.push(`${name}: ${notUnicode(rendered.invalidField)}`);
      return undefined;
    }
    raw = 'value' in rendered ? rendered.value : undefined;
    origin = 'value' in rendered ? 'template' : `column '${rendered.emptyField}'`;
  }
  if (isEmptyValue(raw)) {
    if (attribute.required) problems.push(`${name}: ${origin} is empty`);
    return undefined;
  }
  const result = readKind(attribute, raw, mapping);
  if (!result.ok) {
    problems.push(`${name} (${origin}): ${result.reason}`);
    return undefined;
  }
  return attributeOf(attribute, result.value);
}

function readKind(attribute: AttributeMapping, raw: unknown, mapping: EntityMapping): ValueResult {
  if (attribute.kind === 'Relationship') {
    const object = typeof raw === 'string' ? raw.trim() : raw;
    return isAbsoluteUri(object)
      ? { ok: true, value: object }
      : { ok: false, reason: `${quote(raw)} is not an absolute URI` };
  }
  if (attribute.kind === 'GeoProperty') return readGeometry(raw);
  return convertValue(raw, attribute.type, mapping);
}

function attributeOf(attribute: AttributeMapping, value: unknown): Record<string, unknown> {
  if (attribute.kind === 'Relationship') {
    return { type: 'Relationship', object: attribute.array ? [value] : value };
  }
  if (attribute.kind === 'GeoProperty') return { type: 'GeoProperty', value };
  return {
    type: 'Property',
    value,
    ...(attribute.unitCode === undefined ? {} : { unitCode: attribute.unitCode }),
  };
}

function readLocation(
  location: LocationMapping,
  record: SourceRecord,
  problems: string[],
): unknown {
  if (location.from === 'geometry') {
    if (record.geometry === null || record.geometry === undefined) {
      if (location.required) problems.push('location: the feature has no geometry');
      return undefined;
    }
    const geometry = readGeometry(record.geometry);
    if (!geometry.ok) problems.push(`location: ${geometry.reason}`);
    return geometry.ok ? geometry.value : undefined;
  }
  const latitudeRaw = fieldOf(record, location.latitude);
  const longitudeRaw = fieldOf(record, location.longitude);
  if (isEmptyValue(latitudeRaw) && isEmptyValue(longitudeRaw)) {
    if (location.required) {
      problems.push(
        `location: columns '${location.latitude}' and '${location.longitude}' are empty`,
      );
    }
    return undefined;
  }
  const latitude = coordinate(latitudeRaw, location.latitude, 90, problems);
  const longitude = coordinate(longitudeRaw, location.longitude, 180, problems);
  return latitude === undefined || longitude === undefined
    ? undefined
    : { type: 'Point', coordinates: [longitude, latitude] };
}

function coordinate(raw: unknown, column: string, limit: number, problems: string[]) {
  // Coordinates use '.' whatever the mapping's decimal separator: ',' in "3,5" is ambiguous.
  const result = convertValue(typeof raw === 'string' ? raw.replace(',', '.') : raw, 'number', {
    decimalSeparator: '.',
  });
  if (!result.ok || typeof result.value !== 'number') {
    problems.push(`location (column '${column}'): ${result.ok ? 'is empty' : result.reason}`);
    return undefined;
  }
  if (Math.abs(result.value) > limit) {
    problems.push(
      `location (column '${column}'): ${result.value} is outside [-${limit}, ${limit}]`,
    );
    return undefined;
  }
  return result.value;
}

function readGeometry(raw: unknown): ValueResult {
  try {
    return { ok: true, value: parseGeometry(raw, 'geometry') };
  } catch (error) {
    if (isProblemDetails(error)) return { ok: false, reason: error.detail };
    throw error;
  }
}

function compileSkipRule(rule: SkipRule): (text: (field: string) => string | undefined) => boolean {
  const { test, field } = rule;
  if ('equals' in test) return (text) => (text(field) ?? '') === test.equals;
  if ('in' in test) return (text) => test.in.includes(text(field) ?? '');
  if ('empty' in test) return (text) => (text(field) ?? '').trim() === '';
  const pattern = compileRegex(test.matches, '', (reason) => `skip: ${reason}`);
  return (text) => pattern.test(text(field) ?? '');
}

/** Own fields only: a column named `constructor` or `toString` is data, not Object's member. */
function fieldOf(record: SourceRecord, field: string): unknown {
  return Object.hasOwn(record.fields, field) ? record.fields[field] : undefined;
}

function notUnicode(field: string): string {
  return `column '${field}' holds an unpaired UTF-16 surrogate, which no URI can hold`;
}

/** A field as text for templates and skip rules: JSON values other than text are serialised. */
function textOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
