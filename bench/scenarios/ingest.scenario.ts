/**
 * The ingest benchmark of issue #4, for one storage adapter: a fresh Civis with its embedded
 * MQTT broker, 10,000 devices provisioned through the IoT Agent API (IoTA-JSON, 3 attributes:
 * a sequence number, temperature, humidity), each connected as itself, publishing with QoS 1
 * at the target rate (20,000/s SQLite, 10,000/s PostgreSQL) for the duration. The publisher
 * is the simulator's (src/ingest/simulator), in the bench process.
 *
 * With `broker: 'mosquitto'` (bench/mosquitto-broker.ts) the devices publish to an external
 * Mosquitto that Civis subscribes to: Mosquitto acknowledges the publishers itself and holds
 * what Civis has not taken yet, so the written count waits for that backlog.
 *
 * Measured: messages published and acknowledged (a PUBACK leaves once the write is durable),
 * measurements written (history instances counted afterwards), lost = acknowledged − written
 * (must be 0), the written rate, publication → acknowledgement latency of every message,
 * publication → visible in an NGSI-LD query for sampled messages (target p99 < 200 ms), and
 * the server's RSS every second. The baseline runs the same publisher against a bare aedes
 * broker that writes nothing.
 */
import { performance } from 'node:perf_hooks';
import { indexCity } from '../../src/ingest/simulator/demo-city.model.js';
import { loadDemoCity } from '../../src/ingest/simulator/demo-city.loader.js';
import { buildFleet, type Fleet } from '../../src/ingest/simulator/fleet.js';
import { createMqttPublisher } from '../../src/ingest/simulator/mqtt-publisher.js';
import { provisionFleet } from '../../src/ingest/simulator/provisioning.client.js';
import type { Publisher } from '../../src/ingest/simulator/publisher.js';
import { startSimulation, type SimulationOptions } from '../../src/ingest/simulator/simulation.js';
import type { Adapter } from '../bench-options.js';
import { startCpuMeter, type CpuUse } from '../cpu-meter.js';
import { countWritten, createVisibilityProbes, isHistoryBehind } from '../ingest-visibility.js';
import { note } from '../progress.js';
import type { ServerProcess } from '../server-process.js';
import { percentiles, round2, type Percentiles } from '../stats.js';

export const INGEST_DEVICES = 10_000;
const SEQUENCE = 'sequenceNumber';
const ENTITY_TYPE = 'BenchmarkSensor';
/** Sampled visibility probes per second (at most 16 at a time). */
const PROBES_PER_SEC = 50;
const WARMUP_RATE = 5_000;

export function ingestTargetRate(adapter: Adapter): number {
  return adapter === 'postgres' ? 10_000 : 20_000;
}

export interface PublishRun {
  targetRate: number;
  durationSec: number;
  sent: number;
  acked: number;
  failed: number;
  failures: Record<string, number>;
  publishedPerSec: number;
  /** Publication → PUBACK, every message. */
  ackLatencyMs: Percentiles;
  /** Acknowledgements in each second of the run. */
  ackedPerSecond: number[];
  /** CPU used while publishing (the `durationSec` window): the publisher, the broker, the machine. */
  cpu: CpuUse;
}

export interface IngestReport {
  adapter: Adapter;
  /** Where devices publish: Civis' embedded broker, or an external Mosquitto Civis subscribes to. */
  broker: 'embedded' | 'mosquitto';
  devices: number;
  attributesPerMessage: number;
  run: PublishRun;
  written: { measurements: number; entities: number; perSec: number };
  /** Acknowledged but not written (must be 0). */
  lost: number;
  /** Publication → the value shows in GET /entities/{id}, sampled. */
  visibleLatencyMs: Percentiles & { samples: number; timeouts: number };
  rss: {
    everySecondMiB: number[];
    firstMiB: number;
    maxMiB: number;
    lastMiB: number;
    growthMiBPerMin: number;
  };
  target: { minWrittenPerSec: number; lost: 0; maxVisibleP99Ms: number };
  met: boolean;
}

export interface IngestBaselineReport {
  broker: 'aedes (no writes)' | 'mosquitto (no subscriber)';
  devices: number;
  run: PublishRun;
}

export function benchFleet(devices: number): Fleet {
  return buildFleet({
    seed: 1,
    devices,
    kinds: ['benchmark'],
    transport: 'mqtt',
    prefix: 'bench',
    city: indexCity(loadDemoCity()),
  });
}

