/**
 * queryEntities for both adapters: translate, read candidates in creation order. When the
 * SQL is the exact query, SQL pages and counts, and the rows are the answer; otherwise
 * candidates are streamed in pk order (keyset pagination) and the exact filter of
 * src/ngsi-ld/query/entity-filter.ts keeps those that match until the page is full (and,
 * for a count, to the end).
 */
import type { QueryPage } from '../../context/ports/entity-store.port.js';
import type { Entity } from '../../ngsi-ld/model.js';
import { matchesEntityQuery } from '../../ngsi-ld/query/entity-filter.js';
import type { EntityQuery } from '../../ngsi-ld/query/query.types.js';
import type { CandidatePlan } from './condition-sql.js';
import { walkKeyCount } from './condition-walk.js';
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
  /**
   * The primary keys each leaf selects when it selects fewer than `cap` rows (an entity
   * may come more than once), `undefined` when it selects more (the reader may know it
   * without reading: sql/large-leaves.ts); all leaves in one round trip.
   */
  keys(leaves: Condition[], cap: number): Promise<Array<number[] | undefined>>;
  /** The reader can read candidates by walking a leaf's index in pk order (condition-walk.ts). */
  walks?: boolean;
}

/**
 * A leaf selecting at most this many entities drives the query (its keys are read first);
 * above it, entities are scanned (or a leaf walked) in creation order and probed, which
 * finds a page of matches quickly precisely because many entities match.
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
 * exact too, and those conjuncts need no probe. Returns the conjuncts left to probe.
 */
async function keysOfConjuncts(
  conjuncts: Condition[],
  reader: CandidateReader,
): Promise<{ driverKeys?: number[]; rest: Condition[] }> {
  const indexed = conjuncts.filter(isIndexed);
  if (indexed.length === 0) return { rest: conjuncts };
  const keySets = await reader.keys(indexed, DRIVER_MAX + 1);
  let driverKeys: Set<number> | undefined;
  const used = new Set<Condition>();
  indexed.forEach((leaf, i) => {
    const rows = keySets[i];
    if (rows === undefined || rows.length > DRIVER_MAX) return;
    used.add(leaf);
    const previous = driverKeys;
    driverKeys = new Set(previous === undefined ? rows : rows.filter((pk) => previous.has(pk)));
  });
  const rest = conjuncts.filter((leaf) => !used.has(leaf));
  if (driverKeys === undefined) return { rest };
  return { driverKeys: [...driverKeys].sort((a, b) => a - b), rest };
}

/**
 * Chooses how candidates are read: from the keys of the selective conjuncts; when none is
 * selective, through the index of a walkable conjunct (a reader that `walks`) or else
 * every entity of the tenant in creation order. The other conjuncts are probed per entity,
 * in PROBE_RANK order.
 */
export async function planCandidates(
  condition: Condition,
  reader: CandidateReader,
): Promise<CandidatePlan> {
  const conjuncts = condition.kind === 'and' ? condition.items : [condition];
  const { driverKeys, rest } = await keysOfConjuncts(conjuncts, reader);
  if (driverKeys !== undefined) return { driverKeys, filter: probeFilter(rest) };
  const walk = reader.walks ? walkLeaf(rest) : undefined;
  const filter = probeFilter(rest.filter((leaf) => leaf !== walk));
  return walk === undefined ? { filter } : { walk, filter };
}

/**
 * The leaf to walk when none is small enough to drive: the sizes only say "large", so the
 * probe order decides (values before types), then the fewest index ranges (a number
 * equality is one range, a text equality three: string, vocabulary and relationship rows).
 */
function walkLeaf(conjuncts: Condition[]): Condition | undefined {
  let best: { leaf: Condition; rank: number; keys: number } | undefined;
  for (const leaf of conjuncts) {
    const keys = walkKeyCount(leaf);
    if (keys === undefined) continue;
    const rank = PROBE_RANK[leaf.kind];
    if (best === undefined || rank < best.rank || (rank === best.rank && keys < best.keys))
      best = { leaf, rank, keys };
  }
  return best?.leaf;
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
  // The translation is the query (entity-query-translator.ts says so only when it holds,
  // which the differential contract checks): the exact filter would keep every row.
  const entities = rows.map((row) => row.entity);
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
