/**
 * Reads one entity's temporal evolution from the history tables, for both adapters: the
 * instances of each attribute in a time window (oldest first, or the lastN newest), capped
 * per attribute, or their aggregates per period (temporal.md §2–§3).
 */
import type { HistoryReadOptions } from '../../context/ports/history-store.port.js';
import type { Attribute } from '../../ngsi-ld/model.js';
import { invalidRequest, badRequestData } from '../../ngsi-ld/problem-details.js';
import { aggregatedValue, isApplicable, ValueClass } from '../../ngsi-ld/temporal/aggregation.js';
import {
  addDuration,
  isCalendarDuration,
  isZeroDuration,
  type IsoDuration,
} from '../../ngsi-ld/temporal/iso-duration.js';
import type {
  AggregatedPeriod,
  AggregatedSeries,
  AttributeHistory,
  EntityHistory,
} from '../../ngsi-ld/temporal/temporal-model.js';
import {
  decodeIndexText,
  entityFromRow,
  instanceFromRow,
  isoOf,
  storedDatasets,
  type EntityRow,
  type InstanceRow,
} from './history-rows.js';
import {
  renderAggregate,
  renderAttributesOf,
  renderLatestDoc,
  renderSeriesBounds,
  renderSeriesReads,
  type AggregateRow,
  type Bucketing,
  type HistoryDialect,
  type SeriesFilter,
} from './history-sql.js';
import type { RenderedSql } from './sql-dialect.js';

/** How an adapter runs a read. */
export interface HistorySql {
  dialect: HistoryDialect;
  all<T>(sql: RenderedSql): Promise<T[]>;
  /**
   * Aggregate period by period (SQLite): its GROUP BY sorts the rows, so one statement per
   * period sorts a period's rows instead of the whole series' (measured 1M instances,
   * hourly avg). PostgreSQL hashes the groups in one statement.
   */
  perPeriodReads?: boolean;
}

/** Most aggregation periods of a calendar duration (P1M…) in one answer. */
export const MAX_CALENDAR_PERIODS = 1000;
/** Most periods read one by one (perPeriodReads); beyond, one GROUP BY statement. */
const MAX_PERIOD_READS = 5000;
/** Series read in one statement. */
const SERIES_PER_STATEMENT = 50;

export function seriesFilter(options: HistoryReadOptions): SeriesFilter {
  const filter: SeriesFilter = { window: options.window };
  if (options.datasetIds !== undefined) filter.datasets = storedDatasets(options.datasetIds);
  return filter;
}

/**
 * One entity's history. `budget` bounds the instances (or aggregation periods) of the whole
 * answer: each attribute gets an equal share, at least one, and never more than
 * `maxInstances`; an attribute with more is flagged truncated (temporal-reply.ts: 206).
 */
export async function readEntityHistory(
  db: HistorySql,
  row: EntityRow,
  options: HistoryReadOptions,
  budget: number | undefined = options.maxAnswerInstances,
): Promise<EntityHistory> {
  const history = entityFromRow(row);
  const attrs =
    options.attrs ??
    (await db.all<{ attr: string }>(renderAttributesOf(db.dialect, row.pk))).map((r) => r.attr);
  const cap =
    budget === undefined || attrs.length === 0
      ? options.maxInstances
      : Math.min(options.maxInstances, Math.max(1, Math.floor(budget / attrs.length)));
  if (options.aggregate === undefined) {
    history.attrs = await readInstances(db, row.pk, attrs, options, cap);
    return history;
  }
  history.aggregated = {};
  for (const attr of attrs) {
    const series = await aggregateAttribute(db, row.pk, attr, options, cap);
    if (series.length > 0) history.aggregated[attr] = series;
  }
  return history;
}

/** Instances, or aggregation periods, an entity's history holds (the answer's budget). */
export function sizeOfHistory(history: EntityHistory): number {
  let size = 0;
  for (const attribute of Object.values(history.attrs)) size += attribute.instances.length;
  for (const series of Object.values(history.aggregated ?? {}))
    for (const one of series) size += one.periods.length;
  return size;
}

