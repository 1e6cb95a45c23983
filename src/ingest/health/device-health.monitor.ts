/**
 * Device health (docs/lorawan-and-device-health.md): hears every durable measurement batch
 * (sink.onWritten) and, every `intervalMs`, per tenant:
 *  1. reads the Device entities of the devices that reported or may be stale (one query),
 *  2. raises an Alert for each device newly stale and closes the Alert of each stale device
 *     that reported again (batch upsert / batch update),
 *  3. writes dateLastValueReported, messageCount and deviceState of those devices in one
 *     batch update.
 * Alerts are written before the Device entities so that a failure between the two repeats
 * the alert (same id, an upsert) rather than losing it. Several instances share the work
 * through the Device entities: each reads what the others flushed before deciding. Devices
 * deleted from the registry are forgotten (device-health.pruning.ts), so memory follows it.
 */
import type { Logger } from 'pino';
import type { EntityService } from '../../context/entity.service.js';
import type { JsonLdContextService } from '../../context/json-ld-context.service.js';
import type { EntityFragment } from '../../ngsi-ld/entity/entity-fragment.js';
import type { IngestRuntime } from '../ingest.types.js';
import {
  alertClosedFragment,
  reportedFragment,
  staleAlert,
  staleAlertId,
  staleFragment,
  type HealthVocabulary,
} from './device-health.entities.js';
import { createDeviceHealthListing } from './device-health.listing.js';
import { createDeviceHealthPruning } from './device-health.pruning.js';
import { createDeviceHealthReader } from './device-health.reader.js';
import {
  applyStored,
  createDeviceHealthTracker,
  lastKnownReportMs,
  staleSince,
  type DeviceHealthEntry,
  type TakenReport,
} from './device-health.tracker.js';

export type DeviceHealthEntities = Pick<
  EntityService,
  'queryEntities' | 'batchUpdate' | 'batchUpsert'
>;

export interface DeviceHealthMonitorDeps {
  runtime: Pick<IngestRuntime, 'sink' | 'directory' | 'clock'>;
  entities: DeviceHealthEntities;
  contexts: Pick<JsonLdContextService, 'resolve'>;
  intervalMs: number;
  log: Logger;
}

