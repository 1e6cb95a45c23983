/**
 * The retention policy of the attribute history (docs/temporal.md, Retention), for both
 * adapters: instances older than a rule's `maxAge` are deleted; instances older than its
 * `downsample.after` are reduced to one per `downsample.period` (aligned on multiples of
 * the period since the epoch, whole periods only): numbers and booleans become one
 * Property instance holding their average, observed at the period's start; any other
 * value keeps the period's last recorded instance. An instance's age is its `ts`:
 * observedAt, else createdAt.
 */
import type { RetentionReport, RetentionRule } from '../../context/ports/history-store.port.js';
import type { Attribute } from '../../ngsi-ld/model.js';
import { subtractDuration } from '../../ngsi-ld/temporal/iso-duration.js';
import { isoOf, type RecordedInstance } from './history-rows.js';
import type { HistorySql } from './history-reader.js';
import { DELETED_CLASS, type HistoryDialect } from './history-sql.js';
import type { RenderedSql, SqlParams } from './sql-dialect.js';

/** Rows deleted per statement, and periods downsampled per read. */
const BATCH = 5000;
const GROUPS = 500;

/** One period of one series to reduce to a single instance. */
export interface BucketReplacement {
  entityPk: number;
  attr: string;
  dataset: string;
  start: number;
  end: number;
  /** Keep this instance and delete the others (non-numeric values). */
  keepPk?: number;
  /** Delete every instance and record this one instead (numbers). */
  replacement?: RecordedInstance;
}

export interface RetentionSql extends HistorySql {
  /** Runs a statement; returns the number of rows it changed. */
  run(sql: RenderedSql): Promise<number>;
  /** Reduces one period atomically; returns the number of instances deleted. */
  replaceBucket(bucket: BucketReplacement): Promise<number>;
  /** Drops whole time partitions older than `cutoff` (PostgreSQL); returns rows dropped. */
  dropPartitionsBefore?(cutoff: number): Promise<number>;
}

export async function applyHistoryRetention(
  db: RetentionSql,
  rules: readonly RetentionRule[],
  now: Date,
): Promise<RetentionReport> {
  const report: RetentionReport = { deleted: 0, downsampled: 0, inserted: 0 };
  for (const rule of rules) {
    if (rule.maxAge !== undefined) {
      const cutoff = subtractDuration(now.getTime(), rule.maxAge);
      if (rule.tenant === undefined && rule.attrs === undefined && db.dropPartitionsBefore)
        report.deleted += await db.dropPartitionsBefore(cutoff);
      for (;;) {
        const deleted = await db.run(renderAgedDelete(db.dialect, rule, cutoff));
        report.deleted += deleted;
        if (deleted < BATCH) break;
      }
    }
    if (rule.downsample !== undefined) await downsample(db, rule, now, report);
  }
  return report;
}

function scopeConditions(d: HistoryDialect, params: SqlParams, rule: RetentionRule): string[] {
  const conditions: string[] = [];
  if (rule.tenant !== undefined)
    conditions.push(
      `h.entity_pk IN (SELECT e.pk FROM history_entities e WHERE e.tenant = ${params.add(rule.tenant)})`,
    );
  if (rule.attrs !== undefined) conditions.push(d.inText(params, 'h.attr', rule.attrs));
  return conditions;
}

function renderAgedDelete(d: HistoryDialect, rule: RetentionRule, cutoff: number): RenderedSql {
  const params = d.newParams();
  const conditions = [...scopeConditions(d, params, rule), `h.ts < ${d.int(params, cutoff)}`];
  return {
    text:
      'DELETE FROM attr_history WHERE pk IN (SELECT h.pk FROM attr_history h' +
      ` WHERE ${conditions.join(' AND ')} LIMIT ${d.int(params, BATCH)})`,
    params: params.values,
  };
}

interface GroupRow {
  entity_pk: number;
  attr: string;
  dataset: string;
  b: number;
  n: number;
  a: number | null;
  cmax: number;
  last: number;
}

async function downsample(
  db: RetentionSql,
  rule: RetentionRule,
  now: Date,
  report: RetentionReport,
): Promise<void> {
  const { after, period } = rule.downsample as NonNullable<RetentionRule['downsample']>;
  const length = period.fixedMs;
  // Whole periods only: a period still receiving instances is left for a later run.
  const cutoff = Math.floor(subtractDuration(now.getTime(), after) / length) * length;
  for (;;) {
    const params = db.dialect.newParams();
    // Placeholders are added in the order they appear in the text (SQLite's are `?`).
    // Floor division: both databases' `/` truncates toward zero, which would put the
    // instances on either side of the epoch in one period.
    const l = () => db.dialect.int(params, length);
    const bucket = `(CASE WHEN h.ts >= 0 THEN h.ts / ${l()} ELSE (h.ts + 1 - ${l()}) / ${l()} END)`;
    const conditions = [
      ...scopeConditions(db.dialect, params, rule),
      `h.ts < ${db.dialect.int(params, cutoff)}`,
      `h.vclass < ${DELETED_CLASS}`,
    ];
    const groups = await db.all<GroupRow>({
      text:
        `SELECT h.entity_pk AS entity_pk, h.attr AS attr, h.dataset AS dataset, ${bucket} AS b,` +
        ' count(*) AS n, avg(h.num) AS a, max(h.vclass) AS cmax, max(h.pk) AS last' +
        ` FROM attr_history h WHERE ${conditions.join(' AND ')}` +
        ` GROUP BY 1, 2, 3, 4 HAVING count(*) > 1 LIMIT ${db.dialect.int(params, GROUPS)}`,
      params: params.values,
    });
    for (const group of groups) {
      const start = Number(group.b) * length;
      const bucket: BucketReplacement = {
        entityPk: Number(group.entity_pk),
        attr: group.attr,
        dataset: group.dataset,
        start,
        end: start + length,
      };
      if (Number(group.cmax) <= 2 && group.a !== null) {
        const params = db.dialect.newParams();
        const [last] = await db.all<{ doc: string }>({
          text: `SELECT doc FROM attr_history WHERE pk = ${db.dialect.int(params, Number(group.last))}`,
          params: params.values,
        });
        bucket.replacement = averagedInstance(group, start, now, last?.doc);
        report.inserted += 1;
      } else {
        bucket.keepPk = Number(group.last);
      }
      report.downsampled += await db.replaceBucket(bucket);
    }
    if (groups.length < GROUPS) break;
  }
}

/**
 * The instance standing for a period: the last instance's unitCode and other metadata,
 * the average as value, observed at the period's start.
 */
function averagedInstance(
  group: GroupRow,
  start: number,
  now: Date,
  lastDoc: string | undefined,
): RecordedInstance {
  const last = lastDoc === undefined ? undefined : (JSON.parse(lastDoc) as Attribute);
  const instance: Attribute = {
    ...(last?.type === 'Property' ? last : {}),
    type: 'Property',
    value: Number(group.a),
    observedAt: isoOf(start),
  };
  if (group.dataset !== '') instance.datasetId = group.dataset;
  return { attr: group.attr, instance, at: now.getTime() };
}
