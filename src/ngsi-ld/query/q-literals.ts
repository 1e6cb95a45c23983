/**
 * Literal values of the q language and of stored attributes: JSON numbers, booleans and
 * the NGSI-LD temporal formats (clause 4.6.3, data-model.md §7): DateTime
 * `YYYY-MM-DDThh:mm:ss[.f]Z` (UTC only), Date `YYYY-MM-DD`, Time `hh:mm:ss[.f]Z`.
 */
import type { JsonValue } from '../model.js';
import type { QScalar } from './query.types.js';

const NUMBER_RE = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
const DATE_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,6}))?Z$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
// The trailing Z is optional: stored Time values are not always written with it.
const TIME_RE = /^(\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,6}))?Z?$/;

function fractionMs(fraction: string | undefined): number {
  return fraction === undefined ? 0 : Number(fraction.padEnd(3, '0').slice(0, 3));
}

/** A UTC date; setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999. */
function utcDate(year: number, month: number, day: number): Date {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date;
}

function validDate(year: number, month: number, day: number): boolean {
  const date = utcDate(year, month, day);
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

function validClock(hour: number, minute: number, second: number): boolean {
  return hour <= 23 && minute <= 59 && second <= 59;
}

/** Milliseconds since the epoch of a DateTime text, or undefined when it is not one. */
export function dateTimeMs(text: string): number | undefined {
  const m = DATE_TIME_RE.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (!validDate(year, month, day) || !validClock(hour, minute, second)) return undefined;
  return utcDate(year, month, day).setUTCHours(hour, minute, second, fractionMs(m[7]));
}

/** True when `text` is a valid calendar Date. */
export function isDate(text: string): boolean {
  const m = DATE_RE.exec(text);
  return m !== null && validDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Milliseconds since midnight of a Time text, or undefined when it is not one. */
export function timeMs(text: string): number | undefined {
  const m = TIME_RE.exec(text);
  if (m === null) return undefined;
  const [hour, minute, second] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!validClock(hour, minute, second)) return undefined;
  return ((hour * 60 + minute) * 60 + second) * 1000 + fractionMs(m[4]);
}

/** What an unquoted token looks like, before checking that it is also valid. */
export function looksTemporal(text: string): 'dateTime' | 'date' | 'time' | undefined {
  if (DATE_TIME_RE.test(text)) return 'dateTime';
  if (DATE_RE.test(text)) return 'date';
  if (TIME_RE.test(text)) return 'time';
  return undefined;
}

/**
 * Types an unquoted q value (query.md §2.1): boolean, JSON number, DateTime, Date, Time,
 * and anything else is a URI. Returns a reason string when it looks typed but is invalid.
 */
export function typeUnquoted(text: string): QScalar | string {
  if (text === 'true' || text === 'false') return { type: 'boolean', value: text === 'true' };
  if (NUMBER_RE.test(text)) {
    const value = Number(text);
    return Number.isFinite(value) ? { type: 'number', value } : `number out of range '${text}'`;
  }
  switch (looksTemporal(text)) {
    case 'dateTime': {
      const epochMs = dateTimeMs(text);
      return epochMs === undefined
        ? `invalid DateTime '${text}'`
        : { type: 'dateTime', value: text, epochMs };
    }
    case 'date':
      return isDate(text) ? { type: 'date', value: text } : `invalid Date '${text}'`;
    case 'time':
      return timeMs(text) === undefined ? `invalid Time '${text}'` : { type: 'time', value: text };
    default:
      return { type: 'uri', value: text };
  }
}

const TEMPORAL_TYPES: Record<string, 'dateTime' | 'date' | 'time'> = {
  DateTime: 'dateTime',
  'https://uri.etsi.org/ngsi-ld/DateTime': 'dateTime',
  'http://www.w3.org/2001/XMLSchema#dateTime': 'dateTime',
  'xsd:dateTime': 'dateTime',
  Date: 'date',
  'https://uri.etsi.org/ngsi-ld/Date': 'date',
  'http://www.w3.org/2001/XMLSchema#date': 'date',
  'xsd:date': 'date',
  Time: 'time',
  'https://uri.etsi.org/ngsi-ld/Time': 'time',
  'http://www.w3.org/2001/XMLSchema#time': 'time',
  'xsd:time': 'time',
};

/**
 * A JSON-LD typed temporal literal `{"@type": "DateTime", "@value": "…"}` (data-model.md
 * §7), with the type compact or expanded, or undefined for any other value.
 */
export function typedTemporal(
  value: JsonValue,
): { type: 'dateTime' | 'date' | 'time'; text: string } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const type = value['@type'];
  const text = value['@value'];
  if (typeof type !== 'string' || typeof text !== 'string') return undefined;
  const kind = TEMPORAL_TYPES[type];
  return kind === undefined ? undefined : { type: kind, text };
}