/** Connects every device (one message each, not measured), then the measured run. */
async function publish(
  broker: { url: string; pid: number },
  fleet: Fleet,
  settings: { rate: number; durationSec: number },
  hooks: Pick<SimulationOptions, 'onSent'> = {},
  beforeRun: () => Promise<void> = async () => undefined,
): Promise<PublishRun> {
  const mqtt = createMqttPublisher({
    url: broker.url,
    auth: { mode: 'device' },
    qos: 1,
    connectConcurrency: 200,
  });
  const devices = fleet.devices.length;
  const keepOpen: Publisher = {
    publish: (d, p) => mqtt.publish(d, p),
    close: async () => undefined,
  };
  const warmupRate = Math.min(WARMUP_RATE, settings.rate);
  note(`ingest: connecting ${devices.toLocaleString('en')} devices (one message each)`);
  const warmup = await startSimulation({
    fleet,
    timezone: 'UTC',
    rate: warmupRate,
    durationSec: devices / warmupRate,
    timeScale: 1,
    maxInFlight: 20_000,
    mqtt: keepOpen,
  }).done;
  if (warmup.failed > 0)
    throw new Error(
      `ingest warm-up: ${warmup.failed} messages failed: ${JSON.stringify(warmup.failures)}`,
    );
  await beforeRun();

  const ackLatencies: number[] = [];
  const ackedPerSecond: number[] = [];
  const started = performance.now();
  note(`ingest: ${settings.rate.toLocaleString('en')} messages/s for ${settings.durationSec} s`);
  const meter = startCpuMeter(broker.pid);
  let cpu: CpuUse | undefined;
  const publishingEnds = setTimeout(() => (cpu = meter.stop()), settings.durationSec * 1000);
  const run = await startSimulation({
    fleet,
    timezone: 'UTC',
    rate: settings.rate,
    durationSec: settings.durationSec,
    timeScale: 1,
    maxInFlight: 50_000,
    mqtt,
    drainTimeoutMs: 30_000,
    onSent: hooks.onSent,
    onAcked: (_device, _reading, sentAt) => {
      const now = performance.now();
      ackLatencies.push(now - sentAt);
      const second = Math.floor((now - started) / 1000);
      ackedPerSecond[second] = (ackedPerSecond[second] ?? 0) + 1;
    },
  }).done;
  clearTimeout(publishingEnds);
  cpu ??= meter.stop();
  const elapsedSec = (performance.now() - started) / 1000;
  return {
    targetRate: settings.rate,
    durationSec: settings.durationSec,
    sent: run.sent,
    acked: run.acked,
    failed: run.failed,
    failures: run.failures,
    publishedPerSec: Math.round(run.sent / Math.min(elapsedSec, settings.durationSec)),
    ackLatencyMs: percentiles(ackLatencies),
    ackedPerSecond: Array.from(ackedPerSecond, (n) => n ?? 0),
    cpu,
  };
}

export async function benchIngestBaseline(
  broker: Pick<ServerProcess, 'url' | 'pid'>,
  settings: { devices: number; rate: number; durationSec: number },
  kind: IngestBaselineReport['broker'] = 'aedes (no writes)',
): Promise<IngestBaselineReport> {
  note(`ingest baseline: ${kind} at ${broker.url}`);
  const run = await publish(broker, benchFleet(settings.devices), settings);
  note(
    `ingest baseline: ${run.publishedPerSec} messages/s published, ack p99 ${run.ackLatencyMs.p99} ms, ` +
      cpuNote(run.cpu),
  );
  return { broker: kind, devices: settings.devices, run };
}