export function createDeviceHealthMonitor(deps: DeviceHealthMonitorDeps) {
  const { entities, log } = deps;
  const tracker = createDeviceHealthTracker();
  const pruning = createDeviceHealthPruning({ tracker, directory: deps.runtime.directory });
  const reader = createDeviceHealthReader(deps);
  const { vocabularies, readStored } = reader;
  const nowMs = () => deps.runtime.clock().getTime();
  deps.runtime.sink.onWritten((measurements) => tracker.record(measurements, nowMs()));
  const listing = createDeviceHealthListing({
    tracker,
    pruning,
    reader,
    directory: deps.runtime.directory,
    nowMs,
  });

  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;

  async function checkTenant(
    tenant: string,
    reports: TakenReport[],
    watched: DeviceHealthEntry[],
  ): Promise<void> {
    const now = nowMs();
    const vocabulary = await vocabularies([...reports.map((r) => r.entry), ...watched]);
    const stored = await readStored(tenant, vocabulary);

    const deviceWrites: Array<{ id: string; input: EntityFragment }> = [];
    const raise: Array<{ entry: DeviceHealthEntry; since: number; v: HealthVocabulary }> = [];
    const close: Array<{ id: string; input: EntityFragment }> = [];
    const flushed: TakenReport[] = [];

    for (const report of reports) {
      const v = vocabulary.get(report.entry);
      const health = stored.get(report.entry.entityId);
      if (v !== undefined && health === undefined && !(await pruning.isProvisioned(report.entry))) {
        // Deleted with its Device entity: nothing will ever take this count.
        tracker.forget(report.entry);
        continue;
      }
      if (v === undefined || health === undefined) {
        // No Device entity yet, or its @context is unavailable: keep the count for later.
        tracker.giveBack(report);
        log.debug({ tenant, entityId: report.entry.entityId }, 'Device health not written yet');
        continue;
      }
      applyStored(report.entry, health);
      const lastReported = Math.max(report.lastSeenMs, health.lastReportedMs ?? 0);
      const total = (health.messageCount ?? 0) + report.count;
      deviceWrites.push({
        id: report.entry.entityId,
        input: reportedFragment(v, lastReported, total),
      });
      if (health.state === 'stale' || report.entry.state === 'stale') {
        close.push({
          id: staleAlertId(report.entry.deviceId),
          input: alertClosedFragment(v, report.lastSeenMs),
        });
      }
      flushed.push(report);
    }

    for (const entry of watched) {
      const v = vocabulary.get(entry);
      const health = stored.get(entry.entityId);
      if (v === undefined || health === undefined) continue;
      applyStored(entry, health);
      const since = staleSince(entry, now);
      if (health.state === 'stale') {
        // Another instance (or an earlier run) raised this episode's alert already.
        entry.state = 'stale';
        entry.staleSinceMs ??= since;
      } else if (since !== undefined) {
        raise.push({ entry, since, v });
      } else {
        entry.state = 'ok';
        delete entry.staleSinceMs;
      }
    }

    // 1. Alerts first (see the file comment).
    const raised: DeviceHealthEntry[] = [];
    if (raise.length > 0) {
      const alerts = raise.map(({ entry, since, v }) => {
        const alert = staleAlert(v, {
          deviceId: entry.deviceId,
          staleSinceMs: since,
          lastReportedMs: lastKnownReportMs(entry),
          provisionedAtMs: entry.provisionedAtMs,
          stalePeriodSeconds: entry.stalePeriodSeconds ?? 0,
          issuedAtMs: now,
        });
        return { id: alert.id, input: alert };
      });
      const result = await entities.batchUpsert(tenant, alerts, 'replace');
      const failed = new Set(result.errors.map((e) => e.entityId));
      for (const { entry, since, v } of raise) {
        if (failed.has(staleAlertId(entry.deviceId))) continue;
        raised.push(entry);
        deviceWrites.push({ id: entry.entityId, input: staleFragment(v) });
        entry.staleSinceMs = since;
      }
      logErrors(tenant, 'Raising device-stale alerts failed', result.errors);
    }
    if (close.length > 0) {
      // An alert an operator deleted cannot be closed; the device is ok all the same.
      const result = await entities.batchUpdate(tenant, close, false);
      logErrors(tenant, 'Closing device-stale alerts failed', result.errors, 'debug');
    }

    // 2. The Device entities, in one batch.
    if (deviceWrites.length === 0) return;
    const result = await entities.batchUpdate(tenant, deviceWrites, false);
    const failed = new Set(result.errors.map((e) => e.entityId));
    for (const report of flushed) {
      if (failed.has(report.entry.entityId)) {
        tracker.giveBack(report);
      } else {
        report.entry.state = 'ok';
        delete report.entry.staleSinceMs;
      }
    }
    for (const entry of raised) {
      if (!failed.has(entry.entityId)) entry.state = 'stale';
    }
    logErrors(tenant, 'Writing device health failed', result.errors);
  }

  function logErrors(
    tenant: string,
    message: string,
    errors: Array<{ entityId: string; error: { detail: string } }>,
    level: 'warn' | 'debug' = 'warn',
  ): void {
    if (errors.length === 0) return;
    log[level](
      { tenant, errors: errors.slice(0, 10).map((e) => `${e.entityId}: ${e.error.detail}`) },
      message,
    );
  }

  async function runTick(checkStale: boolean): Promise<void> {
    const now = nowMs();
    if (checkStale) {
      tracker.syncRegistry(await deps.runtime.directory.listAll());
      await pruning.sweep();
    }
    const reports = tracker.takeReports();
    const reported = new Set(reports.map((r) => r.entry));
    const watched = checkStale
      ? tracker.staleCandidates(now).filter((entry) => !reported.has(entry))
      : [];
    const tenants = new Set([...reported, ...watched].map((entry) => entry.tenant));
    for (const tenant of tenants) {
      const mine = reports.filter((r) => r.entry.tenant === tenant);
      try {
        await checkTenant(
          tenant,
          mine,
          watched.filter((entry) => entry.tenant === tenant),
        );
      } catch (error) {
        // The store failed: keep the counts for the next tick.
        for (const report of mine) tracker.giveBack(report);
        log.warn({ err: error, tenant }, 'Device health check failed; retrying next tick');
      }
    }
  }

  /** One tick at a time; a tick asked for while one runs waits for it, then runs. */
  async function tick(checkStale: boolean): Promise<void> {
    while (running) await running;
    running = runTick(checkStale).finally(() => {
      running = undefined;
    });
    return running;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      tick(true).then(schedule, (error: unknown) => {
        log.warn({ err: error }, 'Device health tick failed');
        schedule();
      });
    }, deps.intervalMs);
    timer.unref();
  }

  return {
    start(): void {
      if (!stopped) return;
      stopped = false;
      schedule();
    },

    /** Stops the timer and flushes the counts still in memory (no stale check). */
    async stop(): Promise<void> {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await tick(false);
    },

    /** Flushes and checks now (the timer does this every intervalMs; tests call it). */
    tick: () => tick(true),

    /** A page of a tenant's devices (GET /api/ingest/devices/health, device-health.listing.ts). */
    report: listing.report,
  };
}

export type DeviceHealthMonitor = ReturnType<typeof createDeviceHealthMonitor>;
