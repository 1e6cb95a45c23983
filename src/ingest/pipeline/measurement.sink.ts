/**
 * The MeasurementSink (ingest.types.ts): maps each measurement onto its entity update on
 * arrival, queues it in a bounded queue, and writes the queue in batches through the entity
 * service (`batchUpsert(…, 'update')`: missing entities are created, attributes merged).
 *
 * Batching: an idle sink waits `lingerMs` for company after the first measurement, or
 * writes at once when a batch is full; while a batch is being written the next one fills,
 * and is written as soon as the store is free. A batch holds one tenant's measurements and
 * each entity at most once per write — two measurements of one entity go to consecutive
 * writes, so that the history keeps both instances and their order.
 *
 * Writers: with `writers` > 1 the entities are shared out among that many lanes (by a hash
 * of the entity id), each writing its batches one after another as above, the lanes side
 * by side. An entity's measurements stay in one lane, so their order holds, and two lanes
 * never write the same entity. A store that runs writes concurrently (PostgreSQL, one
 * connection each) then overlaps one batch's database work with the next one's preparation;
 * a synchronous store (SQLite) gains nothing from more than one.
 *
 * `submit` resolves once its measurement committed. Refusals: 503 ingestSaturated when the
 * queue is full, 400 when nothing of a measurement can be mapped (each refused measure is
 * recorded as a Rejection), the store's per-item error when the entity write fails (the
 * other measurements of the batch are unaffected). `stop` refuses new measurements and
 * writes everything accepted before it resolves.
 */
import { setImmediate } from 'node:timers';
import type { Logger } from 'pino';
import type { EntityService } from '../../context/entity.service.js';
import type { JsonLdContextService } from '../../context/json-ld-context.service.js';
import type { JsonLdContext } from '../../ngsi-ld/context/json-ld-context.js';
import { CORE_JSON_LD_CONTEXT } from '../../ngsi-ld/context/json-ld-context-impl.js';
import type { ParsedEntity } from '../../ngsi-ld/entity/operations/index.js';
import {
  badRequestData,
  ingestSaturated,
  isProblemDetails,
  serviceUnavailable,
  type ProblemDetails,
} from '../../ngsi-ld/problem-details.js';
import type { Measurement, MeasurementSink, RejectionRecorder } from '../ingest.types.js';
import { FifoQueue } from '../../context/fifo-queue.js';
import { compileDevice, mapMeasurement, type CompiledDevice } from './measurement.mapper.js';

export interface MeasurementSinkSettings {
  /** Measurements waiting or being written at most; beyond, submit answers 503. */
  capacity: number;
  /** Measurements per write (one store transaction). */
  batchSize: number;
  /** How long an idle sink waits for more measurements before writing. */
  lingerMs: number;
  /** The pause a refused device is told to wait (Retry-After). Default 1 s. */
  retryAfterSeconds?: number;
  /** Batches written at once, each by its own lane of entities. Default 1. */
  writers?: number;
}

export interface MeasurementSinkDeps {
  entities: Pick<EntityService, 'batchUpsert'>;
  contexts: Pick<JsonLdContextService, 'resolve'>;
  rejections: RejectionRecorder;
  log: Pick<Logger, 'warn' | 'error'>;
  settings: MeasurementSinkSettings;
  /** How long a device's resolved @context is reused before it is resolved again. Default 60 s. */
  contextTtlMs?: number;
}

export interface RunningMeasurementSink extends MeasurementSink {
  submitAll(measurements: readonly Measurement[]): Promise<void>;
  whenAccepting(count: number): Promise<void>;
  /** Refuses new measurements (503) and resolves once every accepted one is written. */
  stop(): Promise<void>;
}

interface Pending {
  entity: ParsedEntity;
  measurement: Measurement;
  resolve(): void;
  reject(error: unknown): void;
}

const MAX_CACHED_CONTEXTS = 1000;

