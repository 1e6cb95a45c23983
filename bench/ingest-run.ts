/**
 * The ingest benchmark of issue #4 (scenarios/ingest.scenario.ts): the baseline broker once,
 * then each adapter on a fresh Civis and store, its embedded MQTT broker on a free port.
 */
import { createServer, type AddressInfo } from 'node:net';
import type { BenchOptions } from './bench-options.js';
import { note } from './progress.js';
import {
  benchIngest,
  benchIngestBaseline,
  ingestTargetRate,
  type IngestBaselineReport,
  type IngestReport,
} from './scenarios/ingest.scenario.js';
import { startBaselineMqttBroker, startCivisServer } from './server-process.js';
import { createStorage } from './storage.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function benchIngestAll(
  options: BenchOptions,
): Promise<{ baseline: IngestBaselineReport; results: IngestReport[] }> {
  const settings = { devices: options.ingestDevices, durationSec: options.ingestDurationSec };
  const broker = await startBaselineMqttBroker();
  let baseline: IngestBaselineReport;
  try {
    const rate = Math.max(...options.adapters.map(ingestTargetRate));
    baseline = await benchIngestBaseline(broker, { ...settings, rate });
  } finally {
    await broker.stop();
  }
  const results: IngestReport[] = [];
  for (const adapter of options.adapters) {
    const storage = await createStorage(adapter, options.postgresUrl);
    try {
      const mqttPort = await freePort();
      const server = await startCivisServer([...storage.args, '--mqtt-port', String(mqttPort)], {
        profileDir: options.profileDir,
      });
      note(`${adapter}: Civis (pid ${server.pid}) listening at ${server.url}, MQTT on ${mqttPort}`);
      try {
        results.push(await benchIngest(adapter, server, `mqtt://127.0.0.1:${mqttPort}`, settings));
      } finally {
        await server.stop();
      }
    } finally {
      await storage.dispose();
    }
  }
  return { baseline, results };
}
