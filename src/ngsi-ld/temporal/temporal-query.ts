/**
 * The temporal query of the temporal API (NGSI-LD 4.11, temporal.md §3): `timerel`,
 * `timeAt`, `endTimeAt`, `timeproperty` and `lastN`, from URL parameters or from the
 * `temporalQ` member of a Query body, checked and turned into a half-open time window.
 */
import { assertDateTime, describe } from '../entity/names.js';
import { badRequestData } from '../problem-details.js';

export const TIME_RELATIONS = ['before', 'after', 'between'] as const;
export type TimeRelation = (typeof TIME_RELATIONS)[number];

export const TIME_PROPERTIES = ['observedAt', 'createdAt', 'modifiedAt', 'deletedAt'] as const;
export type TimeProperty = (typeof TIME_PROPERTIES)[number];

/**
 * Instances whose `timeproperty` t lies in the window (epoch milliseconds; an instance is
 * placed at its millisecond):
 * before `t < to`, after `from <= t`, between `from <= t < to` (temporal.md §3).
 * Without a relation the window is the whole history.
 */
export interface TimeWindow {
  timeproperty: TimeProperty;
  timerel?: TimeRelation;
  /** Inclusive lower bound. */
  from?: number;
  /** Exclusive upper bound. */
  to?: number;
}

export interface TemporalQuery {
  window: TimeWindow;
  /** Only the N most recent instances of each attribute (by timeproperty). */
  lastN?: number;
}

export interface TemporalQueryInput {
  timerel?: unknown;
  timeAt?: unknown;
  endTimeAt?: unknown;
  timeproperty?: unknown;
  lastN?: unknown;
}

/** Largest accepted lastN (nine digits, as for limit/offset); the store caps it further. */
export const MAX_LAST_N = 999_999_999;

/**
 * `required`: Query Temporal Evolution needs `timerel` and `timeAt` (NGSI-LD 5.7.4);
 * Retrieve Temporal Evolution does not (absent: the whole history, 5.7.3).
 */
export function parseTemporalQuery(
  input: TemporalQueryInput,
  options: { required: boolean },
): TemporalQuery {
  const timeproperty = parseTimeProperty(input.timeproperty);
  const window: TimeWindow = { timeproperty };
  const { timerel, timeAt, endTimeAt } = input;
  if (timerel === undefined) {
    if (options.required)
      throw badRequestData('A temporal query needs timerel and timeAt (before, after or between)');
    if (timeAt !== undefined) throw badRequestData('timeAt needs timerel');
    if (endTimeAt !== undefined) throw badRequestData('endTimeAt needs timerel=between');
  } else {
    if (typeof timerel !== 'string' || !(TIME_RELATIONS as readonly string[]).includes(timerel))
      throw badRequestData(
        `timerel must be one of ${TIME_RELATIONS.join(', ')}, got ${describe(timerel)}`,
      );
    window.timerel = timerel as TimeRelation;
    if (timeAt === undefined) throw badRequestData(`timerel=${timerel} needs timeAt`);
    const at = instantOf(timeAt, 'timeAt');
    if (timerel === 'before') window.to = boundOf(at);
    else window.from = boundOf(at);
    if (timerel === 'between') {
      if (endTimeAt === undefined) throw badRequestData('timerel=between needs endTimeAt');
      const end = instantOf(endTimeAt, 'endTimeAt');
      if (end.ms < at.ms || (end.ms === at.ms && end.micros <= at.micros))
        throw badRequestData('endTimeAt must be later than timeAt');
      window.to = boundOf(end);
    } else if (endTimeAt !== undefined) {
      throw badRequestData('endTimeAt is only allowed with timerel=between');
    }
  }
  const query: TemporalQuery = { window };
  if (input.lastN !== undefined) query.lastN = parseLastN(input.lastN);
  return query;
}

function parseTimeProperty(value: unknown): TimeProperty {
  if (value === undefined) return 'observedAt';
  if (typeof value === 'string' && (TIME_PROPERTIES as readonly string[]).includes(value))
    return value as TimeProperty;
  throw badRequestData(
    `timeproperty must be one of ${TIME_PROPERTIES.join(', ')}, got ${describe(value)}`,
  );
}

function parseLastN(value: unknown): number {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d{1,9}$/.test(text) || Number(text) < 1)
    throw badRequestData(
      `lastN must be a positive integer of at most 9 digits, got ${describe(value)}`,
    );
  return Number(text);
}

/** An NGSI-LD DateTime (UTC, up to six fractional digits) as epoch ms and the µs beyond. */
interface Instant {
  /** Epoch milliseconds, the digits beyond the third dropped (rounded down). */
  ms: number;
  /** Microseconds beyond `ms` (0–999). */
  micros: number;
}

function instantOf(value: unknown, where: string): Instant {
  const text = assertDateTime(value, where);
  const fraction = /\.(\d+)Z$/.exec(text)?.[1] ?? '';
  return { ms: Date.parse(text), micros: Number(fraction.slice(3).padEnd(3, '0')) };
}

/**
 * The window bound for `instant`. Stores place an instance at its millisecond (an integer
 * t, sub-millisecond digits dropped), and for an integer t, `t >= b` ⇔ `t >= ⌈b⌉` and
 * `t < b` ⇔ `t < ⌈b⌉`: a bound with sub-millisecond digits is rounded up, so that the
 * comparison is exact (docs/temporal.md, Reading).
 */
function boundOf(instant: Instant): number {
  return instant.micros > 0 ? instant.ms + 1 : instant.ms;
}