/** One writer: its tenants' queues, and the write it has running or planned. */
interface Lane {
  queues: Map<string, Pending[]>;
  queued: number;
  timer: NodeJS.Timeout | undefined;
  immediate: NodeJS.Immediate | undefined;
  running: Promise<void> | undefined;
}

function newLane(): Lane {
  return {
    queues: new Map(),
    queued: 0,
    timer: undefined,
    immediate: undefined,
    running: undefined,
  };
}

/** The lane of an entity id, of `count` (FNV-1a: cheap, and stable across restarts). */
export function laneOf(entityId: string, count: number): number {
  if (count <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < entityId.length; i++) {
    hash ^= entityId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % count;
}

export function createMeasurementSink(deps: MeasurementSinkDeps): RunningMeasurementSink {
  const { settings, rejections, log } = deps;
  const contextTtlMs = deps.contextTtlMs ?? 60_000;
  const lanes = Array.from({ length: Math.max(1, settings.writers ?? 1) }, newLane);
  const contexts = new Map<string, { context: JsonLdContext; until: number }>();
  const listeners: Array<(measurements: readonly Measurement[]) => void> = [];
  const reported = new WeakSet<CompiledDevice>();
  let inFlight = 0;
  let stopped = false;
  /** Transports waiting for room (whenAccepting), first come first served. */
  const waiters = new FifoQueue<{ count: number; resolve: () => void }>();
  let recheck: NodeJS.Immediate | undefined;

  /** Measurements accepted and not yet written: waiting in a lane, or being written. */
  function held(): number {
    let waiting = 0;
    for (const lane of lanes) waiting += lane.queued;
    return waiting + inFlight;
  }

  /**
   * Wakes the waiters the free room holds, in order; all of them once stopped. A woken
   * waiter may never submit (its connection ended, its message was refused): the room it
   * was given is looked at again once the woken ones had their turn, else the waiters
   * behind it would wait for a write that never comes.
   */
  function wakeWaiters(): void {
    let free = settings.capacity - held();
    let woken = 0;
    for (let first = waiters.peek(); first !== undefined; first = waiters.peek()) {
      if (!stopped && first.count > free) break;
      free -= first.count;
      waiters.shift();
      woken++;
      first.resolve();
    }
    if (waiters.length > 0 && woken > 0 && recheck === undefined)
      recheck = setImmediate(() => {
        recheck = undefined;
        wakeWaiters();
      });
  }

  function cachedContext(measurement: Measurement, now: number): JsonLdContext | undefined {
    // Without an @context of its own a device uses the core context: no resolution needed.
    if (measurement.device.ldContext === undefined) return CORE_JSON_LD_CONTEXT;
    const entry = contexts.get(measurement.device.ldContext);
    return entry !== undefined && entry.until > now ? entry.context : undefined;
  }

  async function resolveContext(measurement: Measurement): Promise<void> {
    const key = measurement.device.ldContext ?? '';
    try {
      const context = await deps.contexts.resolve(key);
      if (contexts.size >= MAX_CACHED_CONTEXTS) contexts.clear();
      contexts.set(key, { context, until: Date.now() + contextTtlMs });
    } catch (error) {
      const detail = isProblemDetails(error) ? error.detail : (error as Error).message;
      record(
        measurement,
        'write-failed',
        `The device's @context ${key} is not available: ${detail}`,
      );
      throw error;
    }
  }

  function record(
    measurement: Measurement,
    reason: 'type-mismatch' | 'malformed-payload' | 'saturated' | 'write-failed',
    detail: string,
  ): void {
    const { device } = measurement.device;
    rejections.record({
      reason,
      transport: measurement.transport,
      tenant: device.tenant,
      apikey: device.apikey,
      deviceId: device.device_id,
      ...(measurement.source === undefined ? {} : { source: measurement.source }),
      detail,
    });
  }

  /** The entity update of a measurement, or the error refusing it (recorded already). */
  function map(measurement: Measurement, context: JsonLdContext): ParsedEntity | ProblemDetails {
    const compiled = compileDevice(measurement.device, context);
    const deviceId = measurement.device.device.device_id;
    if (compiled.problems.length > 0 && !reported.has(compiled)) {
      reported.add(compiled);
      log.warn({ deviceId, problems: compiled.problems }, 'Device mappings are misprovisioned');
    }
    if (compiled.misprovisioned !== undefined) {
      const detail = `Device ${deviceId} is misprovisioned: ${compiled.misprovisioned}`;
      record(measurement, 'write-failed', detail);
      return badRequestData(detail);
    }
    const mapped = mapMeasurement(measurement, compiled);
    for (const refusal of mapped.refused) record(measurement, refusal.reason, refusal.detail);
    if (mapped.measured > 0) return mapped.entity;
    if (mapped.refused.length > 0)
      return badRequestData(
        `No measure of device ${deviceId} could be written: ${mapped.refused.map((r) => r.detail).join('; ')}`,
      );
    const detail = `None of the measures of device ${deviceId} is a mapped attribute (explicitAttrs)`;
    record(measurement, 'malformed-payload', detail);
    return badRequestData(detail);
  }

  /** From the capacity check to the queue, synchronous: a message is admitted whole or not at all. */
  function admit(measurements: readonly Measurement[], now: number): Promise<void> {
    if (stopped) throw serviceUnavailable('The ingest pipeline is stopping; retry later');
    if (held() + measurements.length > settings.capacity) {
      const retryAfter = settings.retryAfterSeconds ?? 1;
      const first = measurements[0];
      if (first !== undefined)
        record(first, 'saturated', `The ingest queue is full (${settings.capacity} measurements)`);
      throw ingestSaturated(
        `The ingest queue is full (${settings.capacity} measurements); retry in ${retryAfter} s`,
        retryAfter,
      );
    }
    const entities: ParsedEntity[] = [];
    for (const measurement of measurements) {
      const outcome = map(measurement, cachedContext(measurement, now) as JsonLdContext);
      if (isProblemDetails(outcome)) throw outcome;
      entities.push(outcome);
    }
    const done = measurements.map(
      (measurement, index) =>
        new Promise<void>((resolve, reject) => {
          enqueue({ entity: entities[index] as ParsedEntity, measurement, resolve, reject });
        }),
    );
    return done.length === 1 ? (done[0] as Promise<void>) : Promise.all(done).then(() => undefined);
  }

  function enqueue(pending: Pending): void {
    const tenant = pending.measurement.device.device.tenant;
    const lane = lanes[laneOf(pending.entity.id, lanes.length)] as Lane;
    let queue = lane.queues.get(tenant);
    if (queue === undefined) {
      queue = [];
      lane.queues.set(tenant, queue);
    }
    queue.push(pending);
    lane.queued++;
    if (lane.queued >= settings.batchSize) writeSoon(lane);
    else if (lane.timer === undefined && lane.immediate === undefined && lane.running === undefined)
      lane.timer = setTimeout(() => writeSoon(lane), settings.lingerMs);
  }

  function writeSoon(lane: Lane): void {
    if (lane.timer !== undefined) clearTimeout(lane.timer);
    lane.timer = undefined;
    if (lane.immediate !== undefined || lane.running !== undefined) return;
    lane.immediate = setImmediate(() => {
      lane.immediate = undefined;
      void run(lane);
    });
  }

  function run(lane: Lane): Promise<void> {
    lane.running ??= writeQueued(lane).finally(() => {
      lane.running = undefined;
      if (lane.queued > 0) writeSoon(lane);
    });
    return lane.running;
  }

  /** Writes until the lane is empty: what arrived during a write goes out right after it. */
  async function writeQueued(lane: Lane): Promise<void> {
    const { queues } = lane;
    while (lane.queued > 0) {
      for (const [tenant, queue] of queues) {
        if (queue.length === 0) {
          queues.delete(tenant);
          continue;
        }
        let batch = queue;
        if (queue.length <= settings.batchSize) queues.set(tenant, []);
        else batch = queue.splice(0, settings.batchSize);
        lane.queued -= batch.length;
        inFlight += batch.length;
        try {
          await writeBatch(tenant, batch);
        } finally {
          inFlight -= batch.length;
          wakeWaiters();
        }
        // A synchronous store (better-sqlite3) resolves a write in microtasks only: without
        // a turn of the event loop between batches, a saturated queue kept sockets, timers
        // and queries waiting for as long as it stayed full (stalls of tens of seconds,
        // MQTT CONNECTs timing out).
        await nextTurn();
      }
    }
  }

  async function writeBatch(tenant: string, batch: Pending[]): Promise<void> {
    const written: Measurement[] = [];
    for (const round of rounds(batch)) {
      let errors: Map<string, ProblemDetails>;
      try {
        const result = await deps.entities.batchUpsert(
          tenant,
          round.map((pending) => ({ id: pending.entity.id, input: pending.entity })),
          'update',
        );
        errors = new Map(result.errors.map((e) => [e.entityId, e.error]));
      } catch (error) {
        log.error(
          { err: error, tenant, measurements: round.length },
          'Writing measurements failed',
        );
        const failure = serviceUnavailable('Storing the measurement failed; retry later');
        for (const pending of round) fail(pending, failure);
        continue;
      }
      for (const pending of round) {
        const error = errors.get(pending.entity.id);
        if (error === undefined) {
          pending.resolve();
          written.push(pending.measurement);
        } else fail(pending, error);
      }
    }
    if (written.length > 0) notify(written);
  }

  function fail(pending: Pending, error: ProblemDetails): void {
    record(pending.measurement, 'write-failed', `Entity ${pending.entity.id}: ${error.detail}`);
    pending.reject(error);
  }

  function notify(measurements: readonly Measurement[]): void {
    for (const listener of listeners) {
      try {
        listener(measurements);
      } catch (error) {
        log.warn({ err: error }, 'A listener of written measurements failed');
      }
    }
  }

  function submitAll(measurements: readonly Measurement[]): Promise<void> {
    if (measurements.length === 0) return Promise.resolve();
    const now = Date.now();
    const missing = measurements.filter((m) => cachedContext(m, now) === undefined);
    if (missing.length === 0) {
      try {
        return admit(measurements, now);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return Promise.all(missing.map(resolveContext)).then(() => admit(measurements, Date.now()));
  }

  return {
    get pending() {
      return held();
    },
    submit: (measurement) => submitAll([measurement]),
    submitAll,
    onWritten(listener) {
      listeners.push(listener);
    },
    whenAccepting(count) {
      // More than the whole queue holds waits for an empty queue only.
      const need = Math.min(count, settings.capacity);
      if (stopped || (waiters.length === 0 && held() + need <= settings.capacity))
        return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push({ count: need, resolve }));
    },
    async stop() {
      stopped = true;
      wakeWaiters();
      // Every lane drains, even when another one fails; the first failure is reported.
      const drained = await Promise.allSettled(
        lanes.map(async (lane) => {
          if (lane.timer !== undefined) clearTimeout(lane.timer);
          lane.timer = undefined;
          while (lane.queued > 0 || lane.running !== undefined) await run(lane);
        }),
      );
      const failed = drained.find((outcome) => outcome.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    },
  };
}

/** Splits a batch so that each entity appears once per write, keeping each entity's order. */
function rounds(batch: Pending[]): Pending[][] {
  const result: Pending[][] = [[]];
  const next = new Map<string, number>();
  for (const pending of batch) {
    const round = next.get(pending.entity.id) ?? 0;
    next.set(pending.entity.id, round + 1);
    (result[round] ??= []).push(pending);
  }
  return result;
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
