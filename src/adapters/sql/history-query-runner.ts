/**
 * Query Temporal Evolution of Entities (NGSI-LD 5.7.4, temporal.md §3) on the history
 * tables, for both adapters. Candidates are the tenant's history entities, in creation
 * order, that have an instance of the concerned attributes in the window; ids and plain
 * type lists are tested in SQL. The rest of the filter (type expressions, idPattern,
 * scopeQ, q, geoQ) is decided by `matchesEntityQuery` on an entity whose attributes are
 * the instances in the window, so q and geoQ are evaluated against them (temporal.md §3).
 */
import type { HistoryPage, HistoryQuery } from '../../context/ports/history-store.port.js';
import type { Attribute, Entity } from '../../ngsi-ld/model.js';
import { matchesEntityQuery } from '../../ngsi-ld/query/entity-filter.js';
import type { QExpr } from '../../ngsi-ld/query/query.types.js';
import {
  instanceFromRow,
  storedDatasets,
  type EntityRow,
  type InstanceRow,
} from './history-rows.js';
import {
  readEntityHistory,
  seriesFilter,
  sizeOfHistory,
  type HistorySql,
} from './history-reader.js';
import { renderSeriesReads, seriesConditions, type HistoryDialect } from './history-sql.js';
import type { RenderedSql } from './sql-dialect.js';

/** Candidates read per statement when the filter is decided in memory. */
const CHUNK = 200;
/**
 * Most instances q and geoQ are evaluated against, per candidate entity (shared equally by
 * the attributes they name): the oldest in the window.
 */
export const MAX_FILTER_INSTANCES = 100_000;

const ENTITY_COLUMNS = 'e.pk, e.id, e.types, e.scope, e.created_at, e.modified_at';

export async function runHistoryQuery(
  db: HistorySql,
  tenant: string,
  query: HistoryQuery,
): Promise<HistoryPage> {
  const { filter } = query;
  const exact =
    filter.q === undefined &&
    filter.geoQ === undefined &&
    filter.idPattern === undefined &&
    filter.scopeQ === undefined &&
    (filter.types === undefined || filter.types.anyOf.every((all) => all.length === 1));
  let rows: EntityRow[];
  let totalCount: number | undefined;
  if (exact) {
    rows =
      query.limit === 0
        ? []
        : await db.all<EntityRow>(
            renderCandidates(db.dialect, tenant, query, {
              limit: query.limit,
              offset: query.offset,
            }),
          );
    if (query.count) {
      const [counted] = await db.all<{ n: number }>(
        renderCandidateCount(db.dialect, tenant, query),
      );
      totalCount = Number(counted?.n ?? 0);
    }
  } else {
    const found = await scanCandidates(db, tenant, query);
    rows = found.rows;
    totalCount = found.total;
  }
  // The answer's budget: each entity gets an equal share of what the previous ones left.
  let left = query.maxAnswerInstances;
  const entities = [];
  for (const [i, row] of rows.entries()) {
    const share = left === undefined ? undefined : Math.floor(left / (rows.length - i));
    const history = await readEntityHistory(db, row, query, share);
    if (left !== undefined) left = Math.max(0, left - sizeOfHistory(history));
    entities.push(history);
  }
  return totalCount === undefined ? { entities } : { entities, totalCount };
}

async function scanCandidates(
  db: HistorySql,
  tenant: string,
  query: HistoryQuery,
): Promise<{ rows: EntityRow[]; total?: number }> {
  const wanted = query.offset + query.limit;
  const rows: EntityRow[] = [];
  let matched = 0;
  let afterPk = 0;
  for (;;) {
    const chunk = await db.all<EntityRow>(
      renderCandidates(db.dialect, tenant, query, { limit: CHUNK, afterPk }),
    );
    for (const row of chunk) {
      if (!(await matchesInWindow(db, row, query))) continue;
      matched += 1;
      if (matched > query.offset && rows.length < query.limit) rows.push(row);
    }
    const last = chunk[chunk.length - 1];
    if (last === undefined || chunk.length < CHUNK || (!query.count && matched >= wanted)) break;
    afterPk = Number(last.pk);
  }
  return query.count ? { rows, total: matched } : { rows };
}

