/**
 * Keeps device health to the devices the registry has: the entry of a deleted device is
 * dropped, so that the tracker's memory follows the registry and the health listing shows
 * no deleted device. The registry is asked through the device directory (cached; a miss is
 * one query).
 */
import type { DeviceDirectory } from '../ingest.types.js';
import type { DeviceHealthEntry, DeviceHealthTracker } from './device-health.tracker.js';

/** Idle unlisted entries checked per tick. */
export const SWEEP_PER_TICK = 500;

export function createDeviceHealthPruning(deps: {
  tracker: DeviceHealthTracker;
  directory: Pick<DeviceDirectory, 'findByApikey'>;
}) {
  const { tracker } = deps;

  /** The registry still has the entry's device (the same tenant's). */
  async function isProvisioned(entry: DeviceHealthEntry): Promise<boolean> {
    const found = await deps.directory.findByApikey(entry.apikey, entry.deviceId);
    return found !== undefined && found.device.tenant === entry.tenant;
  }

  /** The entries whose device exists; the others are forgotten. Listed ones are not asked. */
  async function keepProvisioned(
    entries: readonly DeviceHealthEntry[],
  ): Promise<DeviceHealthEntry[]> {
    const kept: DeviceHealthEntry[] = [];
    for (const entry of entries) {
      if (entry.listed || (await isProvisioned(entry))) kept.push(entry);
      else tracker.forget(entry);
    }
    return kept;
  }

  return {
    isProvisioned,
    keepProvisioned,
    /** One step of the sweep over the idle entries the registry did not list. */
    async sweep(limit = SWEEP_PER_TICK): Promise<void> {
      await keepProvisioned(tracker.idleUnlisted(limit));
    },
  };
}

export type DeviceHealthPruning = ReturnType<typeof createDeviceHealthPruning>;
