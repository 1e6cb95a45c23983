/**
 * ISO 8601 durations as NGSI-LD uses them for `aggrPeriodDuration` (temporal.md §2):
 * `P[n]Y[n]M[n]W[n]DT[n]H[n]M[n]S`, e.g. `PT1H`, `P1D`, `PT4M`, `P1M`. Years and months are
 * calendar lengths (added on the UTC calendar); weeks, days, hours, minutes and seconds are
 * fixed (a day is 24 hours, as in UTC).
 */
import { badRequestData } from '../problem-details.js';
import { describe } from '../entity/names.js';

export interface IsoDuration {
  years: number;
  months: number;
  /** Weeks, days, hours, minutes and seconds, in milliseconds. */
  fixedMs: number;
  /** The text as given. */
  text: string;
}

const DURATION =
  /^P(?:(\d{1,6})Y)?(?:(\d{1,6})M)?(?:(\d{1,6})W)?(?:(\d{1,9})D)?(?:T(?:(\d{1,9})H)?(?:(\d{1,9})M)?(?:(\d{1,12}(?:[.,]\d{1,3})?)S)?)?$/;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The mean Gregorian year and month, to weigh calendar parts against the longest duration. */
const YEAR = 365.2425 * DAY;
const MONTH = YEAR / 12;

/**
 * Longest accepted duration, in years: every period that starts at a DateTime (years 0000
 * to 9999) then ends at a time JavaScript dates and the stores represent.
 */
export const MAX_DURATION_YEARS = 1000;

/** Parses `text`; 400 BadRequestData naming `where` when it is not an ISO 8601 duration. */
export function parseIsoDuration(text: unknown, where: string): IsoDuration {
  const match = typeof text === 'string' ? DURATION.exec(text) : null;
  // A bare 'P', or a 'T' with nothing after it, is not a duration.
  if (match === null || typeof text !== 'string' || text === 'P' || text.endsWith('T')) {
    throw badRequestData(
      `${where} must be an ISO 8601 duration such as PT1H, P1D or P1M, got ${describe(text)}`,
    );
  }
  const [, y, mo, w, d, h, mi, s] = match;
  const number = (part: string | undefined): number =>
    part === undefined ? 0 : Number(part.replace(',', '.'));
  const fixedMs =
    number(w) * 7 * DAY +
    number(d) * DAY +
    number(h) * HOUR +
    number(mi) * MINUTE +
    Math.round(number(s) * SECOND);
  const years = number(y);
  const months = number(mo);
  if (years * YEAR + months * MONTH + fixedMs > MAX_DURATION_YEARS * YEAR)
    throw badRequestData(
      `${where} ${text} is longer than ${MAX_DURATION_YEARS} years, the longest duration accepted`,
    );
  return { years, months, fixedMs, text };
}

export function isZeroDuration(duration: IsoDuration): boolean {
  return duration.years === 0 && duration.months === 0 && duration.fixedMs === 0;
}

/** True when the duration has a calendar part (years or months), which has no fixed length. */
export function isCalendarDuration(duration: IsoDuration): boolean {
  return duration.years !== 0 || duration.months !== 0;
}

/** `epochMs` plus `duration`: years and months on the UTC calendar, then the fixed part. */
export function addDuration(epochMs: number, duration: IsoDuration): number {
  return shiftMonths(epochMs, duration.years * 12 + duration.months) + duration.fixedMs;
}

/** `epochMs` minus `duration` (retention ages): the fixed part, then the calendar part. */
export function subtractDuration(epochMs: number, duration: IsoDuration): number {
  return shiftMonths(epochMs - duration.fixedMs, -(duration.years * 12 + duration.months));
}

/** Moves by whole months; 31 January + 1 month is the last day of February (ISO 8601). */
function shiftMonths(epochMs: number, months: number): number {
  if (months === 0) return epochMs;
  const date = new Date(epochMs);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, lastDay));
  return date.getTime();
}
