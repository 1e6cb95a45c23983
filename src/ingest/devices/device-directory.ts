/**
 * The DeviceDirectory of the transports (ingest.types.ts): resolves a message's device by
 * (apikey, device_id) or devEui, folds its group in, and caches every answer — misses too,
 * so a flood of unknown ids costs one query each per registry version.
 *
 * The cache is dropped when the registry's version changes: `store.version()` is read at
 * most once per `refreshIntervalMs` (so provisioning through another instance is seen
 * within about a second), and `invalidate()` drops it at once after a write through this one.
 */
import { LRUCache } from 'lru-cache';
import type { DeviceDirectory } from '../ingest.types.js';
import type { DeviceStore } from '../ports/device-store.port.js';
import type { Device, ProvisionedDevice, ServiceGroup } from './device.model.js';
import { foldDevice, selectGroup } from './provisioned-device.js';

export interface DeviceDirectoryDeps {
  store: DeviceStore;
  clock?: () => Date;
  /** How often the registry version is checked; default 1000 ms. */
  refreshIntervalMs?: number;
  /** Cached answers kept (least recently used dropped first); default 20,000. */
  maxEntries?: number;
}

export interface CachedDeviceDirectory extends DeviceDirectory {
  /** Forgets every cached answer: the registry was just written through this instance. */
  invalidate(): void;
}

/** Groups one device may belong to: those of its tenant, service path and apikey. */
const GROUPS_PER_APIKEY = 100;

export function createDeviceDirectory(deps: DeviceDirectoryDeps): CachedDeviceDirectory {
  const { store } = deps;
  const clock = deps.clock ?? (() => new Date());
  const interval = deps.refreshIntervalMs ?? 1000;
  const cache = new LRUCache<string, { value: unknown }>({ max: deps.maxEntries ?? 20_000 });
  const inflight = new Map<string, Promise<unknown>>();
  let generation = 0;
  let knownVersion: number | undefined;
  let checkedAt = -Infinity;
  let check: Promise<void> | undefined;

  function invalidate(): void {
    generation += 1;
    cache.clear();
    inflight.clear();
    checkedAt = -Infinity;
  }

  async function refresh(): Promise<void> {
    if (clock().getTime() - checkedAt < interval) return;
    check ??= (async () => {
      try {
        const version = await store.version();
        if (knownVersion !== undefined && version !== knownVersion) invalidate();
        knownVersion = version;
        checkedAt = clock().getTime();
      } finally {
        check = undefined;
      }
    })();
    await check;
  }

  /** One load per key and generation; answers of an older generation are not kept. */
  async function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    await refresh();
    const hit = cache.get(key);
    if (hit !== undefined) return hit.value as T;
    const running = inflight.get(key);
    if (running !== undefined) return running as Promise<T>;
    const startedIn = generation;
    const pending: Promise<T> = load()
      .then((value) => {
        if (startedIn === generation) cache.set(key, { value });
        return value;
      })
      .finally(() => {
        if (inflight.get(key) === pending) inflight.delete(key);
      });
    inflight.set(key, pending);
    return pending;
  }

  function groupsOf(device: Device): Promise<ServiceGroup[]> {
    const key = `g\u0000${groupScopeKey(device)}`;
    return cached(key, async () => {
      const page = { limit: GROUPS_PER_APIKEY, offset: 0 };
      const filter = { apikey: device.apikey };
      return (await store.listGroups(device.tenant, device.servicePath, page, filter)).groups;
    });
  }

  async function provision(device: Device): Promise<ProvisionedDevice> {
    return foldDevice(device, selectGroup(await groupsOf(device), device));
  }

  async function provisionFound(device: Device | undefined) {
    return device === undefined ? undefined : provision(device);
  }

  return {
    invalidate,

    findByApikey(apikey, deviceId) {
      return cached(`k\u0000${apikey}\u0000${deviceId}`, async () =>
        provisionFound(await store.findDeviceByApikey(apikey, deviceId)),
      );
    },

    findByDevEui(devEui) {
      const normalized = devEui.toUpperCase();
      return cached(`l\u0000${normalized}`, async () =>
        provisionFound(await store.findDeviceByDevEui(normalized)),
      );
    },

    findGroupByApikey(apikey) {
      return cached(`a\u0000${apikey}`, () => store.findGroupByApikey(apikey));
    },

    async findCommandDevice(tenant, entityId) {
      // Most changes are of entities no actuator feeds: one look in a set, not a query each.
      const key = `${tenant}\u0000${entityId}`;
      if (!(await commandEntities()).has(key)) return undefined;
      return cached(`e\u0000${key}`, async () => {
        const devices = await store.findDevicesByEntity(tenant, entityId);
        const provisioned = await Promise.all(devices.map(provision));
        return provisioned.find((p) => p.commands.length > 0);
      });
    },

    listAll: async () => [...(await listedDevices())],
  };

  /** The devices of every tenant with commands or a stale period, group settings folded in. */
  function listedDevices(): Promise<readonly ProvisionedDevice[]> {
    return cached('all', async () => {
      const [groups, devices] = await Promise.all([store.listAllGroups(), store.listAllDevices()]);
      const byScope = new Map<string, ServiceGroup[]>();
      for (const group of groups) {
        const key = groupScopeKey(group);
        byScope.set(key, [...(byScope.get(key) ?? []), group]);
      }
      return devices
        .map((device) =>
          foldDevice(device, selectGroup(byScope.get(groupScopeKey(device)) ?? [], device)),
        )
        .filter((p) => p.commands.length > 0 || p.stalePeriod !== undefined);
    });
  }

  /** `tenant \0 entity_name` of every device with commands. */
  function commandEntities(): Promise<ReadonlySet<string>> {
    return cached('commands', async () => {
      const devices = (await listedDevices()).filter((p) => p.commands.length > 0);
      return new Set(devices.map((p) => `${p.device.tenant}\u0000${p.device.entity_name}`));
    });
  }
}

/** The groups a device may belong to share its tenant, service path and apikey. */
function groupScopeKey(of: { tenant: string; servicePath: string; apikey: string }): string {
  return `${of.tenant}\u0000${of.servicePath}\u0000${of.apikey}`;
}
