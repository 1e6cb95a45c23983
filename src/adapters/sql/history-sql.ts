/**
 * SQL of the history reads, shared by both adapters (src/adapters/README.md, History).
 * Values are always bound parameters. Series reads address one `(entity_pk, attr)` key range
 * of the primary key, in `ts` order; timeproperties other than observedAt are tested on
 * their own columns within the series.
 */
import { MAX_SUMMED } from '../../ngsi-ld/temporal/aggregation.js';
import type { TimeProperty, TimeWindow } from '../../ngsi-ld/temporal/temporal-query.js';
import type { RenderedSql, SqlParams } from './sql-dialect.js';

export interface HistoryDialect {
  newParams(): SqlParams;
  /** A bound integer (better-sqlite3 binds JavaScript numbers as REAL). */
  int(params: SqlParams, value: number): string;
  /** `column` is one of `values` (text, non-empty). */
  inText(params: SqlParams, column: string, values: readonly string[]): string;
}

/** The deletion marker class (aggregation.ts ValueClass.deleted). */
export const DELETED_CLASS = 9;

const TIME_COLUMN: Record<TimeProperty, string> = {
  observedAt: 'h.observed_at',
  createdAt: 'h.created_at',
  modifiedAt: 'h.modified_at',
  deletedAt: 'h.deleted_at',
};

/**
 * The time an instance is placed at for `timeproperty`: observedAt is `ts` (which falls back
 * to createdAt, so that a whole-history read keeps instances without observedAt in
 * recording order); deletedAt falls back to `ts` likewise.
 */
export function timeExpression(timeproperty: TimeProperty): string {
  if (timeproperty === 'observedAt') return 'h.ts';
  if (timeproperty === 'deletedAt') return 'COALESCE(h.deleted_at, h.ts)';
  return TIME_COLUMN[timeproperty];
}

/** Which instances of a series a read covers. */
export interface SeriesFilter {
  window: TimeWindow;
  /** Stored datasets ('' = default instance). */
  datasets?: readonly string[];
  /** Leave out NGSI-LD Null instances (aggregation, q evaluation). */
  withoutDeletions?: boolean;
}

/**
 * Conditions on `h` for a filter. With a time relation, instances without the timeproperty
 * never match (temporal.md §3).
 */
export function seriesConditions(
  d: HistoryDialect,
  params: SqlParams,
  filter: SeriesFilter,
): string[] {
  const { window } = filter;
  const conditions: string[] = [];
  if (window.timerel !== undefined) {
    const column = TIME_COLUMN[window.timeproperty];
    const t = timeExpression(window.timeproperty);
    conditions.push(`${column} IS NOT NULL`);
    if (window.from !== undefined) conditions.push(`${t} >= ${d.int(params, window.from)}`);
    if (window.to !== undefined) conditions.push(`${t} < ${d.int(params, window.to)}`);
  }
  if (filter.datasets !== undefined)
    conditions.push(d.inText(params, 'h.dataset', filter.datasets));
  if (filter.withoutDeletions) conditions.push(`h.vclass < ${DELETED_CLASS}`);
  return conditions;
}

/** The attributes that have history, in code-point order: a skip scan of the primary key. */
export function renderAttributesOf(d: HistoryDialect, entityPk: number): RenderedSql {
  const params = d.newParams();
  return {
    text:
      'WITH RECURSIVE a(attr) AS (' +
      `SELECT (SELECT min(attr) FROM attr_history WHERE entity_pk = ${d.int(params, entityPk)})` +
      ` UNION ALL SELECT (SELECT min(h.attr) FROM attr_history h WHERE h.entity_pk = ${d.int(params, entityPk)} AND h.attr > a.attr)` +
      ' FROM a WHERE a.attr IS NOT NULL) SELECT attr FROM a WHERE attr IS NOT NULL',
    params: params.values,
  };
}

export interface SeriesRead {
  attr: string;
  /** Newest first (lastN) or oldest first. */
  newestFirst: boolean;
  limit: number;
}

