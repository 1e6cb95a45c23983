/**
 * An open-loop load at a fixed rate: request i is due at start + i ÷ rate, sent on a free
 * keep-alive connection, and its latency counts from when it was due (so a server that
 * falls behind is charged for the wait; no coordinated omission). This is the latency of a
 * server *serving* the rate. autocannon's own rate limit (`overallRate`) is no such thing:
 * each connection sends its share of a second back to back at the start of the second and
 * then waits, so with 20 connections every request queues behind about 19 others and the
 * latency measured is about 20 × the service time, whatever the rate.
 */
import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { LoadRequest, LoadResult } from './load.js';
import { percentiles } from './stats.js';

export interface PacedSettings {
  rate: number;
  durationSec: number;
  warmupSec: number;
  /** Most requests in flight (keep-alive connections). */
  connections: number;
}

/** A request is abandoned (and counted as an error) after this long. */
const TIMEOUT_MS = 10_000;
/** How often the pacer wakes up to send what has become due. */
const TICK_MS = 1;

export async function measurePacedLoad(
  url: string,
  request: LoadRequest,
  settings: PacedSettings,
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: settings.connections });
  try {
    if (settings.warmupSec > 0) await pace(url, request, settings, settings.warmupSec, agent);
    return await pace(url, request, settings, settings.durationSec, agent);
  } finally {
    agent.destroy();
  }
}

async function pace(
  url: string,
  request: LoadRequest,
  settings: PacedSettings,
  durationSec: number,
  agent: Agent,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let errors = 0;
  let timeouts = 0;
  let non2xx = 0;
  let inFlight = 0;
  const total = Math.round(settings.rate * durationSec);
  const start = performance.now();
  let sent = 0;
  let done = 0;

  return new Promise<LoadResult>((resolve) => {
    const finish = () => {
      const elapsedSec = (performance.now() - start) / 1000;
      resolve({
        requestsPerSec: Math.round(done / Math.max(elapsedSec, durationSec)),
        latencyMs: percentiles(latencies),
        requests: done,
        errors,
        timeouts,
        non2xx,
        statusCodes,
      });
    };
    const complete = () => {
      inFlight -= 1;
      done += 1;
      if (sent === total && inFlight === 0) finish();
    };
    const send = (due: number) => {
      const { path, body } = request.next();
      inFlight += 1;
      const req = httpRequest(`${url}${path}`, {
        method: request.method,
        headers: request.headers,
        agent,
        timeout: TIMEOUT_MS,
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => {
          const code = res.statusCode ?? 0;
          statusCodes[code] = (statusCodes[code] ?? 0) + 1;
          if (code >= 200 && code < 300) latencies.push(performance.now() - due);
          else non2xx += 1;
          complete();
        });
      });
      req.on('timeout', () => {
        timeouts += 1;
        req.destroy(new Error('timeout'));
      });
      req.on('error', () => {
        errors += 1;
        complete();
      });
      req.end(body);
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total) {
        const due = start + (sent * 1000) / settings.rate;
        if (due > now) break;
        sent += 1;
        send(due);
      }
      if (sent < total) setTimeout(tick, TICK_MS);
    };
    tick();
  });
}
