/**
 * Turns one measured (or static) value into an NGSI-LD attribute instance according to the
 * IoT Agent attribute type of its mapping (docs/ingest.md, "Attribute types"). Numbers in
 * text (UltraLight sends only text) are converted as the IoT Agents do; anything that does
 * not fit the type is refused with a reason, never written half-right.
 */
import { parseGeometry } from '../../ngsi-ld/geo/geojson.js';
import { assertJsonValue, isPlainObject } from '../../ngsi-ld/entity/json-value.js';
import { isAbsoluteUri } from '../../ngsi-ld/entity/names.js';
import { NGSI_LD_NULL, type Attribute, type JsonValue } from '../../ngsi-ld/model.js';
import { isProblemDetails } from '../../ngsi-ld/problem-details.js';
import type { ValueExpression } from '../devices/device.model.js';
import { parseMeasureTime } from './measure-time.js';
import { applyValueExpression } from './value-expression.js';

/** An attribute instance without the members the mapper adds (observedAt, unitCode, sub-attributes). */
export type ValueOutcome = { attribute: Attribute } | { refused: string };

type Converter = (raw: unknown) => ValueOutcome;

const NUMERIC_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A number, or text holding one (trimmed); undefined otherwise. */
export function numericValue(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  if (!NUMERIC_TEXT.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

const property = (value: JsonValue): ValueOutcome => ({ attribute: { type: 'Property', value } });

const toNumber: Converter = (raw) => {
  const value = numericValue(raw);
  return value === undefined ? refuse(raw, 'a number') : property(value);
};

// IoT Agents read Integer with parseInt: the fraction is cut off.
const toInteger: Converter = (raw) => {
  const value = numericValue(raw);
  return value === undefined ? refuse(raw, 'an integer') : property(Math.trunc(value) || 0);
};

const BOOLEAN_TEXT: Readonly<Record<string, boolean>> = {
  true: true,
  false: false,
  '1': true,
  '0': false,
};

const toBoolean: Converter = (raw) => {
  if (typeof raw === 'boolean') return property(raw);
  if (raw === 1 || raw === 0) return property(raw === 1);
  const value = typeof raw === 'string' ? BOOLEAN_TEXT[raw.trim().toLowerCase()] : undefined;
  return value === undefined ? refuse(raw, 'a boolean (true/false, 1/0)') : property(value);
};

const toText: Converter = (raw) => {
  if (typeof raw === 'string') return raw === NGSI_LD_NULL ? refuse(raw, 'text') : property(raw);
  if (typeof raw === 'number' || typeof raw === 'boolean') return property(String(raw));
  return refuse(raw, 'text');
};

// NGSI-LD 4.6.3: a temporal Property value is {"@type": "DateTime", "@value": ...}.
const toDateTime: Converter = (raw) => {
  const time = parseMeasureTime(raw);
  return time === undefined
    ? refuse(raw, 'an ISO 8601 date-time')
    : property({ '@type': 'DateTime', '@value': time });
};

const toGeoJson: Converter = (raw) => {
  try {
    return {
      attribute: {
        type: 'GeoProperty',
        value: parseGeometry(raw, 'value') as unknown as JsonValue,
      },
    };
  } catch (error) {
    if (isProblemDetails(error)) return { refused: error.detail };
    throw error;
  }
};

/**
 * geo:point is "latitude, longitude" (NGSI v2 order; GeoJSON wants [longitude, latitude]); a
 * GeoJSON geometry object is accepted too. Also the converter of the predefined GeoProperties
 * (`location`…) when they arrive unmapped.
 */
export const toGeoPoint: Converter = (raw) => {
  if (isPlainObject(raw)) return toGeoJson(raw);
  const parts = typeof raw === 'string' ? raw.split(',') : [];
  const lat = parts.length === 2 ? numericValue(parts[0]) : undefined;
  const lon = parts.length === 2 ? numericValue(parts[1]) : undefined;
  if (lat === undefined || lon === undefined || Math.abs(lat) > 90 || Math.abs(lon) > 180)
    return refuse(raw, "a point 'latitude, longitude'");
  return { attribute: { type: 'GeoProperty', value: { type: 'Point', coordinates: [lon, lat] } } };
};

const toRelationship: Converter = (raw) =>
  isAbsoluteUri(raw) && raw !== NGSI_LD_NULL
    ? { attribute: { type: 'Relationship', object: raw } }
    : refuse(raw, 'an absolute URI (the related entity id)');

const toStructured: Converter = (raw) => {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return refuse(raw, 'a JSON object or array');
    }
  }
  if (typeof value !== 'object' || value === null) return refuse(raw, 'a JSON object or array');
  return anyJson(value);
};

const toLanguageMap: Converter = (raw) => {
  if (!isPlainObject(raw)) return refuse(raw, 'a language map object');
  for (const [tag, text] of Object.entries(raw))
    if (!/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$|^@none$/.test(tag) || typeof text !== 'string')
      return refuse(raw, 'a language map of language tags to text');
  return { attribute: { type: 'LanguageProperty', languageMap: raw as Record<string, string> } };
};

/** Any JSON value as a Property value: the default for unmapped measures and unknown types. */
export const anyJson: Converter = (raw) => {
  if (raw === NGSI_LD_NULL) return { refused: `'${NGSI_LD_NULL}' is not a measured value` };
  try {
    return property(assertJsonValue(raw, 'value'));
  } catch (error) {
    if (isProblemDetails(error)) return { refused: error.detail };
    throw error;
  }
};

/** By lower-cased IoT Agent type; any other type keeps the value as it came (anyJson). */
const CONVERTERS: ReadonlyMap<string, Converter> = new Map([
  ['number', toNumber],
  ['float', toNumber],
  ['double', toNumber],
  ['integer', toInteger],
  ['boolean', toBoolean],
  ['text', toText],
  ['string', toText],
  ['textunrestricted', toText],
  ['datetime', toDateTime],
  ['geo:json', toGeoJson],
  ['geoproperty', toGeoJson],
  ['geo:point', toGeoPoint],
  ['point', toGeoPoint],
  ['relationship', toRelationship],
  ['structuredvalue', toStructured],
  ['object', toStructured],
  ['array', toStructured],
  ['json', toStructured],
  ['languageproperty', toLanguageMap],
]);

/** The converter of an IoT Agent attribute type (resolved once per mapping). */
export function converterFor(type: string): Converter {
  return CONVERTERS.get(type.toLowerCase()) ?? anyJson;
}

/** Numeric types keep an expression's result as a number; others convert it afterwards. */
export function withExpression(convert: Converter, expression: ValueExpression): Converter {
  return (raw) => {
    const value = numericValue(raw);
    if (value === undefined) return refuse(raw, 'a number (the mapping has an expression)');
    const result = applyValueExpression(value, expression);
    if (result === undefined)
      return { refused: `the expression gives no finite number for ${value}` };
    return convert(result);
  };
}

function refuse(raw: unknown, expected: string): ValueOutcome {
  return { refused: `expected ${expected}, got ${describeValue(raw)}` };
}

/** A short, safe rendering of a received value for rejection details. */
export function describeValue(raw: unknown): string {
  if (raw === null) return 'null';
  if (raw === undefined) return 'nothing';
  if (Array.isArray(raw)) return 'an array';
  if (typeof raw === 'object') return 'an object';
  if (typeof raw === 'string') return raw.length > 60 ? `'${raw.slice(0, 57)}...'` : `'${raw}'`;
  return String(raw);
}
