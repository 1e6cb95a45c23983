/** The JSON document `npm run bench` prints (described in README.md). */
import { cpus, loadavg, totalmem } from 'node:os';
import type { Adapter, ScenarioName } from './bench-options.js';
import type { HistoryReport } from './scenarios/history.scenario.js';
import type { IngestBaselineReport, IngestReport } from './scenarios/ingest.scenario.js';
import type {
  NotificationLatencyReport,
  SubscriptionScalingReport,
} from './scenarios/notifications.scenario.js';
import type { LoadResult } from './load.js';
import type { Percentiles } from './stats.js';
import type { LoadTarget } from './targets.js';

export interface ScenarioResult {
  scenario: ScenarioName;
  adapter: Adapter;
  requestsPerSec: number;
  latencyMs: Percentiles;
  requests: number;
  errors: number;
  non2xx: number;
  /** requestsPerSec divided by the baseline's for the same method family (GET or body-carrying). */
  baselineRatio: number;
  /** Query scenarios: mean number of entities per answer, over sample queries sent beforehand. */
  averageResults?: number;
  /**
   * Latency targets: a second run at the target rate (not as fast as possible), since with a
   * closed loop of N connections latency is only N ÷ throughput.
   */
  atTargetRate?: {
    rate: number;
    connections: number;
    requestsPerSec: number;
    latencyMs: Percentiles;
  };
  target: LoadTarget;
  met: boolean;
}

export interface RssReport {
  adapter: Adapter;
  entities: number;
  afterLoadMiB: number;
  afterQueriesMiB: number | null;
  targetMaxMiB: number;
  met: boolean;
}

export interface BatchUpsertReport {
  adapter: Adapter;
  entitiesPerBatch: number;
  /** Batches that created new entities, while loading the query data set (store growing). */
  create: { runs: number; medianMs: number; p95Ms: number };
  /** Batches that replaced existing entities, in a store holding the query data set. */
  replace: { runs: number; medianMs: number; p95Ms: number };
  targetMaxMedianMs: number;
  met: boolean;
}

export interface BaselineReport {
  get: LoadResult;
  post: LoadResult;
}

export interface BenchReport {
  machine: { cpus: number; cpuModel: string; memGiB: number; node: string; loadAverage: number[] };
  date: string;
  settings: {
    connections: number;
    pipelining: 1;
    durationSec: number;
    warmupSec: number;
    queryEntities: number;
    seedEntities: number;
    quick: boolean;
  };
  baseline: BaselineReport | null;
  results: ScenarioResult[];
  rss: RssReport[];
  batchUpsert: BatchUpsertReport[];
  /** Issue #3: update → notification latency, matching cost, attribute history. */
  notifyLatency: NotificationLatencyReport[];
  subscriptionScaling: SubscriptionScalingReport[];
  history: HistoryReport[];
  /** Issue #4: MQTT ingest of 10,000 simulated devices, and the same publisher on a bare broker. */
  ingest: IngestReport[];
  ingestBaseline: IngestBaselineReport | null;
  /** The same through an external Mosquitto that Civis subscribes to (not a target of #4). */
  ingestExternal: IngestReport[];
  ingestExternalBaseline: IngestBaselineReport | null;
  /** False when any request failed or answered non-2xx: the figures are then not valid. */
  valid: boolean;
  problems: string[];
}

export function describeMachine(): BenchReport['machine'] {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}
