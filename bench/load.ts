/**
 * One load measurement with autocannon (programmatic API, in this process): a warm-up run
 * that is thrown away, then the measured run. Latency percentiles are computed from every
 * 2xx response time (autocannon's own summary has no p95).
 */
import autocannon, { type AutocannonRequest, type AutocannonResult } from 'autocannon';
import { percentiles, type Percentiles } from './stats.js';

export interface LoadSettings {
  durationSec: number;
  warmupSec: number;
  connections: number;
  /** Send at this overall rate (requests/s) instead of as fast as possible. */
  rate?: number;
}

export interface LoadRequest {
  method: 'GET' | 'POST' | 'PATCH';
  headers?: Record<string, string>;
  /** Called for every request: the path (with query) and body to send. */
  next(): { path: string; body?: string };
}

export interface LoadResult {
  requestsPerSec: number;
  latencyMs: Percentiles;
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
}

export async function measureLoad(
  url: string,
  request: LoadRequest,
  settings: LoadSettings,
): Promise<LoadResult> {
  if (settings.warmupSec > 0) await runAutocannon(url, request, settings, settings.warmupSec, []);
  const latencies: number[] = [];
  const result = await runAutocannon(url, request, settings, settings.durationSec, latencies);
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([code, stat]) => [code, stat.count]),
  );
  return {
    requestsPerSec: Math.round(result.requests.total / result.duration),
    latencyMs: percentiles(latencies),
    requests: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
  };
}

function runAutocannon(
  url: string,
  request: LoadRequest,
  settings: LoadSettings,
  durationSec: number,
  latencies: number[],
): Promise<AutocannonResult> {
  const template: AutocannonRequest = {
    method: request.method,
    headers: request.headers ?? {},
    setupRequest: (req) => ({ ...req, ...request.next() }),
  };
  const instance = autocannon({
    url,
    connections: settings.connections,
    pipelining: 1,
    duration: durationSec,
    ...(settings.rate === undefined ? {} : { overallRate: settings.rate }),
    timeout: 10,
    requests: [template],
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, ms: number) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(ms);
  });
  return new Promise<AutocannonResult>((resolve, reject) => instance.then(resolve, reject));
}
