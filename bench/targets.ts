/**
 * The targets of issue #2, for the SQLite adapter on a 2-core machine with client and
 * server on it; PostgreSQL must reach at least half of each (half the throughput, twice
 * the latency or time). The memory bound is the same for both.
 */
import type { Adapter, ScenarioName } from './bench-options.js';

export interface LoadTarget {
  minRequestsPerSec: number;
  maxP95Ms?: number;
}

const SQLITE_LOAD_TARGETS: Record<Exclude<ScenarioName, 'batch-upsert'>, LoadTarget> = {
  create: { minRequestsPerSec: 3_000 },
  'partial-update': { minRequestsPerSec: 5_000 },
  retrieve: { minRequestsPerSec: 8_000 },
  'query-q': { minRequestsPerSec: 1_000, maxP95Ms: 20 },
  'query-geo': { minRequestsPerSec: 1_000, maxP95Ms: 20 },
};

/** Median time of one batch upsert of 1,000 entities. */
const SQLITE_MAX_BATCH_UPSERT_MS = 100;
export const MAX_RSS_MIB = 400;

function factor(adapter: Adapter): number {
  return adapter === 'postgres' ? 2 : 1;
}

export function loadTarget(
  adapter: Adapter,
  scenario: Exclude<ScenarioName, 'batch-upsert'>,
): LoadTarget {
  const target = SQLITE_LOAD_TARGETS[scenario];
  const f = factor(adapter);
  return {
    minRequestsPerSec: target.minRequestsPerSec / f,
    ...(target.maxP95Ms === undefined ? {} : { maxP95Ms: target.maxP95Ms * f }),
  };
}

/**
 * Throughput comes from the as-fast-as-possible run; a latency bound is checked on the run
 * at the target rate, which must also have kept that rate (within 5 %).
 */
export function loadTargetMet(
  target: LoadTarget,
  result: { requestsPerSec: number },
  atRate?: { requestsPerSec: number; latencyMs: { p95: number } },
): boolean {
  if (result.requestsPerSec < target.minRequestsPerSec) return false;
  if (target.maxP95Ms === undefined) return true;
  return (
    atRate !== undefined &&
    atRate.requestsPerSec >= 0.95 * target.minRequestsPerSec &&
    atRate.latencyMs.p95 < target.maxP95Ms
  );
}

export function maxBatchUpsertMs(adapter: Adapter): number {
  return SQLITE_MAX_BATCH_UPSERT_MS * factor(adapter);
}
