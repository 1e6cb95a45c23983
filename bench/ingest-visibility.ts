/**
 * What the ingest benchmark reads back from Civis: how long a published measurement takes to
 * show in an NGSI-LD query (sampled probes polling the entity), and how many measurements
 * were written (history instances counted with the temporal API's totalCount).
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

const API = '/ngsi-ld/v1';
/**
 * A probe polls every 2 ms while it is within the target (p99 < 200 ms), then at 5 % of
 * the time it has waited: under overload, 16 probes polling every 2 ms for seconds were
 * thousands of GETs a second, load of the bench's own that took CPU from the writes it
 * measured. Past 200 ms a latency is known to within 5 %, which is all a miss needs.
 */
const POLL_MS = 2;
const FINE_POLLING_MS = 250;
const POLL_SHARE_AFTER = 0.05;
const MAX_POLL_MS = 250;
const PROBE_TIMEOUT_MS = 10_000;
const MAX_PROBES_IN_FLIGHT = 16;

export interface VisibilityProbes {
  /** Starts a probe when fewer than the maximum are running: polls until `entityId` holds ≥ n. */
  probe(entityId: string, attribute: string, n: number, sentAtMs: number): void;
  /** Waits for the running probes, returns their latencies (ms) and the timeouts. */
  finish(): Promise<{ latenciesMs: number[]; timeouts: number }>;
}

export function createVisibilityProbes(url: string): VisibilityProbes {
  const pool = new Pool(url, { connections: MAX_PROBES_IN_FLIGHT, pipelining: 1 });
  const running = new Set<Promise<void>>();
  const latenciesMs: number[] = [];
  let timeouts = 0;

  const read = async (entityId: string, attribute: string): Promise<number> => {
    const response = await pool.request({
      method: 'GET',
      path: `${API}/entities/${encodeURIComponent(entityId)}?attrs=${attribute}&options=keyValues`,
    });
    const body = (await response.body.json()) as Record<string, unknown>;
    const value = response.statusCode === 200 ? body[attribute] : undefined;
    return typeof value === 'number' ? value : -1;
  };

  const run = async (entityId: string, attribute: string, n: number, sentAtMs: number) => {
    for (;;) {
      if ((await read(entityId, attribute)) >= n) {
        latenciesMs.push(performance.now() - sentAtMs);
        return;
      }
      const waited = performance.now() - sentAtMs;
      if (waited > PROBE_TIMEOUT_MS) {
        timeouts++;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, pollDelayMs(waited)));
    }
  };

  return {
    probe(entityId, attribute, n, sentAtMs) {
      if (running.size >= MAX_PROBES_IN_FLIGHT) return;
      const work = run(entityId, attribute, n, sentAtMs).catch(() => void timeouts++);
      running.add(work);
      void work.then(() => running.delete(work));
    },
    async finish() {
      await Promise.all([...running]);
      await pool.close();
      return { latenciesMs, timeouts };
    },
  };
}

/** How long a probe that has waited `waitedMs` waits before it reads again. */
export function pollDelayMs(waitedMs: number): number {
  if (waitedMs < FINE_POLLING_MS) return POLL_MS;
  return Math.min(MAX_POLL_MS, Math.round(waitedMs * POLL_SHARE_AFTER));
}

/**
 * A count that failed because Civis answered 503: the history, projected after the writes
 * on SQLite files, is more than a temporal request's 30 s wait behind; worth asking again.
 */
export function isHistoryBehind(error: unknown): boolean {
  return /answered 503/.test(String(error));
}

/**
 * Counts the history instances of `attribute` written at or after `since` for every entity
 * of `type` (format=aggregatedValues, aggrMethods=totalCount, one period), a page of 1,000
 * entities at a time; also returns the time of the last instance.
 */
export async function countWritten(
  url: string,
  type: string,
  attribute: string,
  since: string,
): Promise<{ instances: number; entities: number; lastAtMs: number }> {
  let instances = 0;
  let entities = 0;
  let lastAtMs = 0;
  for (let offset = 0; ; offset += 1000) {
    const path =
      `${API}/temporal/entities?type=${type}&attrs=${attribute}&format=aggregatedValues` +
      `&aggrMethods=totalCount&timerel=after&timeAt=${since}&limit=1000&offset=${offset}`;
    const response = await fetch(`${url}${path}`);
    const text = await response.text();
    if (response.status !== 200 && response.status !== 206)
      throw new Error(`GET ${path} answered ${response.status}: ${text.slice(0, 500)}`);
    const page = JSON.parse(text) as Array<Record<string, { totalCount?: unknown[] }>>;
    for (const entity of page) {
      entities++;
      for (const period of entity[attribute]?.totalCount ?? []) {
        const [count, , end] = period as [number, string, string];
        instances += count;
        // The period of a window without an end closes 1 ms after its last instance.
        lastAtMs = Math.max(lastAtMs, Date.parse(end) - 1);
      }
    }
    if (page.length < 1000) return { instances, entities, lastAtMs };
  }
}
