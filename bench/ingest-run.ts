/**
 * The ingest benchmark of issue #4 (scenarios/ingest.scenario.ts): the baseline broker once,
 * then each adapter on a fresh Civis and store, its embedded MQTT broker on a free port.
 * `ingest-external`: the same through a Mosquitto of the bench's own (mosquitto-broker.ts)
 * that Civis subscribes to, with that Mosquitto and no subscriber as its baseline.
 */
import type { BenchOptions } from './bench-options.js';
import { freePort } from '../test/support/free-port.js';
import { note } from './progress.js';
import {
  benchIngest,
  benchIngestBaseline,
  ingestTargetRate,
  type IngestBaselineReport,
  type IngestReport,
} from './scenarios/ingest.scenario.js';
import { startBenchMosquitto } from './mosquitto-broker.js';
import { startBaselineMqttBroker, startCivisServer } from './server-process.js';
import { createStorage } from './storage.js';

export interface IngestRuns {
  baseline: IngestBaselineReport | null;
  results: IngestReport[];
  externalBaseline: IngestBaselineReport | null;
  external: IngestReport[];
}

export async function benchIngestAll(
  options: BenchOptions,
  scenarios: { embedded: boolean; external: boolean },
): Promise<IngestRuns> {
  const settings = {
    devices: options.ingestDevices,
    durationSec: options.ingestDurationSec,
    rate: options.ingestRate,
  };
  const rate = options.ingestRate ?? Math.max(...options.adapters.map(ingestTargetRate));
  const runs: IngestRuns = { baseline: null, results: [], externalBaseline: null, external: [] };
  if (scenarios.embedded) {
    const broker = await startBaselineMqttBroker();
    try {
      runs.baseline = await benchIngestBaseline(broker, { ...settings, rate });
    } finally {
      await broker.stop();
    }
    for (const adapter of options.adapters) {
      const mqttPort = await freePort();
      runs.results.push(
        await withCivis(options, adapter, ['--mqtt-port', String(mqttPort)], (server) =>
          benchIngest(adapter, server, `mqtt://127.0.0.1:${mqttPort}`, settings),
        ),
      );
    }
  }
  if (scenarios.external) {
    const baselineBroker = await startBenchMosquitto();
    try {
      runs.externalBaseline = await benchIngestBaseline(
        baselineBroker,
        { ...settings, rate },
        'mosquitto (no subscriber)',
      );
    } finally {
      await baselineBroker.stop();
    }
    for (const adapter of options.adapters) {
      // A fresh broker per run: nothing queued for Civis from an earlier one.
      const mosquitto = await startBenchMosquitto();
      try {
        const args = ['--mqtt-url', mosquitto.url];
        runs.external.push(
          await withCivis(options, adapter, args, (server) =>
            benchIngest(adapter, server, mosquitto.url, settings, 'mosquitto'),
          ),
        );
      } finally {
        await mosquitto.stop();
      }
    }
  }
  return runs;
}

/** A fresh store and Civis for one run. */
async function withCivis<T>(
  options: BenchOptions,
  adapter: BenchOptions['adapters'][number],
  args: string[],
  run: (server: Awaited<ReturnType<typeof startCivisServer>>) => Promise<T>,
): Promise<T> {
  const storage = await createStorage(adapter, options.postgresUrl);
  try {
    const server = await startCivisServer([...storage.args, ...args], {
      profileDir: options.profileDir,
    });
    note(`${adapter}: Civis (pid ${server.pid}) listening at ${server.url}, ${args.join(' ')}`);
    try {
      return await run(server);
    } finally {
      await server.stop();
    }
  } finally {
    await storage.dispose();
  }
}
