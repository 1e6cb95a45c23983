/**
 * Renders a Condition as SQL over the index tables (schema in the adapters' migrations).
 * Each condition becomes a set query of entity primary keys (`pk`): leaves read one index,
 * `and` intersects and `or` unites, so every lookup goes through an index and no query
 * reads the entity documents to decide.
 */
import type { Condition, RowTest } from './query-condition.js';
import type { RenderedSql, SqlDialect, SqlParams } from './sql-dialect.js';

/** Row kinds are a fixed alphabet of this module's own, safe to write as literals. */
function kindsSql(column: string, kinds: readonly string[]): string {
  if (kinds.length === 1) return `${column} = '${kinds[0]}'`;
  return `${column} IN (${kinds.map((kind) => `'${kind}'`).join(', ')})`;
}

function rowTestSql(dialect: SqlDialect, params: SqlParams, alias: string, test: RowTest): string {
  const kinds = kindsSql(`${alias}.kind`, test.kinds);
  if (test.op === 'any') return kinds;
  const column = `${alias}.${test.column}`;
  let predicate: string;
  if (test.column === 'str') {
    if (test.op === 'in') predicate = dialect.inText(params, column, test.values.map(String));
    else if (test.op === 'between')
      predicate = dialect.betweenText(params, column, String(test.min), String(test.max));
    else predicate = dialect.compareText(params, column, test.op, String(test.value));
  } else if (test.op === 'in') predicate = dialect.inList(params, column, test.values, 'float8');
  else if (test.op === 'between')
    predicate = `${column} BETWEEN ${params.add(test.min)} AND ${params.add(test.max)}`;
  else predicate = `${column} ${test.op} ${params.add(test.value)}`;
  return `${kinds} AND ${predicate}`;
}

function rowTestsSql(
  dialect: SqlDialect,
  params: SqlParams,
  alias: string,
  tests: RowTest[],
): string {
  if (tests.length === 1) return rowTestSql(dialect, params, alias, tests[0] as RowTest);
  return tests.map((test) => `(${rowTestSql(dialect, params, alias, test)})`).join(' OR ');
}

/** A set query selecting the column `pk`. */
function setSql(
  dialect: SqlDialect,
  params: SqlParams,
  tenant: string,
  condition: Condition,
): string {
  switch (condition.kind) {
    case 'all':
      return `SELECT pk FROM entities WHERE tenant = ${params.add(tenant)}`;
    case 'none':
      return `SELECT pk FROM entities WHERE 1 = 0`;
    case 'and':
    case 'or': {
      const operator = condition.kind === 'and' ? ' INTERSECT ' : ' UNION ';
      // Nested compounds are wrapped: SQLite does not accept parenthesised compound members.
      const members = condition.items.map((item, i) => {
        const sql = setSql(dialect, params, tenant, item);
        return item.kind === 'and' || item.kind === 'or' ? `SELECT pk FROM (${sql}) AS s${i}` : sql;
      });
      return members.join(operator);
    }
    case 'ids':
      return `SELECT pk FROM entities WHERE tenant = ${params.add(tenant)} AND ${dialect.inList(params, 'id', condition.ids, 'text')}`;
    case 'type':
      return `SELECT entity_pk AS pk FROM entity_types WHERE tenant = ${params.add(tenant)} AND type = ${params.add(condition.type)}`;
    case 'attrs':
      return `SELECT entity_pk AS pk FROM attr_values WHERE tenant = ${params.add(tenant)} AND ${dialect.inList(params, 'attr', condition.attrs, 'text')} AND kind = 'e'`;
    case 'target':
      return `SELECT entity_pk AS pk FROM attr_values WHERE tenant = ${params.add(tenant)} AND attr = ${params.add(condition.attr)} AND kind = 'e' AND num = 1`;
    case 'value': {
      const head = `SELECT x.entity_pk AS pk FROM attr_values x WHERE x.tenant = ${params.add(tenant)} AND x.attr = ${params.add(condition.attr)}`;
      return `${head} AND (${rowTestsSql(dialect, params, 'x', condition.tests)})`;
    }
    case 'noValue': {
      const head = `SELECT x.entity_pk AS pk FROM attr_values x WHERE x.tenant = ${params.add(tenant)} AND x.attr = ${params.add(condition.attr)} AND x.kind = 'e' AND x.num = 1`;
      const same = 'y.entity_pk = x.entity_pk AND y.attr = x.attr AND y.inst = x.inst';
      return `${head} AND NOT EXISTS (SELECT 1 FROM attr_values y WHERE ${same} AND (${rowTestsSql(dialect, params, 'y', condition.tests)}))`;
    }
    case 'bbox':
      return dialect.bboxSet(params, tenant, condition.attr, condition.box);
  }
}

/**
 * One set query for the whole condition, `and` as INTERSECT: each index lookup runs once and
 * the sets are hashed or merged. Separate `e.pk IN (…)` conjuncts let PostgreSQL pick nested
 * loops that re-run a lookup per row, a quadratic plan whenever statistics are stale (as
 * right after a bulk load).
 */
function whereSql(
  dialect: SqlDialect,
  params: SqlParams,
  tenant: string,
  condition: Condition,
): string {
  if (condition.kind === 'all') return 'TRUE';
  if (condition.kind === 'none') return 'FALSE';
  return `e.pk IN (${setSql(dialect, params, tenant, condition)})`;
}

export interface EntityPage {
  /** Keyset pagination: only entities with a larger pk. */
  afterPk?: number;
  limit: number;
  offset?: number;
}

/** Selects `pk` and `doc` (JSON text) of the candidates, in creation order. */
export function renderCandidateSelect(
  dialect: SqlDialect,
  tenant: string,
  condition: Condition,
  page: EntityPage,
): RenderedSql {
  const params = dialect.newParams();
  let text = `SELECT e.pk AS pk, ${dialect.docColumn} AS doc FROM entities e WHERE e.tenant = ${params.add(tenant)}`;
  text += ` AND ${whereSql(dialect, params, tenant, condition)}`;
  if (page.afterPk !== undefined) text += ` AND e.pk > ${params.add(page.afterPk)}`;
  text += ` ORDER BY e.pk LIMIT ${params.add(page.limit)}`;
  if (page.offset !== undefined && page.offset > 0) text += ` OFFSET ${params.add(page.offset)}`;
  return { text, params: params.values };
}

export function renderCandidateCount(
  dialect: SqlDialect,
  tenant: string,
  condition: Condition,
): RenderedSql {
  const params = dialect.newParams();
  const text = `SELECT COUNT(*) AS n FROM entities e WHERE e.tenant = ${params.add(tenant)} AND ${whereSql(dialect, params, tenant, condition)}`;
  return { text, params: params.values };
}
