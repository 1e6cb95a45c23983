/**
 * Sends requests at a fixed rate (not as fast as possible) over a keep-alive pool, for the
 * notification latency benchmark: request i is due at start + i ÷ rate and goes out then
 * (the pacer wakes every millisecond), whatever the answers of earlier ones, as independent
 * clients would send them. Until 2026-11-24 the requests due in each 10 ms went out
 * together, so every update queued behind up to nine others sent in the same instant.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { percentiles, type Percentiles } from './stats.js';

export interface RateRun {
  sent: number;
  failed: number;
  /** Achieved request rate over the run. */
  requestsPerSec: number;
  /** Due time → response of each successful request. */
  latencyMs: Percentiles;
}

/** How often the pacer wakes up to send what has become due. */
const TICK_MS = 1;

export async function sendAtRate(
  url: string,
  options: {
    rate: number;
    durationSec: number;
    method: string;
    /** Called once per request when it is due (`dueAt`, a performance.now() time). */
    next(index: number, dueAt: number): { path: string; body: string };
  },
): Promise<RateRun> {
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const target = new URL(url);
  let sent = 0;
  let failed = 0;
  const latencies: number[] = [];
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  const total = Math.round(options.rate * options.durationSec);

  const sendOne = (index: number, dueAt: number): Promise<void> =>
    new Promise<void>((resolve) => {
      const { path, body } = options.next(index, dueAt);
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method: options.method,
          path,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (response) => {
          const ok = (response.statusCode ?? 500) < 300;
          if (!ok) failed++;
          response.resume();
          response.on('end', () => {
            if (ok) latencies.push(performance.now() - dueAt);
            resolve();
          });
        },
      );
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end(body);
    });

  while (sent < total) {
    const now = performance.now();
    while (sent < total) {
      const dueAt = started + (sent * 1000) / options.rate;
      if (dueAt > now) break;
      const work = sendOne(sent++, dueAt);
      inFlight.add(work);
      void work.then(() => inFlight.delete(work));
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  const elapsedSec = (performance.now() - started) / 1000;
  await Promise.all([...inFlight]);
  agent.destroy();
  return {
    sent,
    failed,
    requestsPerSec: Math.round(sent / elapsedSec),
    latencyMs: percentiles(latencies),
  };
}
