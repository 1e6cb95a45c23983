/**
 * Device health as one instance knows it, in memory: when each device last reported here,
 * how many messages it sent here (since start, and since the last flush), its stale period
 * from the registry, and what the Device entity said when last read. Recording a message
 * is a map lookup and two assignments; everything else happens once per monitor tick.
 */
import type { ProvisionedDevice } from '../devices/device.model.js';
import type { Measurement } from '../ingest.types.js';
import { deviceEntityId } from '../devices/device-entities.js';
import type { StoredDeviceHealth } from './device-health.entities.js';

export interface DeviceHealthEntry {
  tenant: string;
  deviceId: string;
  /** Its apikey when last heard of: with deviceId, how the registry finds it again. */
  apikey: string;
  entityId: string;
  /** The device's @context (its health attributes are its terms); undefined = core. */
  ldContext?: string;
  /** Last message received by this instance. */
  lastSeenMs?: number;
  /** dateLastValueReported of the Device entity when last read (other instances, restarts). */
  storedLastReportedMs?: number;
  /** Messages received by this instance since it started. */
  messages: number;
  /** Messages not yet added to the Device entity's count. */
  unflushed: number;
  /** Seconds; only devices with one can go stale. */
  stalePeriodSeconds?: number;
  provisionedAtMs?: number;
  /** 'unknown' until a tick read or wrote the Device entity. */
  state: 'unknown' | 'ok' | 'stale';
  staleSinceMs?: number;
  /** In the registry's list at the last sync (devices with a stale period or commands). */
  listed: boolean;
}

/** A device's messages taken for a flush; given back when the write failed. */
export interface TakenReport {
  entry: DeviceHealthEntry;
  count: number;
  lastSeenMs: number;
}

const keyOf = (tenant: string, deviceId: string) => `${tenant}\u0000${deviceId}`;

export function createDeviceHealthTracker() {
  const entries = new Map<string, DeviceHealthEntry>();
  let sweep: Iterator<DeviceHealthEntry> | undefined;

  function entryOf({ device, ldContext }: ProvisionedDevice): DeviceHealthEntry {
    const { tenant, device_id: deviceId } = device;
    const key = keyOf(tenant, deviceId);
    let entry = entries.get(key);
    if (entry === undefined) {
      entry = {
        tenant,
        deviceId,
        apikey: device.apikey,
        entityId: deviceEntityId(deviceId),
        messages: 0,
        unflushed: 0,
        state: 'unknown',
        listed: false,
      };
      entries.set(key, entry);
    }
    entry.apikey = device.apikey;
    if (entry.ldContext !== ldContext) {
      if (ldContext === undefined) delete entry.ldContext;
      else entry.ldContext = ldContext;
    }
    return entry;
  }

  return {
    record(measurements: readonly Measurement[], nowMs: number): void {
      for (const { device, receivedAt } of measurements) {
        const entry = entryOf(device);
        const at = Date.parse(receivedAt);
        const seen = Number.isNaN(at) ? nowMs : at;
        if (entry.lastSeenMs === undefined || seen > entry.lastSeenMs) entry.lastSeenMs = seen;
        entry.messages += 1;
        entry.unflushed += 1;
      }
    },

    /** Takes the stale periods and provisioning times of the registry's devices. */
    syncRegistry(devices: readonly ProvisionedDevice[]): void {
      const listed = new Set<DeviceHealthEntry>();
      for (const provisioned of devices) {
        const entry = entryOf(provisioned);
        listed.add(entry);
        const period = provisioned.stalePeriod;
        if (period !== undefined && period > 0) entry.stalePeriodSeconds = period;
        else delete entry.stalePeriodSeconds;
        const created = Date.parse(provisioned.device.createdAt);
        if (!Number.isNaN(created)) entry.provisionedAtMs = created;
      }
      // Deleted devices, or ones whose stale period was removed, are no longer watched.
      // Those that reported stay until the registry says they are gone (see idleUnlisted).
      for (const [key, entry] of entries) {
        entry.listed = listed.has(entry);
        if (entry.listed) continue;
        delete entry.stalePeriodSeconds;
        if (entry.lastSeenMs === undefined && entry.unflushed === 0) entries.delete(key);
      }
    },

    /**
     * Up to `limit` entries the registry did not list and that hold no unflushed count,
     * taking up where the previous call stopped: the monitor asks the registry whether their
     * devices still exist, a few per tick, so that deleted devices do not stay in memory.
     */
    idleUnlisted(limit: number): DeviceHealthEntry[] {
      const found: DeviceHealthEntry[] = [];
      let visited = 0;
      while (visited < entries.size && found.length < limit) {
        sweep ??= entries.values();
        const next = sweep.next();
        if (next.done === true) {
          sweep = undefined; // start again from the first entry (the map is not empty)
          continue;
        }
        visited += 1;
        if (!next.value.listed && next.value.unflushed === 0) found.push(next.value);
      }
      return found;
    },

    /** Drops a device the registry no longer has (its unflushed count, if any, too). */
    forget(entry: DeviceHealthEntry): void {
      const key = keyOf(entry.tenant, entry.deviceId);
      if (entries.get(key) === entry) entries.delete(key);
    },

    /** Entries in memory (metrics, tests). */
    get size(): number {
      return entries.size;
    },

    /** Devices with messages since the last flush; their counts start again from zero. */
    takeReports(): TakenReport[] {
      const taken: TakenReport[] = [];
      for (const entry of entries.values()) {
        if (entry.unflushed === 0 || entry.lastSeenMs === undefined) continue;
        taken.push({ entry, count: entry.unflushed, lastSeenMs: entry.lastSeenMs });
        entry.unflushed = 0;
      }
      return taken;
    },

    giveBack(report: TakenReport): void {
      report.entry.unflushed += report.count;
    },

    /** Devices to check against their Device entity: possibly stale, or stale until now. */
    staleCandidates(nowMs: number): DeviceHealthEntry[] {
      return [...entries.values()].filter(
        (entry) => entry.state === 'stale' || staleSince(entry, nowMs) !== undefined,
      );
    },

    entries(tenant: string): DeviceHealthEntry[] {
      return [...entries.values()]
        .filter((entry) => entry.tenant === tenant)
        .sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0));
    },
  };
}

export type DeviceHealthTracker = ReturnType<typeof createDeviceHealthTracker>;

/** The last report anyone knows of: this instance's, the Device entity's, else provisioning. */
export function lastKnownReportMs(entry: DeviceHealthEntry): number | undefined {
  const reports = [entry.lastSeenMs, entry.storedLastReportedMs].filter(
    (ms): ms is number => ms !== undefined,
  );
  return reports.length > 0 ? Math.max(...reports) : undefined;
}

/** When the device's stale period ran out, if it has (NGSI-LD times are UTC milliseconds). */
export function staleSince(entry: DeviceHealthEntry, nowMs: number): number | undefined {
  if (entry.stalePeriodSeconds === undefined) return undefined;
  const reference = lastKnownReportMs(entry) ?? entry.provisionedAtMs;
  if (reference === undefined) return undefined;
  const since = reference + entry.stalePeriodSeconds * 1000;
  return nowMs >= since ? since : undefined;
}

/** Folds in what the Device entity says. */
export function applyStored(entry: DeviceHealthEntry, stored: StoredDeviceHealth): void {
  if (
    stored.lastReportedMs !== undefined &&
    (entry.storedLastReportedMs === undefined || stored.lastReportedMs > entry.storedLastReportedMs)
  ) {
    entry.storedLastReportedMs = stored.lastReportedMs;
  }
}
