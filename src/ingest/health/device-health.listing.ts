/**
 * The device health listing (GET /api/ingest/devices/health): a page of a tenant's devices,
 * in device id order, with the health their Device entities hold (every instance flushes
 * to them) and this instance's unflushed knowledge folded in. The devices are the tracker's
 * (kept in memory anyway); only the page's Device entities are read, and `stale` filters in
 * the store (deviceState == "stale"), so a city of 100,000 devices is never read whole.
 */
import type { DeviceDirectory } from '../ingest.types.js';
import type { StoredDeviceHealth } from './device-health.entities.js';
import type { DeviceHealthPruning } from './device-health.pruning.js';
import type { DeviceHealthReader } from './device-health.reader.js';
import {
  applyStored,
  lastKnownReportMs,
  staleSince,
  type DeviceHealthEntry,
  type DeviceHealthTracker,
} from './device-health.tracker.js';

export interface DeviceHealthReport {
  deviceId: string;
  entityId: string;
  lastSeen: string | null;
  /** The Device entity's count (every instance's flushes) plus what this one holds back. */
  messageCount: number;
  /** Messages this instance received since it started. */
  messagesReceived: number;
  stalePeriod: number | null;
  stale: boolean;
  staleSince: string | null;
}

export interface DeviceHealthSelection {
  /** Only stale (true) or only not stale (false) devices; undefined: all. */
  stale?: boolean;
  limit: number;
  offset: number;
}

export interface DeviceHealthPage {
  devices: DeviceHealthReport[];
  /** The devices the selection matches, all pages together. */
  count: number;
}

export function createDeviceHealthListing(deps: {
  tracker: DeviceHealthTracker;
  pruning: Pick<DeviceHealthPruning, 'keepProvisioned'>;
  reader: DeviceHealthReader;
  directory: Pick<DeviceDirectory, 'listAll'>;
  nowMs: () => number;
}) {
  const { tracker, reader, nowMs } = deps;

  /** The entries whose staleness is `stale`: the Device entity's, else (no @context) ours. */
  async function withStaleness(
    tenant: string,
    entries: DeviceHealthEntry[],
    stale: boolean,
  ): Promise<DeviceHealthEntry[]> {
    const vocabulary = await reader.vocabularies(entries);
    const staleIds = await reader.readStaleIds(tenant, vocabulary.values());
    return entries.filter((entry) => {
      const isStale = vocabulary.has(entry)
        ? staleIds.has(entry.entityId)
        : entry.state === 'stale';
      return isStale === stale;
    });
  }

  function healthReport(
    entry: DeviceHealthEntry,
    health: StoredDeviceHealth | undefined,
  ): DeviceHealthReport {
    if (health !== undefined) applyStored(entry, health);
    const last = lastKnownReportMs(entry);
    const stale = health?.state !== undefined ? health.state === 'stale' : entry.state === 'stale';
    const since = stale ? (entry.staleSinceMs ?? staleSince(entry, nowMs())) : undefined;
    return {
      deviceId: entry.deviceId,
      entityId: entry.entityId,
      lastSeen: last === undefined ? null : new Date(last).toISOString(),
      messageCount: (health?.messageCount ?? 0) + entry.unflushed,
      messagesReceived: entry.messages,
      stalePeriod: entry.stalePeriodSeconds ?? null,
      stale,
      staleSince: since === undefined ? null : new Date(since).toISOString(),
    };
  }

  return {
    async report(tenant: string, selection: DeviceHealthSelection): Promise<DeviceHealthPage> {
      tracker.syncRegistry(await deps.directory.listAll());
      const entries = await deps.pruning.keepProvisioned(tracker.entries(tenant));
      const matching =
        selection.stale === undefined
          ? entries
          : await withStaleness(tenant, entries, selection.stale);
      const page = matching.slice(selection.offset, selection.offset + selection.limit);
      const stored = await reader.readStored(tenant, await reader.vocabularies(page));
      return {
        devices: page.map((entry) => healthReport(entry, stored.get(entry.entityId))),
        count: matching.length,
      };
    },
  };
}
