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
import type { Condition } from './query-condition.js';
import { translateEntityQuery } from './entity-query-translator.js';

export interface CandidateRow {
  pk: number;
  entity: Entity;
}

/** How one adapter reads candidates of a condition (rendered by condition-sql.ts). */
export interface CandidateReader {
  select(
    condition: Condition,
    page: { afterPk?: number; limit: number; offset?: number },
  ): Promise<CandidateRow[]>;
  count(condition: Condition): Promise<number>;
}

/** Most candidates read per round trip when the SQL is only a prefilter. */
export const CANDIDATE_CHUNK = 500;

async function exactPage(
  query: EntityQuery,
  condition: Condition,
  reader: CandidateReader,
): Promise<QueryPage> {
  const rows =
    query.limit > 0
      ? await reader.select(condition, { limit: query.limit, offset: query.offset })
      : [];
  // The exact filter still runs: SQL only ever narrows, it never decides alone.
  const entities = rows
    .map((row) => row.entity)
    .filter((entity) => matchesEntityQuery(entity, query));
  return query.count ? { entities, totalCount: await reader.count(condition) } : { entities };
}

async function filteredPage(
  query: EntityQuery,
  condition: Condition,
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
    const rows = await reader.select(condition, { afterPk, limit: size });
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
  return exact ? exactPage(query, condition, reader) : filteredPage(query, condition, reader);
}
