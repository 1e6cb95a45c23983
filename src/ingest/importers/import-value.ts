/**
 * Reads one source value as the mapped value type. Text files give strings; GeoJSON
 * properties give JSON values. Strings are taken literally: a cell like `=HYPERLINK(…)` is text,
 * never evaluated, and numbers are read with a strict grammar (no hex, no `Infinity`).
 */
import { assertJsonValue } from '../../ngsi-ld/entity/json-value.js';
import { isProblemDetails } from '../../ngsi-ld/problem-details.js';
import type { ValueType } from './import-mapping.model.js';

export type ValueResult = { ok: true; value: unknown } | { ok: false; reason: string };

/** An absent value: the attribute is left out (or the record rejected when required). */
export const EMPTY: ValueResult = { ok: true, value: undefined };

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
const TRUE_WORDS = new Set(['true', '1', 'yes', 'y', 't']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'n', 'f']);
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

export interface ValueOptions {
  decimalSeparator: '.' | ',';
}

export function isEmptyValue(raw: unknown): boolean {
  return raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
}

export function convertValue(raw: unknown, type: ValueType, options: ValueOptions): ValueResult {
  if (isEmptyValue(raw)) return EMPTY;
  switch (type) {
    case 'text':
      return readText(raw);
    case 'number':
      return readNumber(raw, options);
    case 'integer':
      return readInteger(raw);
    case 'boolean':
      return readBoolean(raw);
    case 'date':
      return readDate(raw);
    case 'json':
      return readJson(raw);
  }
}

function readText(raw: unknown): ValueResult {
  if (typeof raw === 'string') return { ok: true, value: raw };
  if (typeof raw === 'number' || typeof raw === 'boolean') return { ok: true, value: String(raw) };
  return { ok: false, reason: `expected text, got ${kindOf(raw)}` };
}

function readNumber(raw: unknown, options: ValueOptions): ValueResult {
  if (typeof raw === 'number') {
    return Number.isFinite(raw) ? { ok: true, value: raw } : notA('a number', raw);
  }
  if (typeof raw !== 'string') return notA('a number', raw);
  let text = raw.trim();
  if (options.decimalSeparator === ',') {
    if (text.includes('.')) return notA('a number (the decimal separator is ",")', raw);
    text = text.replace(',', '.');
  }
  if (!NUMBER.test(text)) return notA('a number', raw);
  const value = Number(text);
  return Number.isFinite(value) ? { ok: true, value } : notA('a number', raw);
}

function readInteger(raw: unknown): ValueResult {
  const value = typeof raw === 'string' && INTEGER.test(raw.trim()) ? Number(raw.trim()) : raw;
  return typeof value === 'number' && Number.isSafeInteger(value)
    ? { ok: true, value }
    : notA('an integer', raw);
}

function readBoolean(raw: unknown): ValueResult {
  if (typeof raw === 'boolean') return { ok: true, value: raw };
  const word = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : '';
  if (TRUE_WORDS.has(word.toLowerCase())) return { ok: true, value: true };
  if (FALSE_WORDS.has(word.toLowerCase())) return { ok: true, value: false };
  return notA('a boolean (true/false, yes/no, 1/0)', raw);
}

/**
 * `YYYY-MM-DD` becomes an NGSI-LD Date; a date-time becomes a UTC DateTime (NGSI-LD 4.6.3).
 * A date-time without an offset is read as UTC.
 */
function readDate(raw: unknown): ValueResult {
  if (typeof raw !== 'string') return notA('a date', raw);
  const text = raw.trim();
  const day = DATE.exec(text);
  if (day) {
    const [, year, month, date] = day;
    return realDate(Number(year), Number(month), Number(date))
      ? { ok: true, value: { '@type': 'Date', '@value': text } }
      : notA('a date', raw);
  }
  const match = DATE_TIME.exec(text);
  if (!match) return notA('a date (ISO 8601, like 2024-03-01 or 2024-03-01T08:30:00Z)', raw);
  const [, year, month, date, hour, minute, second = '00', fraction = '', zone = 'Z'] = match;
  if (!realDate(Number(year), Number(month), Number(date)) || Number(hour) > 23) {
    return notA('a date', raw);
  }
  if (Number(minute) > 59 || Number(second) > 59) return notA('a date', raw);
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : normaliseOffset(zone);
  const millis = fraction.slice(0, 3).padEnd(3, '0');
  const instant = new Date(
    `${year}-${month}-${date}T${hour}:${minute}:${second}.${millis}${offset}`,
  );
  if (Number.isNaN(instant.getTime())) return notA('a date', raw);
  return { ok: true, value: { '@type': 'DateTime', '@value': instant.toISOString() } };
}

function normaliseOffset(zone: string): string {
  const digits = zone.slice(1).replace(':', '');
  return `${zone[0]}${digits.slice(0, 2)}:${digits.slice(2, 4).padEnd(2, '0')}`;
}

function realDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function readJson(raw: unknown): ValueResult {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch (error) {
      return { ok: false, reason: `${quote(raw)} is not valid JSON (${(error as Error).message})` };
    }
  }
  if (value === null) return EMPTY;
  const problem = jsonValueProblem(value);
  return problem === undefined ? { ok: true, value } : { ok: false, reason: problem };
}

/**
 * What Civis would refuse whatever the record: a value nested deeper than it accepts. Found
 * here, since a deep enough value (`[[[[…]]]]` in one cell) makes JSON.stringify of the
 * whole batch overflow the stack. `null` members are left for Civis to report.
 */
export function jsonValueProblem(value: unknown): string | undefined {
  try {
    assertJsonValue(value, 'value', { allowJsonNull: true, allowNgsiLdNullMembers: true });
    return undefined;
  } catch (error) {
    if (isProblemDetails(error)) return error.detail;
    throw error;
  }
}

function notA(what: string, raw: unknown): ValueResult {
  return { ok: false, reason: `${quote(raw)} is not ${what}` };
}

/** A bounded rendering of the offending value for the rejects report. */
export function quote(raw: unknown): string {
  const text = typeof raw === 'string' ? raw : (JSON.stringify(raw) ?? String(raw));
  return `'${text.length > 60 ? `${text.slice(0, 57)}...` : text}'`;
}

function kindOf(raw: unknown): string {
  if (Array.isArray(raw)) return 'an array';
  return typeof raw === 'object' ? 'an object' : typeof raw;
}
