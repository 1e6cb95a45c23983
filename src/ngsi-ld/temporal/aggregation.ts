/**
 * Aggregated temporal representation (NGSI-LD 4.5.19, temporal.md §2): the methods, which
 * values each applies to, and the numbers a store keeps per instance so that it can
 * aggregate in SQL.
 */
import { isNgsiLdNull } from '../entity/entity-fragment.js';
import { describe } from '../entity/names.js';
import { PAYLOAD_MEMBER, type Attribute, type JsonValue } from '../model.js';
import { badRequestData } from '../problem-details.js';

export const AGGREGATION_METHODS = [
  'totalCount',
  'distinctCount',
  'sum',
  'avg',
  'min',
  'max',
  'stddev',
  'sumsq',
] as const;
export type AggregationMethod = (typeof AGGREGATION_METHODS)[number];

/**
 * The class of an instance's payload, ordered so that every applicability rule is a range
 * test on the smallest and largest class of a set of instances (stores aggregate `min` and
 * `max` of it in SQL instead of listing the classes).
 */
export const ValueClass = {
  number: 1,
  boolean: 2,
  /** Property array value or ListProperty: aggregated by size. */
  array: 3,
  string: 4,
  /** `{"@type": "DateTime" | "Date" | "Time", "@value": …}` */
  temporal: 5,
  relationship: 6,
  /** Objects, GeoProperty, LanguageProperty, JsonProperty, VocabProperty, ListRelationship. */
  other: 7,
  /** NGSI-LD Null: a deletion, never aggregated. */
  deleted: 9,
} as const;
export type ValueClass = (typeof ValueClass)[keyof typeof ValueClass];

/** What a store keeps of an instance to aggregate it. */
export interface AggregationView {
  valueClass: ValueClass;
  /** Numbers, booleans as 1/0, array sizes. */
  num: number | null;
  /** Strings, temporal literals (min/max compare these), single Relationship targets. */
  text: string | null;
  /** The payload as canonical JSON, for distinctCount of everything without `text`. */
  key: string | null;
}

export function aggregationView(instance: Attribute): AggregationView {
  if (isNgsiLdNull(instance)) return view(ValueClass.deleted);
  switch (instance.type) {
    case 'Property':
      return propertyView(instance.value ?? null);
    case 'ListProperty': {
      const list = instance.valueList ?? [];
      return view(ValueClass.array, list.length, null, JSON.stringify(list));
    }
    case 'Relationship':
      return typeof instance.object === 'string'
        ? view(ValueClass.relationship, null, instance.object)
        : view(ValueClass.relationship, null, null, JSON.stringify(instance.object ?? null));
    default: {
      const payload = instance[PAYLOAD_MEMBER[instance.type]] ?? null;
      return view(ValueClass.other, null, null, JSON.stringify(payload));
    }
  }
}

function propertyView(value: JsonValue): AggregationView {
  if (typeof value === 'number') return view(ValueClass.number, value, null, String(value));
  if (typeof value === 'boolean')
    return view(ValueClass.boolean, value ? 1 : 0, null, String(value));
  if (typeof value === 'string') return view(ValueClass.string, null, value);
  if (Array.isArray(value))
    return view(ValueClass.array, value.length, null, JSON.stringify(value));
  const literal = temporalLiteral(value);
  if (literal !== undefined) return view(ValueClass.temporal, null, literal);
  return view(ValueClass.other, null, null, JSON.stringify(value));
}

/** The comparable text of a typed temporal literal; DateTimes at millisecond precision. */
function temporalLiteral(value: JsonValue): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const type = value['@type'];
  const text = value['@value'];
  if (typeof text !== 'string' || (type !== 'DateTime' && type !== 'Date' && type !== 'Time'))
    return undefined;
  if (type !== 'DateTime') return text;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? text : new Date(ms).toISOString();
}

function view(
  valueClass: ValueClass,
  num: number | null = null,
  text: string | null = null,
  key: string | null = null,
): AggregationView {
  return { valueClass, num, text, key };
}

