/**
 * Renders a Condition as SQL over the index tables (schema in the adapters' migrations), in
 * two forms: a set query of entity primary keys (a leaf read through its index: the keys of
 * a selective leaf, counts), and a boolean probe per entity. No query reads the entity
 * documents to decide.
 */
import { renderWalk } from './condition-walk.js';
import type { Condition, RowTest } from './query-condition.js';
import type { RenderedSql, SqlDialect, SqlParams } from './sql-dialect.js';

const exists = (dialect: SqlDialect, body: string): string =>
  dialect.exists?.(body) ?? `EXISTS (SELECT 1 ${body})`;
const notExists = (dialect: SqlDialect, body: string): string =>
  dialect.notExists?.(body) ?? `NOT EXISTS (SELECT 1 ${body})`;

/** Row kinds are a fixed alphabet of this module's own, safe to write as literals. */
function kindsSql(column: string, kinds: readonly string[]): string {
  if (kinds.length === 1) return `${column} = '${kinds[0]}'`;
  return `${column} IN (${kinds.map((kind) => `'${kind}'`).join(', ')})`;
}

/**
 * Value rows sit in partial indexes (`WHERE kind <> 'e' AND num|str IS NOT NULL`, see the
 * migrations): every value test repeats that condition literally so both engines use them.
 */
function rowTestSql(dialect: SqlDialect, params: SqlParams, alias: string, test: RowTest): string {
  const kinds = `${kindsSql(`${alias}.kind`, test.kinds)} AND ${alias}.kind <> 'e'`;
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

/**
 * A row of an instance that has a q target: any element row (elements come from the
 * target), or a bare instance's `e` row flagged so (entity-index-rows.ts).
 */
const WITH_TARGET = (alias: string) => `(${alias}.kind <> 'e' OR ${alias}.num = 1)`;

/**
 * The entities with an instance of an attribute, as a set query over the rows that show an
 * instance exists: its element rows, in the two value indexes, and a bare instance's `e`
 * row, in its own small index. Each member repeats its index's condition literally (SQLite
 * reads a partial index only then); `select(row)` renders one member with `row`, a
 * condition on the row, so that its parameters are added in the order they appear. With
 * `headsOnly`, only the instance's first row (`akind`) counts: an entity comes once per
 * instance rather than once per element (see SqlDialect.existenceByFirstRows). Wrapped
 * in a SELECT, the UNION ALL can be a member of INTERSECT and UNION (sets of one leaf may
 * list an entity more than once anyway).
 */
function instanceRowsSet(
  select: (row: string) => string,
  options: { withTarget: boolean; headsOnly?: boolean; alias?: string },
): string {
  const a = options.alias === undefined ? '' : `${options.alias}.`;
  const head = options.headsOnly ? ` AND ${a}akind IS NOT NULL` : '';
  const members = [
    select(`${a}kind <> 'e' AND ${a}num IS NOT NULL${head}`),
    select(`${a}kind <> 'e' AND ${a}str IS NOT NULL${head}`),
    select(`${a}kind = 'e'${options.withTarget ? ` AND ${a}num = 1` : ''}`),
  ];
  return `SELECT pk FROM (${members.join(' UNION ALL ')}) AS rows_of_instances`;
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
      return instanceRowsSet(
        (row) =>
          `SELECT entity_pk AS pk FROM attr_values WHERE tenant = ${params.add(tenant)} AND ${dialect.attrIn(params, 'attr', condition.attrs)} AND ${row}`,
        { withTarget: false, headsOnly: dialect.existenceByFirstRows },
      );
    case 'target':
      return instanceRowsSet(
        (row) =>
          `SELECT entity_pk AS pk FROM attr_values WHERE tenant = ${params.add(tenant)} AND ${dialect.attrIs(params, 'attr', condition.attr)} AND ${row}`,
        { withTarget: true, headsOnly: dialect.existenceByFirstRows },
      );
    case 'value': {
      const head = `SELECT x.entity_pk AS pk FROM attr_values x WHERE x.tenant = ${params.add(tenant)} AND ${dialect.attrIs(params, 'x.attr', condition.attr)}`;
      return `${head} AND (${rowTestsSql(dialect, params, 'x', condition.tests)})`;
    }
    case 'noValue': {
      const same = 'y.entity_pk = x.entity_pk AND y.attr = x.attr AND y.inst = x.inst';
      return instanceRowsSet(
        (row) =>
          `SELECT x.entity_pk AS pk FROM attr_values x WHERE x.tenant = ${params.add(tenant)} AND ${dialect.attrIs(params, 'x.attr', condition.attr)} AND ${row} AND ${notExists(dialect, `FROM attr_values y WHERE ${same} AND (${rowTestsSql(dialect, params, 'y', condition.tests)})`)}`,
        { withTarget: true, headsOnly: true, alias: 'x' },
      );
    }
    case 'bbox':
      return dialect.bboxSet(params, tenant, condition.attr, condition.box);
  }
}

