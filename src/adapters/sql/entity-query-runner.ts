/**
 * queryEntities for both adapters: translate, read candidates in creation order, and apply
 * the exact filter of src/ngsi-ld/query/entity-filter.ts to every one. When the SQL is the
 * exact query, SQL pages and counts; otherwise candidates are streamed in pk order (keyset
 * pagination) and filtered until the page is full (and, for a count, to the end).
 */
import type { QueryPage } from '../../context/ports/entity-store.port.js';
import type { Entity } from '../../ngsi-ld/model.js';
import { matchesEntityQuery } from '../../ngsi-ld/query/entity-filter.js';
import type { EntityQuery } from '../../ngsi-ld/query/query.types.js';
import type { CandidatePlan } from './condition-sql.js';
import { and, type Condition } from './query-condition.js';
import { translateEntityQuery } from './entity-query-translator.js';

export interface CandidateRow {
  pk: number;
  entity: Entity;
}

/** How one adapter reads candidates of a plan (rendered by condition-sql.ts). */
export interface CandidateReader {
  select(
    plan: CandidatePlan,
    page: { afterPk?: number; limit: number; offset?: number },
  ): Promise<CandidateRow[]>;
  count(plan: CandidatePlan): Promise<number>;
  /** How many entities a leaf selects, counted no further than `cap`. */
  estimate(leaf: Condition, cap: number): Promise<number>;
}

/**
 * A leaf selecting at most this many entities drives the query (its index set is read
 * first); above it, entities are scanned in creation order and probed, which finds a page
 * of matches quickly precisely because many entities match.
 */
export const DRIVER_MAX = 300;

const DRIVABLE = new Set<Condition['kind']>(['ids', 'type', 'attrs', 'target', 'value', 'bbox']);

/** Leaves whose set query reads an index (a test on the kind alone has none to read). */
function isIndexed(leaf: Condition): boolean {
  if (!DRIVABLE.has(leaf.kind)) return false;
  return leaf.kind !== 'value' || leaf.tests.every((test) => test.op !== 'any');
}

/** Picks the most selective conjunct as driver, when one is selective enough. */
export async function planCandidates(
  condition: Condition,
  reader: CandidateReader,
): Promise<CandidatePlan> {
  const conjuncts = condition.kind === 'and' ? condition.items : [condition];
  let best: { leaf: Condition; size: number } | undefined;
  for (const leaf of conjuncts) {
    if (!isIndexed(leaf)) continue;
    const size =
      leaf.kind === 'ids' ? leaf.ids.length : await reader.estimate(leaf, DRIVER_MAX + 1);
    if (size <= DRIVER_MAX && (best === undefined || size < best.size)) best = { leaf, size };
    if (size === 0) break;
  }
  if (best === undefined) return { filter: condition };
  const driver = best.leaf;
  return { driver, filter: and(conjuncts.filter((leaf) => leaf !== driver)) };
}

/** Most candidates read per round trip when the SQL is only a prefilter. */
export const CANDIDATE_CHUNK = 500;

async function exactPage(
  query: EntityQuery,
  plan: CandidatePlan,
  reader: CandidateReader,
): Promise<QueryPage> {
  const rows =
    query.limit > 0 ? await reader.select(plan, { limit: query.limit, offset: query.offset }) : [];
  // The exact filter still runs: SQL only ever narrows, it never decides alone.
  const entities = rows
    .map((row) => row.entity)
    .filter((entity) => matchesEntityQuery(entity, query));
  return query.count ? { entities, totalCount: await reader.count(plan) } : { entities };
}

async function filteredPage(
  query: EntityQuery,
  plan: CandidatePlan,
  reader: CandidateReader,
): Promise<QueryPage> {
  const entities: Entity[] = [];
  const end = query.offset + query.limit;
  let matched = 0;
  let afterPk: number | undefined;
  for (;;) {
    if (!query.count && matched >= end) break;
    // Without a count, read about twice what the page still needs: most candidates match.
    const size = query.count
      ? CANDIDATE_CHUNK
      : Math.min(CANDIDATE_CHUNK, Math.max(64, 2 * (end - matched)));
    const rows = await reader.select(plan, { afterPk, limit: size });
    for (const row of rows) {
      if (!matchesEntityQuery(row.entity, query)) continue;
      if (matched >= query.offset && matched < end) entities.push(row.entity);
      matched += 1;
    }
    if (rows.length < size) break;
    afterPk = rows[rows.length - 1]?.pk;
  }
  return query.count ? { entities, totalCount: matched } : { entities };
}

export async function runEntityQuery(
  query: EntityQuery,
  reader: CandidateReader,
): Promise<QueryPage> {
  const { condition, exact } = translateEntityQuery(query);
  if (condition.kind === 'none')
    return query.count ? { entities: [], totalCount: 0 } : { entities: [] };
  const plan = await planCandidates(condition, reader);
  return exact ? exactPage(query, plan, reader) : filteredPage(query, plan, reader);
}
