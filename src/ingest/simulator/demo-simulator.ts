/**
 * The demo city that `civis start` runs in process unless --no-demo: a small fleet of every
 * kind (120 devices, ~20 messages/s) sending to the platform's own southbound APIs, so that
 * a fresh install shows a living town. It starts after the platform listens, never delays
 * or fails the start: a platform that refuses it gets a warning, and the demo stops.
 */
import type { Logger } from 'pino';
import { parseSimulateOptions, type RawSimulateOptions } from './simulate.options.js';
import type { Simulation } from './simulation.js';
import { runSimulator } from './simulator.js';

export const DEMO_DEVICES = 120;
export const DEMO_RATE = 20;
const WARN_EVERY_MS = 60_000;

export interface DemoSimulator {
  stop(): Promise<void>;
}

export function startDemoSimulator(options: {
  /** The platform's own HTTP URL (loopback). */
  url: string;
  /** The embedded broker, when there is one: devices then use MQTT too. */
  mqttUrl?: string;
  logger: Logger;
  devices?: number;
  rate?: number;
}): DemoSimulator {
  const log = options.logger;
  const raw: RawSimulateOptions = {
    url: options.url,
    mqttUrl: options.mqttUrl,
    devices: String(options.devices ?? DEMO_DEVICES),
    rate: String(options.rate ?? DEMO_RATE),
    transport: options.mqttUrl ? 'mixed' : 'http',
    prefix: 'demo',
    maxInFlight: '1000',
  };
  let stopped = false;
  let simulation: Simulation | undefined;
  let warnTimer: NodeJS.Timeout | undefined;

  const started = (async () => {
    const run = await runSimulator(parseSimulateOptions(raw), { logger: log });
    simulation = run.simulation;
    if (stopped) return;
    let reported = 0;
    warnTimer = setInterval(() => {
      const stats = run.simulation.stats();
      if (stats.failed === reported) return;
      reported = stats.failed;
      log.warn({ failed: stats.failed, failures: stats.failures }, 'Demo city messages refused');
    }, WARN_EVERY_MS);
    warnTimer.unref();
  })().catch((error: unknown) => {
    log.warn({ err: error }, 'The demo city could not start (civis start --no-demo turns it off)');
  });

  return {
    async stop() {
      stopped = true;
      clearInterval(warnTimer);
      await started;
      clearInterval(warnTimer);
      await simulation?.stop();
    },
  };
}