/**
 * A boolean SQL test of one entity `e` against a condition: every leaf is a correlated
 * probe on the index tables by entity primary key (`attr_values (entity_pk, attr)`,
 * `entity_types (entity_pk)`, `geo_boxes (entity_pk)`), in the dialect's `exists` form.
 * Scanning entities in pk order and probing stops as soon as a page is full, whatever
 * fraction of the city matches.
 */
function predicateSql(dialect: SqlDialect, params: SqlParams, condition: Condition): string {
  switch (condition.kind) {
    case 'all':
      return 'TRUE';
    case 'none':
      return 'FALSE';
    case 'and':
    case 'or': {
      const operator = condition.kind === 'and' ? ' AND ' : ' OR ';
      return `(${condition.items.map((item) => predicateSql(dialect, params, item)).join(operator)})`;
    }
    case 'ids':
      return dialect.inList(params, 'e.id', condition.ids, 'text');
    case 'type':
      return exists(
        dialect,
        `FROM entity_types t WHERE t.entity_pk = e.pk AND t.type = ${params.add(condition.type)}`,
      );
    case 'attrs':
      // Every instance has a row: any row of the attribute shows it.
      return exists(
        dialect,
        `FROM attr_values x WHERE x.entity_pk = e.pk AND ${dialect.attrIn(params, 'x.attr', condition.attrs)}`,
      );
    case 'target':
      return exists(
        dialect,
        `FROM attr_values x WHERE x.entity_pk = e.pk AND ${dialect.attrIs(params, 'x.attr', condition.attr)} AND ${WITH_TARGET('x')}`,
      );
    case 'value':
      return exists(
        dialect,
        `FROM attr_values x WHERE x.entity_pk = e.pk AND ${dialect.attrIs(params, 'x.attr', condition.attr)} AND (${rowTestsSql(dialect, params, 'x', condition.tests)})`,
      );
    case 'noValue': {
      const head = `FROM attr_values x WHERE x.entity_pk = e.pk AND ${dialect.attrIs(params, 'x.attr', condition.attr)} AND x.akind IS NOT NULL AND ${WITH_TARGET('x')}`;
      const same = 'y.entity_pk = x.entity_pk AND y.attr = x.attr AND y.inst = x.inst';
      const equal = `FROM attr_values y WHERE ${same} AND (${rowTestsSql(dialect, params, 'y', condition.tests)})`;
      return exists(dialect, `${head} AND ${notExists(dialect, equal)}`);
    }
    case 'bbox':
      return dialect.bboxProbe(params, condition.attr, condition.box);
  }
}

/**
 * How candidates are found: among the primary keys of the selective leaves, already read
 * (`driverKeys`, a few hundred at most), or through the index of a leaf *walked* in pk
 * order (condition-walk.ts), or among all entities of the tenant; and a filter probed
 * entity by entity.
 */
export interface CandidatePlan {
  /** The candidates are among these entities (read with renderLeafKeys). */
  driverKeys?: number[];
  /** The candidates are read through this leaf's index, in pk order (a dialect with `walks`). */
  walk?: Condition;
  filter: Condition;
}

/** The entities `e` a plan reads: the tenant's, or those of its walked leaf. */
function fromSql(
  dialect: SqlDialect,
  params: SqlParams,
  tenant: string,
  plan: CandidatePlan,
  afterPk: number | undefined,
): string {
  if (plan.walk === undefined) return 'entities e';
  // CROSS JOIN keeps the walk the outer loop (SQLite does not reorder it).
  return `(${renderWalk(dialect, params, tenant, plan.walk, afterPk)}) AS w CROSS JOIN entities e ON e.pk = w.pk`;
}

