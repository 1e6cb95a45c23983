/**
 * Sends requests at a fixed rate (not as fast as possible) over a keep-alive pool, for the
 * notification latency benchmark: every 10 ms the requests due so far go out, whatever the
 * answers of earlier ones, as independent clients would send them.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface RateRun {
  sent: number;
  failed: number;
  /** Achieved request rate over the run. */
  requestsPerSec: number;
}

export async function sendAtRate(
  url: string,
  options: {
    rate: number;
    durationSec: number;
    method: string;
    /** Called once per request, just before it is sent. */
    next(index: number): { path: string; body: string };
  },
): Promise<RateRun> {
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const target = new URL(url);
  let sent = 0;
  let failed = 0;
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  const total = Math.round(options.rate * options.durationSec);

  const sendOne = (index: number): Promise<void> =>
    new Promise<void>((resolve) => {
      const { path, body } = options.next(index);
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
          if ((response.statusCode ?? 500) >= 300) failed++;
          response.resume();
          response.on('end', resolve);
        },
      );
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end(body);
    });

  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * options.rate));
    while (sent < due) {
      const work = sendOne(sent++);
      inFlight.add(work);
      void work.then(() => inFlight.delete(work));
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const elapsedSec = (performance.now() - started) / 1000;
  await Promise.all([...inFlight]);
  agent.destroy();
  return { sent, failed, requestsPerSec: Math.round(sent / elapsedSec) };
}