/**
 * The instances of several series of one entity in one statement: each series ordered and
 * limited on its own, the results concatenated (`UNION ALL` of sub-selects).
 */
export function renderSeriesReads(
  d: HistoryDialect,
  entityPk: number,
  reads: readonly SeriesRead[],
  filter: SeriesFilter,
): RenderedSql {
  const params = d.newParams();
  const t = timeExpression(filter.window.timeproperty);
  const parts = reads.map((read, i) => {
    const conditions = [
      `h.entity_pk = ${d.int(params, entityPk)}`,
      `h.attr = ${params.add(read.attr)}`,
      ...seriesConditions(d, params, filter),
    ];
    const direction = read.newestFirst ? 'DESC' : 'ASC';
    return (
      `SELECT * FROM (SELECT h.attr, h.pk, h.doc, h.created_at, h.modified_at, h.deleted_at, ${t} AS t` +
      ` FROM attr_history h WHERE ${conditions.join(' AND ')}` +
      ` ORDER BY ${t} ${direction}, h.pk ${direction} LIMIT ${d.int(params, read.limit)}) s${i}`
    );
  });
  return { text: parts.join(' UNION ALL '), params: params.values };
}

/** Smallest and largest time of a series in a window (the origin of aggregation periods). */
export function renderSeriesBounds(
  d: HistoryDialect,
  entityPk: number,
  attr: string,
  filter: SeriesFilter,
): RenderedSql {
  const params = d.newParams();
  const t = timeExpression(filter.window.timeproperty);
  const where = (p: SqlParams) =>
    [
      `h.entity_pk = ${d.int(p, entityPk)}`,
      `h.attr = ${p.add(attr)}`,
      ...seriesConditions(d, p, filter),
    ].join(' AND ');
  // Two sub-selects: SQLite uses the index for a lone min() or max() only.
  const low = `(SELECT min(${t}) FROM attr_history h WHERE ${where(params)})`;
  const high = `(SELECT max(${t}) FROM attr_history h WHERE ${where(params)})`;
  return { text: `SELECT ${low} AS low, ${high} AS high`, params: params.values };
}

/** The latest instance of a series (its kind names an aggregated attribute). */
export function renderLatestDoc(
  d: HistoryDialect,
  entityPk: number,
  attr: string,
  filter: SeriesFilter,
): RenderedSql {
  const params = d.newParams();
  const conditions = [
    `h.entity_pk = ${d.int(params, entityPk)}`,
    `h.attr = ${params.add(attr)}`,
    ...seriesConditions(d, params, filter),
  ];
  return {
    text: `SELECT h.doc FROM attr_history h WHERE ${conditions.join(' AND ')} ORDER BY h.ts DESC LIMIT 1`,
    params: params.values,
  };
}

/** How instances fall into periods: a fixed length from an origin, or explicit boundaries. */
export type Bucketing =
  | { kind: 'whole' }
  | { kind: 'fixed'; origin: number; lengthMs: number }
  /** Ascending period starts after the first (the first period starts at the origin). */
  | { kind: 'boundaries'; starts: number[] };

export interface AggregateRow {
  dataset: string;
  /** Per-period reads without grouping: the largest dataset (several when it differs). */
  dataset_max?: string | null;
  b: number;
  n: number;
  dc: number | null;
  s: number | null;
  ss: number | null;
  /** Sample variance (`var_samp`; SQLite's is registered by sqlite-history-functions.ts). */
  v: number | null;
  /** Numbers too large to sum (aggregation.ts MAX_SUMMED). */
  nb: number | null;
  mn: number | null;
  mx: number | null;
  mnt: string | null;
  mxt: string | null;
  cmin: number;
  cmax: number;
}

/** Which sums an aggregation needs (the class range is always read, for applicability). */
export interface AggregateSums {
  distinct: boolean;
  sum: boolean;
  squares: boolean;
  variance: boolean;
  extremes: boolean;
}

