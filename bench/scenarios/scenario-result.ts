/** Turns a load measurement into a row of the report, with its target and baseline ratio. */
import type { Adapter, ScenarioName } from '../bench-options.js';
import { measureLoad, type LoadRequest, type LoadResult, type LoadSettings } from '../load.js';
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
    target,
    met: loadTargetMet(target, load),
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