export async function benchIngest(
  adapter: Adapter,
  server: ServerProcess,
  mqttUrl: string,
  settings: { devices: number; durationSec: number; rate?: number | undefined },
  broker: IngestReport['broker'] = 'embedded',
): Promise<IngestReport> {
  // The target stays the issue's; a lower offered rate (--ingest-rate) measures latency.
  const targetRate = ingestTargetRate(adapter);
  const rate = settings.rate ?? targetRate;
  const fleet = benchFleet(settings.devices);
  note(`${adapter} ingest: provisioning ${settings.devices.toLocaleString('en')} devices`);
  await provisionFleet(fleet, { baseUrl: server.url, batchSize: 1000 });
  const rssSamples: number[] = [];
  const rssTimer = setInterval(() => rssSamples.push(server.rssMiB()), 1000);
  const probes = createVisibilityProbes(server.url);
  const probeEvery = Math.max(1, Math.round(rate / PROBES_PER_SEC));
  let since = '';
  let sinceMs = 0;
  let sent = 0;
  // The CPU of Civis is measured, also when an external broker takes the publications.
  const run = await publish(
    { url: mqttUrl, pid: server.pid },
    fleet,
    { rate, durationSec: settings.durationSec },
    {
      onSent: (device, reading, sentAt) => {
        // n = 1 came in the warm-up; a probe waits for this run's value.
        const n = reading['n'] as number;
        if (sent++ % probeEvery === 0 && n >= 2) probes.probe(device.entityId, SEQUENCE, n, sentAt);
      },
    },
    async () => {
      // Instances of the run are those written after this instant (same clock as Civis).
      await new Promise((resolve) => setTimeout(resolve, 1000));
      sinceMs = Date.now();
      since = new Date(sinceMs).toISOString();
      rssSamples.length = 0;
    },
  );
  clearInterval(rssTimer);
  const visibility = await probes.finish();
  note(`${adapter} ingest: counting the measurements written`);
  const giveUpAt = performance.now() + 15 * 60_000;
  let written =
    broker === 'mosquitto'
      ? { instances: 0, entities: 0, lastAtMs: sinceMs }
      : await countOnceHistoryCaughtUp(server.url, since, giveUpAt);
  if (broker === 'mosquitto') {
    // Mosquitto acknowledged the publishers and holds what Civis has not taken yet: counted
    // once that backlog is written (or stops moving: what never comes was lost).
    // While Civis writes the backlog, a count may be answered 503 (the history, projected
    // after the writes, is more than its 30 s wait behind): tried again.
    let lastChange = performance.now();
    while (
      written.instances < run.acked &&
      performance.now() - lastChange < 60_000 &&
      performance.now() < giveUpAt
    ) {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const now = await countWritten(server.url, ENTITY_TYPE, SEQUENCE, since).catch(
        (error: unknown) => {
          if (!isHistoryBehind(error)) throw error;
          return undefined;
        },
      );
      if (now === undefined) {
        lastChange = performance.now(); // still writing
        continue;
      }
      if (now.instances !== written.instances) lastChange = performance.now();
      written = now;
    }
  }
  const writtenSec = Math.max(settings.durationSec, (written.lastAtMs - sinceMs) / 1000);
  const perSec = Math.round(written.instances / writtenSec);
  const visible = percentiles(visibility.latenciesMs);
  const half = rssSamples.slice(Math.floor(rssSamples.length / 2));
  const growth =
    half.length > 1 ? ((half[half.length - 1]! - half[0]!) / (half.length - 1)) * 60 : Number.NaN;
  const target = {
    minWrittenPerSec: 0.95 * targetRate,
    lost: 0 as const,
    maxVisibleP99Ms: 200,
  };
  const lost = Math.max(0, run.acked - written.instances);
  const report: IngestReport = {
    adapter,
    broker,
    devices: settings.devices,
    attributesPerMessage: 3,
    run,
    written: { measurements: written.instances, entities: written.entities, perSec },
    lost,
    visibleLatencyMs: {
      ...visible,
      samples: visibility.latenciesMs.length,
      timeouts: visibility.timeouts,
    },
    rss: {
      everySecondMiB: rssSamples,
      firstMiB: rssSamples[0] ?? Number.NaN,
      maxMiB: Math.max(...rssSamples),
      lastMiB: rssSamples[rssSamples.length - 1] ?? Number.NaN,
      growthMiBPerMin: round2(growth),
    },
    target,
    met:
      run.failed === 0 &&
      lost === 0 &&
      perSec >= target.minWrittenPerSec &&
      visibility.timeouts === 0 &&
      visible.p99 < target.maxVisibleP99Ms,
  };
  note(
    `${adapter} ingest (${broker} broker): published ${run.publishedPerSec}/s, written ${perSec}/s ` +
      `(${written.instances} of ${run.acked} acknowledged, lost ${lost}), ack p99 ${run.ackLatencyMs.p99} ms, ` +
      `visible p50 ${visible.p50} / p99 ${visible.p99} ms, RSS ${report.rss.firstMiB} → ${report.rss.lastMiB} MiB, ` +
      cpuNote(run.cpu) +
      (report.met ? '' : ' — target missed'),
  );
  return report;
}

/**
 * The count of what the embedded broker acknowledged (every acknowledged measurement is
 * written): on SQLite files the history is projected after the writes, and after a long
 * run it can be more than a temporal request's 30 s wait behind (503); asked again until
 * it caught up.
 */
async function countOnceHistoryCaughtUp(
  url: string,
  since: string,
  giveUpAt: number,
): Promise<Awaited<ReturnType<typeof countWritten>>> {
  for (;;) {
    try {
      return await countWritten(url, ENTITY_TYPE, SEQUENCE, since);
    } catch (error) {
      if (!isHistoryBehind(error) || performance.now() > giveUpAt) throw error;
      note('ingest: the history is still catching up with the writes; counting again');
    }
  }
}

/** The CPU figures of a run, for the progress log and the summary. */
export function cpuNote(cpu: CpuUse): string {
  return (
    `CPU cores: publisher ${cpu.benchCores}, server ${cpu.serverCores}, ` +
    `machine ${cpu.machineBusyCores} of ${cpu.machineCores} busy (softirq ${cpu.machineSoftirqCores})`
  );
}
