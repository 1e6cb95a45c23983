/**
 * Syntax rules for names, identifiers and DateTimes (NGSI-LD 4.6, data-model.md §7,
 * errors.md §6). Every failure is a 400 BadRequestData that says where it happened.
 */
import { badRequestData } from '../problem-details.js';

/** `name = unicodeLetter *(unicodeLetter / unicodeNumber / "_")`, optionally `prefix:name`. */
const SHORT_NAME = /^\p{L}[\p{L}\p{N}_]*(:\p{L}[\p{L}\p{N}_]*)?$/u;

/** Absolute URI: a scheme, a colon, then something without spaces or control characters. */
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s\p{Cc}]+$/u;

/** UTC DateTime with a trailing Z and 1–6 fraction digits (`,` accepted on input). */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([.,]\d{1,6})?Z$/;

/**
 * Core-context terms that are members of entities or attributes, never attributes
 * themselves (data-model.md §7), so they cannot be used as attribute names.
 */
export const RESERVED_ATTRIBUTE_NAMES: ReadonlySet<string> = new Set([
  'id',
  'type',
  'scope',
  '@context',
  '@id',
  '@type',
  'value',
  'object',
  'objectList',
  'valueList',
  'languageMap',
  'vocab',
  'json',
  'datasetId',
  'instanceId',
  'createdAt',
  'modifiedAt',
  'deletedAt',
  'observedAt',
  'expiresAt',
  'unitCode',
  'valueType',
  'objectType',
  'lang',
  'previousValue',
  'previousObject',
  'previousObjectList',
  'previousValueList',
  'previousLanguageMap',
  'previousVocab',
  'previousJson',
]);

export function isAbsoluteUri(value: unknown): value is string {
  return typeof value === 'string' && ABSOLUTE_URI.test(value);
}

/** An entity type name: a short name, `prefix:name`, or an absolute URI. */
export function isValidTypeName(name: unknown): name is string {
  return typeof name === 'string' && (SHORT_NAME.test(name) || ABSOLUTE_URI.test(name));
}

/** An attribute name: like a type name, but not one of the reserved core members. */
export function isValidAttributeName(name: unknown): name is string {
  return isValidTypeName(name) && !RESERVED_ATTRIBUTE_NAMES.has(name);
}

/** Throws unless `name` may name an attribute; the message tells why. */
export function assertAttributeName(name: string, where: string): void {
  if (RESERVED_ATTRIBUTE_NAMES.has(name)) {
    throw badRequestData(`${where}: '${name}' is a reserved name and cannot be an attribute`);
  }
  if (!isValidTypeName(name)) {
    throw badRequestData(`${where}: invalid attribute name '${name}'`);
  }
}

/** Returns `value` when it is an absolute URI (errors.md §6); otherwise 400. */
export function assertUri(value: unknown, where: string): string {
  if (isAbsoluteUri(value)) return value;
  throw badRequestData(`${where} must be an absolute URI, got ${describe(value)}`);
}

/**
 * Returns the DateTime with `,` normalised to `.` (NGSI-LD 4.6.3: UTC only, trailing Z,
 * 1–6 fraction digits); rejects offsets, reduced forms and impossible calendar dates.
 */
export function assertDateTime(value: unknown, where: string): string {
  const match = typeof value === 'string' ? DATE_TIME.exec(value) : null;
  if (!match || typeof value !== 'string' || !isRealInstant(match)) {
    throw badRequestData(
      `${where} must be a UTC DateTime like 2018-08-01T12:03:00Z, got ${describe(value)}`,
    );
  }
  return value.replace(',', '.');
}

function isRealInstant(match: RegExpExecArray): boolean {
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return day <= daysInMonth;
}

/** A short, safe rendering of an offending value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') {
    return value.length > 80 ? `'${value.slice(0, 77)}...'` : `'${value}'`;
  }
  return String(value);
}