async function matchesInWindow(
  db: HistorySql,
  row: EntityRow,
  query: HistoryQuery,
): Promise<boolean> {
  const { filter } = query;
  const entity: Entity = {
    id: row.id,
    type: JSON.parse(row.types) as string[],
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
    attrs: {},
  };
  if (row.scope !== null) entity.scope = JSON.parse(row.scope) as string[];
  const attrs = new Set<string>();
  if (filter.q !== undefined) collectAttributes(filter.q, attrs);
  if (filter.geoQ !== undefined) attrs.add(filter.geoQ.geoproperty);
  if (attrs.size > 0) {
    const limit = Math.max(1, Math.floor(MAX_FILTER_INSTANCES / attrs.size));
    const reads = [...attrs].map((attr) => ({ attr, newestFirst: false, limit }));
    const instances = await db.all<InstanceRow & { attr: string }>(
      renderSeriesReads(db.dialect, Number(row.pk), reads, {
        ...seriesFilter(query),
        withoutDeletions: true,
      }),
    );
    for (const instance of instances) {
      const attribute: Attribute = instanceFromRow(instance).attribute;
      // Instances of one attribute share datasetIds over time: any of them may match.
      (entity.attrs[instance.attr] ??= []).push(attribute);
    }
  }
  return matchesEntityQuery(entity, {
    ...filter,
    attrs: undefined,
    limit: 0,
    offset: 0,
    count: false,
  });
}

function collectAttributes(q: QExpr, into: Set<string>): void {
  if (q.kind === 'term') into.add(q.path.attr);
  else for (const term of q.terms) collectAttributes(term, into);
}

/** The tenant's history entities passing the SQL part of the filter, in creation order. */
function candidateConditions(
  d: HistoryDialect,
  params: ReturnType<HistoryDialect['newParams']>,
  tenant: string,
  query: HistoryQuery,
): string[] {
  const { filter } = query;
  const conditions = [`e.tenant = ${params.add(tenant)}`];
  if (filter.ids !== undefined && filter.ids.length > 0)
    conditions.push(d.inText(params, 'e.id', filter.ids));
  if (filter.types !== undefined) {
    const types = [...new Set(filter.types.anyOf.flat())];
    conditions.push(
      `e.pk IN (SELECT t.entity_pk FROM history_types t WHERE ${d.inText(params, 't.type', types)})`,
    );
  }
  // At least one instance of the concerned attributes in the window (temporal.md §3).
  const series = [
    'h.entity_pk = e.pk',
    ...(query.attrs !== undefined ? [d.inText(params, 'h.attr', query.attrs)] : []),
    ...seriesConditions(d, params, {
      window: query.window,
      ...(query.datasetIds === undefined ? {} : { datasets: storedDatasets(query.datasetIds) }),
    }),
  ];
  // A scalar subquery rather than EXISTS: PostgreSQL keeps it a per-entity probe
  // (postgres-dialect.ts explains why).
  conditions.push(
    `(SELECT 1 FROM attr_history h WHERE ${series.join(' AND ')} LIMIT 1) IS NOT NULL`,
  );
  return conditions;
}

function renderCandidates(
  d: HistoryDialect,
  tenant: string,
  query: HistoryQuery,
  page: { limit: number; offset?: number; afterPk?: number },
): RenderedSql {
  const params = d.newParams();
  const conditions = candidateConditions(d, params, tenant, query);
  if (page.afterPk !== undefined) conditions.push(`e.pk > ${d.int(params, page.afterPk)}`);
  let text = `SELECT ${ENTITY_COLUMNS} FROM history_entities e WHERE ${conditions.join(' AND ')} ORDER BY e.pk LIMIT ${d.int(params, page.limit)}`;
  if (page.offset !== undefined && page.offset > 0) text += ` OFFSET ${d.int(params, page.offset)}`;
  return { text, params: params.values };
}

function renderCandidateCount(d: HistoryDialect, tenant: string, query: HistoryQuery): RenderedSql {
  const params = d.newParams();
  const conditions = candidateConditions(d, params, tenant, query);
  return {
    text: `SELECT count(*) AS n FROM history_entities e WHERE ${conditions.join(' AND ')}`,
    params: params.values,
  };
}
