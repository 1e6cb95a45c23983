/**
 * The temporal benchmarks of issue #3, on one server:
 * - history-append: instances of one attribute of one entity appended through
 *   POST /temporal/entities/{id}/attrs, 5,000 per request, one request at a time, until the
 *   entity holds `instances` (1,000,000 by default). Target ≥ 20,000 instances/s (SQLite;
 *   half on PostgreSQL).
 * - history-lastN: GET /temporal/entities/{id}?attrs=speed&lastN=100 under a light load (4
 *   connections). Target p95 < 5 ms.
 * - history-aggregate: hourly avg over the whole history (format=aggregatedValues,
 *   aggrMethods=avg, aggrPeriodDuration=PT1H), one request at a time. Target < 500 ms.
 */
import { performance } from 'node:perf_hooks';
import type { Adapter } from '../bench-options.js';
import { measureLoad, type LoadSettings } from '../load.js';
import { API, probe } from '../ngsi-client.js';
import { note } from '../progress.js';
import { percentiles, type Percentiles } from '../stats.js';

const ENTITY_ID = 'urn:ngsi-ld:Sensor:history-bench';
const PER_REQUEST = 5_000;
const START = Date.parse('2026-01-01T00:00:00Z');
const AGGREGATION_RUNS = 7;

export interface HistoryReport {
  adapter: Adapter;
  instances: number;
  append: { instancesPerSec: number; target: number; met: boolean };
  lastN: {
    requestsPerSec: number;
    latencyMs: Percentiles;
    target: { maxP95Ms: number };
    met: boolean;
  };
  aggregateHourlyAvg: {
    runs: number;
    medianMs: number;
    maxMs: number;
    periods: number;
    target: { maxMs: number };
    met: boolean;
  };
}

function factor(adapter: Adapter): number {
  return adapter === 'postgres' ? 2 : 1;
}

function instances(from: number, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    type: 'Property',
    value: ((from + i) * 7919) % 1000,
    observedAt: new Date(START + (from + i) * 1000).toISOString(),
  }));
}

export async function benchHistory(
  adapter: Adapter,
  url: string,
  options: { instances: number; lastNSettings: LoadSettings },
): Promise<HistoryReport> {
  const total = options.instances;
  note(`${adapter} history-append: ${total.toLocaleString('en')} instances of one attribute`);
  await probe(url, `${API}/temporal/entities`, {
    method: 'POST',
    body: JSON.stringify({ id: ENTITY_ID, type: 'Sensor', speed: instances(0, PER_REQUEST) }),
    expect: 201,
  });
  let appendMs = 0;
  for (let from = PER_REQUEST; from < total; from += PER_REQUEST) {
    const body = JSON.stringify({ speed: instances(from, Math.min(PER_REQUEST, total - from)) });
    const started = performance.now();
    await probe(url, `${API}/temporal/entities/${ENTITY_ID}/attrs`, {
      method: 'POST',
      body,
      expect: 204,
    });
    appendMs += performance.now() - started;
    if ((from / PER_REQUEST) % 40 === 0)
      note(`${adapter} history-append: ${from.toLocaleString('en')}`);
  }
  const appendRate = Math.round((total - PER_REQUEST) / (appendMs / 1000));
  const appendTarget = 20_000 / factor(adapter);
  note(`${adapter} history-append: ${appendRate} instances/s`);

  note(`${adapter} history-lastN: ${options.lastNSettings.durationSec} s`);
  const lastN = await measureLoad(
    url,
    {
      method: 'GET',
      next: () => ({ path: `${API}/temporal/entities/${ENTITY_ID}?attrs=speed&lastN=100` }),
    },
    { ...options.lastNSettings, connections: 4 },
  );
  const lastNTarget = 5 * factor(adapter);

  const end = new Date(START + total * 1000).toISOString();
  const path =
    `${API}/temporal/entities/${ENTITY_ID}?attrs=speed&format=aggregatedValues&aggrMethods=avg` +
    `&aggrPeriodDuration=PT1H&timerel=between&timeAt=${new Date(START).toISOString()}&endTimeAt=${end}`;
  const durations: number[] = [];
  let periods = 0;
  for (let run = 0; run < AGGREGATION_RUNS; run++) {
    const started = performance.now();
    const body = (await probe(url, path, { expect: 200 })) as { speed?: { avg?: unknown[] } };
    durations.push(performance.now() - started);
    periods = body.speed?.avg?.length ?? 0;
  }
  const aggregation = percentiles(durations);
  const maxMs = Math.round(Math.max(...durations));
  const aggregateTarget = 500 * factor(adapter);
  note(`${adapter} history-aggregate: median ${aggregation.p50} ms, ${periods} periods`);

  return {
    adapter,
    instances: total,
    append: { instancesPerSec: appendRate, target: appendTarget, met: appendRate >= appendTarget },
    lastN: {
      requestsPerSec: lastN.requestsPerSec,
      latencyMs: lastN.latencyMs,
      target: { maxP95Ms: lastNTarget },
      met: lastN.non2xx === 0 && lastN.errors === 0 && lastN.latencyMs.p95 < lastNTarget,
    },
    aggregateHourlyAvg: {
      runs: AGGREGATION_RUNS,
      medianMs: aggregation.p50,
      maxMs,
      periods,
      target: { maxMs: aggregateTarget },
      met: aggregation.p50 < aggregateTarget && periods > 0,
    },
  };
}