async function readInstances(
  db: HistorySql,
  entityPk: number,
  attrs: readonly string[],
  options: HistoryReadOptions,
  cap: number,
): Promise<Record<string, AttributeHistory>> {
  const { lastN } = options;
  const newestFirst = lastN !== undefined;
  // One row beyond the cap tells that an attribute was cut.
  const limit = lastN !== undefined && lastN <= cap ? lastN : cap + 1;
  const byAttr = new Map<string, Array<InstanceRow & { attr: string }>>();
  for (let i = 0; i < attrs.length; i += SERIES_PER_STATEMENT) {
    const reads = attrs
      .slice(i, i + SERIES_PER_STATEMENT)
      .map((attr) => ({ attr, newestFirst, limit }));
    const rows = await db.all<InstanceRow & { attr: string }>(
      renderSeriesReads(db.dialect, entityPk, reads, seriesFilter(options)),
    );
    for (const row of rows) {
      const list = byAttr.get(row.attr);
      if (list === undefined) byAttr.set(row.attr, [row]);
      else list.push(row);
    }
  }
  const result: Record<string, AttributeHistory> = {};
  for (const attr of attrs) {
    const list = byAttr.get(attr);
    if (list === undefined || list.length === 0) continue;
    const truncated = list.length > cap;
    const kept = truncated ? list.slice(0, cap) : list;
    if (newestFirst) kept.reverse();
    result[attr] = { instances: kept.map(instanceFromRow), truncated };
  }
  return result;
}

/**
 * The periods of one attribute, per datasetId (the default instance first, then datasetIds
 * in code-point order on both adapters). At most `cap` (dataset, period) pairs: beyond,
 * only the whole periods before the first left out are kept and every series of the
 * attribute is flagged truncated.
 */
async function aggregateAttribute(
  db: HistorySql,
  entityPk: number,
  attr: string,
  options: HistoryReadOptions,
  cap: number,
): Promise<AggregatedSeries[]> {
  const { methods, period, strict } = options.aggregate as NonNullable<
    HistoryReadOptions['aggregate']
  >;
  const filter: SeriesFilter = { ...seriesFilter(options), withoutDeletions: true };
  const { window } = options;
  let low = window.from;
  /** Exclusive end of the last period. */
  let high = window.to;
  if (low === undefined || high === undefined) {
    const [bounds] = await db.all<{ low: number | null; high: number | null }>(
      renderSeriesBounds(db.dialect, entityPk, attr, filter),
    );
    if (bounds?.low === null || bounds?.low === undefined) return [];
    low ??= Number(bounds.low);
    // Periods are [start, end): without an end in the query the last instance must lie
    // inside the last period, which then ends one millisecond after it.
    high ??= Number(bounds.high) + 1;
  }
  const bucketing = bucketingFor(period, low, high);
  const sums = {
    distinct: methods.includes('distinctCount'),
    sum: methods.some((m) => m === 'sum' || m === 'avg'),
    squares: methods.includes('sumsq'),
    variance: methods.includes('stddev'),
    extremes: methods.some((m) => m === 'min' || m === 'max'),
  };
  const count = periodCount(bucketing, low, high);
  let rows: AggregateRow[] = [];
  if (db.perPeriodReads && bucketing.kind !== 'whole' && count <= MAX_PERIOD_READS) {
    const read = (range: { from: number; to: number; byDataset: boolean }) =>
      db.all<AggregateRow>(
        renderAggregate(db.dialect, entityPk, attr, filter, bucketing, sums, range),
      );
    for (let b = 0; b < count && rows.length <= cap; b++) {
      const [from, to] = periodOf(bucketing, b, low, high, period);
      let found = (await read({ from, to, byDataset: false })).filter((row) => Number(row.n) > 0);
      if (found.some((row) => row.dataset !== row.dataset_max))
        found = await read({ from, to, byDataset: true });
      for (const row of found) rows.push({ ...row, b });
    }
  } else {
    rows = await db.all<AggregateRow>(
      renderAggregate(db.dialect, entityPk, attr, filter, bucketing, sums, undefined, cap + 1),
    );
  }
  if (rows.length === 0) return [];
  const truncated = rows.length > cap;
  if (truncated) {
    const cut = Number((rows[cap] as AggregateRow).b);
    const whole = rows.filter((row) => Number(row.b) < cut);
    rows = whole.length > 0 ? whole : rows.slice(0, cap);
  }
  // Loops, not Math.min(...rows): a spread of that many arguments overflows the stack.
  let minClass: number = ValueClass.deleted;
  let maxClass = 0;
  for (const row of rows) {
    minClass = Math.min(minClass, Number(row.cmin));
    maxClass = Math.max(maxClass, Number(row.cmax));
  }
  const applicable = methods.filter((method) =>
    isApplicable(method, minClass as ValueClass, maxClass as ValueClass),
  );
  if (strict && applicable.length < methods.length) {
    const refused = methods.filter((method) => !applicable.includes(method));
    throw invalidRequest(`aggrMethods ${refused.join(', ')} do not apply to the values of ${attr}`);
  }
  const numeric = maxClass <= ValueClass.array;
  const byDataset = new Map<string, AggregatedPeriod[]>();
  for (const row of rows) {
    const [start, end] = periodOf(bucketing, Number(row.b), low, high, period);
    const values: AggregatedPeriod['values'] = {};
    const sums = {
      count: Number(row.n),
      distinct: row.dc === null ? null : Number(row.dc),
      sum: nullableNumber(row.s),
      sumsq: nullableNumber(row.ss),
      variance: nullableNumber(row.v),
      unsummable: Number(row.nb ?? 0),
      minNum: nullableNumber(row.mn),
      maxNum: nullableNumber(row.mx),
      minText: row.mnt === null ? null : decodeIndexText(row.mnt),
      maxText: row.mxt === null ? null : decodeIndexText(row.mxt),
    };
    for (const method of applicable) values[method] = aggregatedValue(method, sums, numeric);
    const periods = byDataset.get(row.dataset) ?? [];
    periods.push({ start: isoOf(start), end: isoOf(end), values });
    byDataset.set(row.dataset, periods);
  }
  const datasets = [...byDataset.keys()].sort(compareCodePoints);
  const result: AggregatedSeries[] = [];
  for (const dataset of datasets) {
    // The kind of each series is its own latest instance's (datasets may differ).
    const [latest] = await db.all<{ doc: string }>(
      renderLatestDoc(db.dialect, entityPk, attr, { ...filter, datasets: [dataset] }),
    );
    const kind = latest === undefined ? 'Property' : (JSON.parse(latest.doc) as Attribute).type;
    const series: AggregatedSeries = { kind, periods: byDataset.get(dataset) ?? [] };
    if (dataset !== '') series.datasetId = dataset;
    if (truncated) series.truncated = true;
    result.push(series);
  }
  return result;
}

