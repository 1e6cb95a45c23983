/**
 * The RejectionStore when no database adapter is given (tests, tools): the newest
 * `capacity` rejections in memory, lost on restart.
 */
import type { Rejection } from '../ingest.types.js';
import type { RejectionFilter, RejectionStore } from '../ports/rejection-store.port.js';

export function createInMemoryRejectionStore(capacity: number): RejectionStore {
  let rows: Rejection[] = [];

  const matches = (filter: RejectionFilter) => (rejection: Rejection) =>
    (rejection.tenant ?? '') === filter.tenant &&
    (filter.reason === undefined || rejection.reason === filter.reason) &&
    (filter.deviceId === undefined || rejection.deviceId === filter.deviceId);

  return {
    async add(rejections) {
      rows.push(...rejections.map((rejection) => ({ ...rejection })));
      // Trimmed in steps, not on every add: slicing 10,000 rows per message would cost more.
      if (rows.length > capacity * 1.1 || rows.length > capacity + 1000)
        rows = rows.slice(rows.length - capacity);
    },
    async list(filter) {
      const kept = rows.length > capacity ? rows.slice(rows.length - capacity) : rows;
      const found = kept.filter(matches(filter)).reverse();
      return {
        rejections: found
          .slice(filter.offset, filter.offset + filter.limit)
          .map((rejection) => ({ ...rejection })),
        count: found.length,
      };
    },
    async countByReason(tenant) {
      const counts: Record<string, number> = {};
      const kept = rows.length > capacity ? rows.slice(rows.length - capacity) : rows;
      for (const rejection of kept.filter(matches({ tenant })))
        counts[rejection.reason] = (counts[rejection.reason] ?? 0) + 1;
      return counts;
    },
  };
}
