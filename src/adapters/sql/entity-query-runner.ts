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
  /** How many entities a leaf selects, counted no further than `cap` (one of estimate, keys). */
  estimate?(leaf: Condition, cap: number): Promise<number>;
  /**
   * Replaces `estimate` (one round trip for all leaves): the primary keys each
   * leaf selects when it selects fewer than `cap` rows (an entity may come more than once),
   * `undefined` when it selects more (the reader may know it without reading).
   */
  keys?(leaves: Condition[], cap: number): Promise<Array<number[] | undefined>>;
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

/**
 * Probe order, most rejecting first (the engines evaluate AND left to right and stop at
 * the first false): q values and boxes usually reject most entities, the type of the
 * query's class almost none. A heuristic: the sizes read while planning only say "large".
 */
const PROBE_RANK: Record<Condition['kind'], number> = {
  ids: 0,
  value: 1,
  noValue: 1,
  bbox: 2,
  target: 3,
  attrs: 3,
  or: 4,
  and: 4,
  type: 5,
  all: 6,
  none: 0,
};

/** The conjunction of the leaves, ordered for probing (AND is commutative). */
function probeFilter(leaves: Condition[]): Condition {
  return and([...leaves].sort((a, b) => PROBE_RANK[a.kind] - PROBE_RANK[b.kind]));
}

/**
 * Reads the keys of every indexed conjunct (capped) and drives from the intersection of
 * those read completely: each such set is exactly its conjunct's, so the intersection is
 * exact too, and those conjuncts need no probe.
 */
async function planFromKeys(
  conjuncts: Condition[],
  indexed: Condition[],
  keys: NonNullable<CandidateReader['keys']>,
): Promise<CandidatePlan> {
  const keySets = await keys(indexed, DRIVER_MAX + 1);
  let driverKeys: Set<number> | undefined;
  const used = new Set<Condition>();
  indexed.forEach((leaf, i) => {
    const rows = keySets[i];
    if (rows === undefined || rows.length > DRIVER_MAX) return;
    used.add(leaf);
    const previous = driverKeys;
    driverKeys = new Set(previous === undefined ? rows : rows.filter((pk) => previous.has(pk)));
  });
  const rest = probeFilter(conjuncts.filter((leaf) => !used.has(leaf)));
  if (driverKeys === undefined) return { filter: rest };
  return { driverKeys: [...driverKeys].sort((a, b) => a - b), filter: rest };
}

/**
 * Chooses how candidates are read: from the keys of the selective conjuncts (a reader with
 * `keys`), or from the most selective conjunct when one is selective enough (`estimate`);
 * the other conjuncts are probed per entity, in PROBE_RANK order.
 */
export async function planCandidates(
  condition: Condition,
  reader: CandidateReader,
): Promise<CandidatePlan> {
  const conjuncts = condition.kind === 'and' ? condition.items : [condition];
  if (reader.keys !== undefined) {
    const indexed = conjuncts.filter(isIndexed);
    if (indexed.length > 0) return planFromKeys(conjuncts, indexed, reader.keys);
    return { filter: probeFilter(conjuncts) };
  }
  let best: { leaf: Condition; size: number } | undefined;
  for (const leaf of conjuncts) {
    if (!isIndexed(leaf) || reader.estimate === undefined) continue;
    const size =
      leaf.kind === 'ids' ? leaf.ids.length : await reader.estimate(leaf, DRIVER_MAX + 1);
    if (size <= DRIVER_MAX && (best === undefined || size < best.size)) best = { leaf, size };
    if (size === 0) break;
  }
  const driver = best?.leaf;
  const filter = probeFilter(conjuncts.filter((leaf) => leaf !== driver));
  return driver === undefined ? { filter } : { driver, filter };
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
  if (plan.driverKeys?.length === 0)
    return query.count ? { entities: [], totalCount: 0 } : { entities: [] };
  return exact ? exactPage(query, plan, reader) : filteredPage(query, plan, reader);
}