/** Code-point order, as SQLite's BINARY and PostgreSQL's "C" collation compare text. */
function compareCodePoints(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * Periods start at the window's start (timeAt for after/between), or at the first instance
 * for before and whole-history reads (temporal.md §2; the alignment for `before` is not
 * settled by the spec). PT0S is one period over the whole window. `high` is exclusive.
 */
function bucketingFor(period: IsoDuration, low: number, high: number): Bucketing {
  if (isZeroDuration(period)) return { kind: 'whole' };
  if (!isCalendarDuration(period)) return { kind: 'fixed', origin: low, lengthMs: period.fixedMs };
  const starts: number[] = [];
  for (let start = addDuration(low, period); start < high; start = addDuration(start, period)) {
    if (starts.length >= MAX_CALENDAR_PERIODS)
      throw badRequestData(
        `aggrPeriodDuration ${period.text} makes more than ${MAX_CALENDAR_PERIODS} periods in the queried range`,
      );
    starts.push(start);
  }
  return { kind: 'boundaries', starts };
}

/** Periods from the origin up to `high` (exclusive). */
function periodCount(bucketing: Bucketing, low: number, high: number): number {
  if (bucketing.kind === 'whole') return 1;
  if (bucketing.kind === 'fixed') return Math.ceil((high - low) / bucketing.lengthMs);
  return bucketing.starts.length + 1;
}

function periodOf(
  bucketing: Bucketing,
  b: number,
  low: number,
  high: number,
  period: IsoDuration,
): [number, number] {
  switch (bucketing.kind) {
    case 'whole':
      return [low, high];
    case 'fixed': {
      const start = bucketing.origin + b * bucketing.lengthMs;
      return [start, start + bucketing.lengthMs];
    }
    case 'boundaries': {
      const start = b === 0 ? low : (bucketing.starts[b - 1] as number);
      return [start, bucketing.starts[b] ?? addDuration(start, period)];
    }
  }
}

function nullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}