/** Parameters are added in the order their placeholders appear (SQLite's `?` are positional). */
function whereSql(
  dialect: SqlDialect,
  params: SqlParams,
  tenant: string,
  plan: CandidatePlan,
): string {
  let sql = `e.tenant = ${params.add(tenant)}`;
  if (plan.driverKeys !== undefined)
    sql += ` AND ${dialect.inList(params, 'e.pk', plan.driverKeys, 'int8')}`;
  if (plan.filter.kind !== 'all') {
    const test = predicateSql(dialect, params, plan.filter);
    sql += ` AND ${dialect.inOrder?.(test) ?? test}`;
  }
  return sql;
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
  plan: CandidatePlan,
  page: EntityPage,
): RenderedSql {
  const params = dialect.newParams();
  const from = fromSql(dialect, params, tenant, plan, page.afterPk);
  let text = `SELECT e.pk AS pk, ${dialect.docColumn} AS doc FROM ${from} WHERE ${whereSql(dialect, params, tenant, plan)}`;
  // A walk starts after `afterPk` itself, and is in pk order already.
  if (page.afterPk !== undefined && plan.walk === undefined)
    text += ` AND e.pk > ${params.add(page.afterPk)}`;
  text += ` ORDER BY ${plan.walk === undefined ? 'e.pk' : 'w.pk'} LIMIT ${params.add(page.limit)}`;
  if (page.offset !== undefined && page.offset > 0) text += ` OFFSET ${params.add(page.offset)}`;
  return { text, params: params.values };
}

/** Counts the candidates by probing every entity of the tenant (or of the driver keys or walk). */
export function renderCandidateCount(
  dialect: SqlDialect,
  tenant: string,
  plan: CandidatePlan,
): RenderedSql {
  const params = dialect.newParams();
  const from = fromSql(dialect, params, tenant, plan, undefined);
  const text = `SELECT COUNT(*) AS n FROM ${from} WHERE ${whereSql(dialect, params, tenant, plan)}`;
  return { text, params: params.values };
}

/** Set queries whose rows are distinct entities (a compound's INTERSECT/UNION removes duplicates). */
const DISTINCT_SETS = new Set<Condition['kind']>(['and', 'or', 'all', 'ids', 'type']);

/**
 * Counts the candidates as one set query (each leaf read through its value index, combined
 * with INTERSECT and UNION), unless driver keys or a walk bound probing. Hash set
 * operations cost the size of the sets whatever the statistics say, where probing costs a
 * lookup per entity of the tenant and per leaf.
 */
export function renderCandidateSetCount(
  dialect: SqlDialect,
  tenant: string,
  plan: CandidatePlan,
): RenderedSql {
  if (plan.driverKeys !== undefined || plan.walk !== undefined)
    return renderCandidateCount(dialect, tenant, plan);
  const params = dialect.newParams();
  const count = DISTINCT_SETS.has(plan.filter.kind) ? 'COUNT(*)' : 'COUNT(DISTINCT pk)';
  const text = `SELECT ${count} AS n FROM (${setSql(dialect, params, tenant, plan.filter)}) AS s`;
  return { text, params: params.values };
}

/**
 * The primary keys each leaf selects, no more than `cap` rows of each, in one statement: one
 * row, column `k<i>` the keys of `leaves[i]` joined by commas (null when none; see
 * parseJoinedKeys). A leaf may give an entity more than once (one row per matching value).
 */
export function renderLeafKeys(
  dialect: SqlDialect,
  tenant: string,
  leaves: Condition[],
  cap: number,
): RenderedSql {
  const params = dialect.newParams();
  const join = dialect.joinKeys ?? ((column: string) => `group_concat(${column})`);
  const columns = leaves.map((leaf, i) => {
    // The type key (tenant, type, entity_pk) holds this order: asking for it favours an
    // index scan, which stops at the cap, over a sequential scan that may read the whole
    // table to find a rare type (with statistics; without them, see postgres-statistics.ts).
    const order = leaf.kind === 'type' ? ' ORDER BY pk' : '';
    const set = setSql(dialect, params, tenant, leaf);
    // An entity listed once per matching element would make a rare leaf look large (an
    // attribute of 40 entities with 10 elements each is 400 rows) and lose it the drive.
    const distinct = dialect.streamsDistinct && !DISTINCT_SETS.has(leaf.kind);
    const keys = distinct ? `SELECT DISTINCT pk FROM (${set}) AS d` : set;
    return `(SELECT ${join('s.pk')} FROM (${keys}${order} LIMIT ${params.add(cap)}) AS s) AS k${i}`;
  });
  return { text: `SELECT ${columns.join(', ')}`, params: params.values };
}

/** The keys of one column of renderLeafKeys. */
export function parseJoinedKeys(joined: string | null | undefined): number[] {
  return joined === null || joined === undefined || joined === ''
    ? []
    : joined.split(',').map(Number);
}
