/**
 * Drives a fleet: every tick, the messages the pacer says are due go out, each to the next
 * device in the fleet's reporting order, with that device's reading for the (possibly
 * accelerated) city time, over its transport. Counts what was sent, acknowledged and
 * refused; stops after `durationSec` or on stop(), letting messages in flight finish.
 */
import { performance } from 'node:perf_hooks';
import { createCityClock } from './city-clock.js';
import { createReader, type ReadDevice, type Reading } from './device-readings.js';
import type { Fleet, SimulatedDevice } from './fleet.js';
import { encodePayload } from './payload-encoding.js';
import type { Publisher } from './publisher.js';
import { createPacer } from './rate-pacer.js';

export interface SimulationOptions {
  fleet: Fleet;
  timezone: string;
  /** Messages per second, all devices together. */
  rate: number;
  /** Seconds to run; undefined: until stop(). */
  durationSec?: number;
  /** City time runs this many times faster than real time (1: real time). */
  timeScale: number;
  maxInFlight: number;
  mqtt?: Publisher;
  http?: Publisher;
  /** Called for each message as it is sent, and once acknowledged (the benchmark's probes). */
  onSent?(device: SimulatedDevice, reading: Reading, sentAtMs: number): void;
  onAcked?(device: SimulatedDevice, reading: Reading, sentAtMs: number): void;
  /** Time to wait for acknowledgements when stopping. */
  drainTimeoutMs?: number;
  now?: () => number;
}

export interface SimulationStats {
  devices: number;
  rate: number;
  sent: number;
  acked: number;
  failed: number;
  inFlight: number;
  /** Messages due but held back because too many were unacknowledged. */
  behind: number;
  elapsedSec: number;
  /** Failures by reason (HTTP status, MQTT error message). */
  failures: Record<string, number>;
}

export interface Simulation {
  stats(): SimulationStats;
  /** Stops sending, waits for messages in flight (up to the drain timeout), closes transports. */
  stop(): Promise<SimulationStats>;
  /** Settles when the simulation ended (duration reached or stopped). */
  readonly done: Promise<SimulationStats>;
}

const TICK_MS = 10;

function failureReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 80 ? `${message.slice(0, 77)}...` : message;
}

export function startSimulation(options: SimulationOptions): Simulation {
  const { fleet } = options;
  const now = options.now ?? (() => performance.now());
  const count = fleet.devices.length;
  if (count === 0) throw new RangeError('a simulation needs at least one device');
  const startMs = now();
  const cityStart = Date.now();
  const cityClock = createCityClock(options.timezone);
  const pacer = createPacer({
    rate: options.rate,
    startMs,
    total:
      options.durationSec === undefined
        ? undefined
        : Math.round(options.rate * options.durationSec),
    maxInFlight: options.maxInFlight,
  });
  const readers: Array<ReadDevice | undefined> = new Array(count);
  const failures: Record<string, number> = {};
  let sent = 0;
  let acked = 0;
  let failed = 0;
  let inFlight = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopping: Promise<SimulationStats> | undefined;
  let finish: (stats: SimulationStats) => void = () => undefined;
  const done = new Promise<SimulationStats>((resolve) => (finish = resolve));
  const drained: Array<() => void> = [];

  const stats = (): SimulationStats => ({
    devices: count,
    rate: options.rate,
    sent,
    acked,
    failed,
    inFlight,
    behind: stopping ? 0 : pacer.behind(now()),
    elapsedSec: Math.round((now() - startMs) / 100) / 10,
    failures: { ...failures },
  });

  const settleOne = () => {
    inFlight--;
    if (inFlight === 0) for (const resolve of drained.splice(0)) resolve();
  };

  const sendOne = (cityTime: ReturnType<typeof cityClock>) => {
    const device = fleet.devices[fleet.order[sent % count]!]!;
    const read = (readers[device.index] ??= createReader(device));
    const reading = read(cityTime);
    const publisher = device.transport === 'MQTT' ? options.mqtt : options.http;
    const sentAt = now();
    sent++;
    inFlight++;
    options.onSent?.(device, reading, sentAt);
    if (!publisher) {
      failed++;
      failures['no transport'] = (failures['no transport'] ?? 0) + 1;
      settleOne();
      return;
    }
    publisher.publish(device, encodePayload(device.kind.protocol, reading)).then(
      () => {
        acked++;
        options.onAcked?.(device, reading, sentAt);
        settleOne();
      },
      (error: unknown) => {
        failed++;
        const reason = failureReason(error);
        failures[reason] = (failures[reason] ?? 0) + 1;
        settleOne();
      },
    );
  };

  const tick = () => {
    const t = now();
    const n = pacer.take(t, inFlight);
    if (n > 0) {
      const cityTime = cityClock(new Date(cityStart + (t - startMs) * options.timeScale));
      for (let i = 0; i < n; i++) sendOne(cityTime);
    }
    if (pacer.finished) void stop();
    else timer = setTimeout(tick, TICK_MS);
  };

  const stop = (): Promise<SimulationStats> => {
    stopping ??= (async () => {
      clearTimeout(timer);
      if (inFlight > 0) {
        let giveUp: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => drained.push(resolve)),
          new Promise<void>((resolve) => {
            giveUp = setTimeout(resolve, options.drainTimeoutMs ?? 10_000);
          }),
        ]);
        clearTimeout(giveUp);
      }
      await Promise.all([options.mqtt?.close(), options.http?.close()]);
      const final = stats();
      finish(final);
      return final;
    })();
    return stopping;
  };

  timer = setTimeout(tick, 0);
  return { stats, stop, done };
}