/** `aggrMethods` as a comma list (URL) or an array (Query body); unknown → 400. */
export function parseAggregationMethods(raw: unknown): AggregationMethod[] {
  const items = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()) : raw;
  if (!Array.isArray(items) || items.length === 0)
    throw badRequestData('aggrMethods must list at least one aggregation method');
  const methods = new Set<AggregationMethod>();
  for (const item of items) {
    if (typeof item !== 'string' || !(AGGREGATION_METHODS as readonly string[]).includes(item))
      throw badRequestData(
        `aggrMethods: unknown method ${describe(item)}; use ${AGGREGATION_METHODS.join(', ')}`,
      );
    methods.add(item as AggregationMethod);
  }
  return [...methods];
}

/**
 * Whether `method` applies to instances whose classes range from `minClass` to `maxClass`
 * (temporal.md §2): numbers all methods; booleans as 1/0 all numeric ones; arrays by size
 * for sum, avg, min, max; strings and temporal literals min/max (in text order); every
 * kind can be counted. Mixed classes allow only what applies to all of them.
 */
export function isApplicable(
  method: AggregationMethod,
  minClass: ValueClass,
  maxClass: ValueClass,
): boolean {
  switch (method) {
    case 'totalCount':
    case 'distinctCount':
      return true;
    case 'stddev':
    case 'sumsq':
      return maxClass <= ValueClass.boolean;
    case 'sum':
    case 'avg':
      return maxClass <= ValueClass.array;
    case 'min':
    case 'max':
      return (
        maxClass <= ValueClass.array ||
        (minClass === maxClass &&
          (minClass === ValueClass.string || minClass === ValueClass.temporal))
      );
  }
}

/**
 * Numbers summed for sum, avg, stddev and sumsq are below this magnitude: neither their
 * sums nor the sums of their squares can overflow (PostgreSQL raises an error where
 * SQLite returns infinity), and a period holding a larger number has no such aggregate.
 */
export const MAX_SUMMED = 1e120;

/** Per-period sums a store computes in SQL; every field may be null when not requested. */
export interface PeriodSums {
  count: number;
  distinct: number | null;
  /** Sum and sum of squares of the numbers below MAX_SUMMED. */
  sum: number | null;
  sumsq: number | null;
  /**
   * Sample variance by a numerically stable algorithm (PostgreSQL's `var_samp`, which
   * SQLite runs as the same function in JavaScript); null below two numbers.
   */
  variance: number | null;
  /** Numbers of MAX_SUMMED or more: sum, avg, stddev and sumsq are then null. */
  unsummable: number;
  minNum: number | null;
  maxNum: number | null;
  minText: string | null;
  maxText: string | null;
}

/**
 * The value of `method` over one period. `stddev` is the sample standard deviation (as
 * PostgreSQL's `stddev`, which Stellio uses), 0 for a single instance.
 */
export function aggregatedValue(
  method: AggregationMethod,
  sums: PeriodSums,
  numeric: boolean,
): JsonValue {
  const n = sums.count;
  const summable = sums.unsummable === 0;
  switch (method) {
    case 'totalCount':
      return n;
    case 'distinctCount':
      return sums.distinct ?? 0;
    case 'sum':
      return summable ? (sums.sum ?? 0) : null;
    case 'avg':
      return !summable || sums.sum === null || n === 0 ? null : sums.sum / n;
    case 'min':
      return numeric ? sums.minNum : sums.minText;
    case 'max':
      return numeric ? sums.maxNum : sums.maxText;
    case 'sumsq':
      return summable ? (sums.sumsq ?? 0) : null;
    case 'stddev':
      if (!summable) return null;
      return sums.variance === null ? 0 : Math.sqrt(Math.max(0, sums.variance));
  }
}

/**
 * PostgreSQL's `var_samp` over float8 (Youngs–Cramer, as in its `float8_accum`), step by
 * step, so that SQLite computes the same numbers: one-pass and numerically stable, unlike
 * `(Σx² − (Σx)²/n)/(n − 1)`, which loses every digit for 1e9, 1e9+1, 1e9+2.
 */
export interface VarianceState {
  n: number;
  sx: number;
  sxx: number;
}

export function addToVariance(state: VarianceState, x: number): VarianceState {
  const previous = state.n;
  state.n += 1;
  state.sx += x;
  if (previous > 0) {
    const tmp = x * state.n - state.sx;
    state.sxx += (tmp * tmp) / (state.n * previous);
  }
  return state;
}

export function sampleVariance(state: VarianceState): number | null {
  return state.n <= 1 ? null : state.sxx / (state.n - 1);
}
