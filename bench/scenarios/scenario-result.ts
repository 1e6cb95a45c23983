/** Turns a load measurement into a row of the report, with its target and baseline ratio. */
import type { Adapter, ScenarioName } from '../bench-options.js';
import { measureLoad, type LoadRequest, type LoadResult, type LoadSettings } from '../load.js';
import { measurePacedLoad } from '../paced-load.js';
import { note } from '../progress.js';
import type { BaselineReport, ScenarioResult } from '../report.js';
import { round2 } from '../stats.js';
import { loadTarget, loadTargetMet } from '../targets.js';

export interface ScenarioContext {
  adapter: Adapter;
  url: string;
  settings: LoadSettings;
  baseline: BaselineReport | null;
}

type LoadScenario = Exclude<ScenarioName, 'batch-upsert'>;

/** Runs the load and builds the report row; `family` picks the baseline to compare with. */
export async function runLoadScenario(
  context: ScenarioContext,
  scenario: LoadScenario,
  request: LoadRequest,
  extras: { averageResults?: number } = {},
): Promise<ScenarioResult> {
  note(`${context.adapter} ${scenario}: measuring ${context.settings.durationSec} s`);
  const load = await measureLoad(context.url, request, context.settings);
  const target = loadTarget(context.adapter, scenario);
  const atTargetRate =
    target.maxP95Ms === undefined
      ? undefined
      : await measureAtRate(context, scenario, request, target.minRequestsPerSec);
  const baseline = request.method === 'GET' ? context.baseline?.get : context.baseline?.post;
  const result: ScenarioResult = {
    scenario,
    adapter: context.adapter,
    requestsPerSec: load.requestsPerSec,
    latencyMs: load.latencyMs,
    requests: load.requests,
    errors: load.errors,
    non2xx: load.non2xx,
    baselineRatio: baseline ? round2(load.requestsPerSec / baseline.requestsPerSec) : Number.NaN,
    ...extras,
    ...(atTargetRate === undefined ? {} : { atTargetRate }),
    target,
    met: loadTargetMet(target, load, atTargetRate),
  };
  note(`${context.adapter} ${scenario}: ${summary(load)}${result.met ? '' : ' — target missed'}`);
  return result;
}

export function summary(load: LoadResult): string {
  const { p50, p95, p99 } = load.latencyMs;
  const failures = load.errors + load.non2xx;
  return (
    `${load.requestsPerSec} req/s, p50 ${p50} ms, p95 ${p95} ms, p99 ${p99} ms` +
    (failures > 0
      ? `, ${load.errors} errors, status codes ${JSON.stringify(load.statusCodes)}`
      : '')
  );
}

/** Most requests in flight in the fixed-rate run: far more than a server keeping up needs. */
const RATE_CONNECTIONS = 20;

async function measureAtRate(
  context: ScenarioContext,
  scenario: LoadScenario,
  request: LoadRequest,
  rate: number,
) {
  note(
    `${context.adapter} ${scenario}: latency at ${rate} req/s, ${context.settings.durationSec} s`,
  );
  // Evenly paced (paced-load.ts): autocannon's rate limit sends each second's requests in
  // one burst, which measures queueing behind the burst rather than the server.
  const settings = { ...context.settings, connections: RATE_CONNECTIONS, rate };
  const load = await measurePacedLoad(context.url, request, settings);
  note(`${context.adapter} ${scenario} at ${rate} req/s: ${summary(load)}`);
  return {
    rate,
    connections: RATE_CONNECTIONS,
    requestsPerSec: load.requestsPerSec,
    latencyMs: load.latencyMs,
  };
}
