/**
 * PostgreSQL rendering of conditions (sql/sql-dialect.ts): `$n` placeholders, arrays for
 * lists, the GiST box index, text tests written twice — on the indexed prefix
 * `left(str, N)` (a b-tree entry is size-limited) and on the whole text, which decides —
 * and per-entity probes as scalar subqueries.
 *
 * Why not EXISTS: the planner turns `EXISTS (…)` into a semi-join and plans it from row
 * estimates. Measured on 100,000 freshly loaded streetlights, `type=… & q=a==x;b=="y"`
 * with `ORDER BY pk LIMIT 20` took 1.5 s without statistics and 0.66 s after ANALYZE (a
 * hash of all 100,000 typed entities, then a join per probe over all of them), against
 * 1–2 ms for `(SELECT true … LIMIT 1)`: a scalar subquery is never pulled up into a join,
 * so it stays a filter run per entity in pk order, and the scan stops when the page is
 * full, whatever the statistics say. The same holds for `NOT EXISTS` (anti-join).
 */
import type { Comparison } from '../sql/query-condition.js';
import type { SqlDialect, SqlParams } from '../sql/sql-dialect.js';
import { STR_INDEX_PREFIX } from './postgres-migrations.js';

function newParams(): SqlParams {
  const values: unknown[] = [];
  return {
    values,
    add(value) {
      values.push(value);
      return `$${values.length}`;
    },
  };
}

const inList: SqlDialect['inList'] = (params, column, values, type) =>
  `${column} = ANY(${params.add(values)}::${type}[])`;

const prefix = (sql: string): string => `left(${sql}, ${STR_INDEX_PREFIX})`;

/** The prefix of a text in code points, as PostgreSQL's `left` counts characters. */
function textPrefix(text: string): string {
  return Array.from(text).slice(0, STR_INDEX_PREFIX).join('');
}

/** `IS [NOT] NULL` keeps the test two-valued, as EXISTS is (`(SELECT true …)` is NULL without a row). */
const exists = (body: string): string => `(SELECT true ${body} LIMIT 1) IS NOT NULL`;
const notExists = (body: string): string => `(SELECT true ${body} LIMIT 1) IS NULL`;

/** a < b implies prefix(a) <= prefix(b); the strict test stays on the whole text. */
const PREFIX_OP: Record<Comparison, string> = {
  '=': '=',
  '<': '<=',
  '<=': '<=',
  '>': '>=',
  '>=': '>=',
};

export const postgresDialect: SqlDialect = {
  docColumn: 'e.doc::text',
  newParams,
  inList,
  compareText(params, column, op, value) {
    const p = params.add(value);
    return `${prefix(column)} ${PREFIX_OP[op]} ${prefix(p)} AND ${column} ${op} ${p}`;
  },
  betweenText(params, column, min, max) {
    const [low, high] = [params.add(min), params.add(max)];
    return `${prefix(column)} BETWEEN ${prefix(low)} AND ${prefix(high)} AND ${column} BETWEEN ${low} AND ${high}`;
  },
  inText(params, column, values) {
    const prefixes = params.add(values.map(textPrefix));
    return `${prefix(column)} = ANY(${prefixes}::text[]) AND ${column} = ANY(${params.add(values)}::text[])`;
  },
  attrIs: (params, column, iri) => `${column} = ${params.add(iri)}`,
  attrIn: (params, column, iris) => inList(params, column, iris, 'text'),
  attrIri: (column) => column,
  bboxSet: (params, tenant, attr, box) =>
    `SELECT entity_pk AS pk FROM geo_boxes WHERE box && box(point(${params.add(box[0])}, ${params.add(box[1])}), point(${params.add(box[2])}, ${params.add(box[3])}))` +
    ` AND tenant = ${params.add(tenant)} AND attr = ${params.add(attr)}`,
  bboxProbe: (params, attr, box) =>
    exists(
      `FROM geo_boxes g WHERE g.entity_pk = e.pk AND g.attr = ${params.add(attr)}` +
        ` AND g.box && box(point(${params.add(box[0])}, ${params.add(box[1])}), point(${params.add(box[2])}, ${params.add(box[3])}))`,
    ),
  exists,
  notExists,
  // The planner orders the quals of a scan by estimated cost, and every probe costs about
  // the same; a BooleanTest is one qual, evaluated left to right with short-circuit. Measured:
  // type last instead of first, 2.0 instead of 2.9 ms for a 3 % match rate.
  inOrder: (test) => `(${test}) IS TRUE`,
  joinKeys: (column) => `string_agg(${column}::text, ',')`,
  existenceByFirstRows: true,
};