/**
 * Per dataset and period: the sums the aggregation methods are computed from
 * (aggregation.ts). `range` limits the read to one period `[from, to)` of the time
 * expression (a per-period read: SQLite then sorts one period's rows, not the series').
 * Otherwise rows come by period, then dataset in code-point order, at most `limit`.
 */
export function renderAggregate(
  d: HistoryDialect,
  entityPk: number,
  attr: string,
  filter: SeriesFilter,
  bucketing: Bucketing,
  sums: AggregateSums,
  range?: { from: number; to: number; byDataset: boolean },
  limit?: number,
): RenderedSql {
  const params = d.newParams();
  const t = timeExpression(filter.window.timeproperty);
  let bucket: string;
  if (bucketing.kind === 'whole' || range !== undefined) bucket = '0';
  else if (bucketing.kind === 'fixed')
    bucket = `((${t} - ${d.int(params, bucketing.origin)}) / ${d.int(params, bucketing.lengthMs)})`;
  else
    bucket =
      bucketing.starts.length === 0
        ? '0'
        : `(CASE ${bucketing.starts.map((start, i) => `WHEN ${t} < ${d.int(params, start)} THEN ${i}`).join(' ')} ELSE ${bucketing.starts.length} END)`;
  // One pair of bounds on the time: SQLite seeks the primary key on the first it sees.
  const { window } = filter;
  const bounded =
    range === undefined || window.timerel === undefined
      ? window
      : {
          ...window,
          from: Math.max(window.from ?? range.from, range.from),
          to: Math.min(window.to ?? range.to, range.to),
        };
  const conditions = [
    `h.entity_pk = ${d.int(params, entityPk)}`,
    `h.attr = ${params.add(attr)}`,
    ...seriesConditions(d, params, { ...filter, window: bounded, withoutDeletions: true }),
  ];
  if (range !== undefined && window.timerel === undefined)
    conditions.push(`${t} >= ${d.int(params, range.from)}`, `${t} < ${d.int(params, range.to)}`);
  // A per-period read of a single-dataset series needs no grouping (and no sort): the
  // smallest and largest dataset tell whether it is one.
  const ungrouped = range !== undefined && !range.byDataset;
  // Numbers that can be summed without overflow (aggregation.ts MAX_SUMMED); a literal,
  // as placeholders must be added in text order and the WHERE clause's already are.
  const summed = `CASE WHEN abs(h.num) < ${MAX_SUMMED} THEN h.num END`;
  const columns = [
    ungrouped ? 'min(h.dataset) AS dataset, max(h.dataset) AS dataset_max' : 'h.dataset AS dataset',
    `${bucket} AS b`,
    'count(*) AS n',
    'min(h.vclass) AS cmin',
    'max(h.vclass) AS cmax',
    sums.distinct ? 'count(DISTINCT h.txt) + count(DISTINCT h.vkey) AS dc' : 'NULL AS dc',
    sums.sum ? `sum(${summed}) AS s` : 'NULL AS s',
    sums.squares ? `sum(${summed} * ${summed}) AS ss` : 'NULL AS ss',
    sums.variance ? `var_samp(${summed}) AS v` : 'NULL AS v',
    sums.sum || sums.squares || sums.variance
      ? `count(CASE WHEN abs(h.num) >= ${MAX_SUMMED} THEN 1 END) AS nb`
      : '0 AS nb',
    ...(sums.extremes
      ? ['min(h.num) AS mn', 'max(h.num) AS mx', 'min(h.txt) AS mnt', 'max(h.txt) AS mxt']
      : ['NULL AS mn', 'NULL AS mx', 'NULL AS mnt', 'NULL AS mxt']),
  ];
  return {
    text:
      `SELECT ${columns.join(', ')} FROM attr_history h WHERE ${conditions.join(' AND ')}` +
      // Positional GROUP BY: the bucket's placeholders must appear once (SQLite's are `?`).
      (ungrouped ? '' : ' GROUP BY 1, 2 ORDER BY 2, 1') +
      (limit === undefined ? '' : ` LIMIT ${d.int(params, limit)}`),
    params: params.values,
  };
}
