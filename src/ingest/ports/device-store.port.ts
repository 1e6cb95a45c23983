/**
 * Persistence of the device registry. Adapters: src/adapters/sqlite/sqlite-device-store.ts,
 * src/adapters/postgres/postgres-device-store.ts; both pass test/contract/device-store.contract.ts.
 * Unique keys: group (tenant, servicePath, apikey, resource); device (tenant, device_id),
 * whatever the service path, as the id names the tenant's Device entity; devEui and
 * (apikey, device_id) across tenants — a transport resolves a message by them alone. An
 * apikey belongs to one tenant: a group or device of another tenant cannot use it. Each
 * write checks and writes atomically, even against other instances. Violations throw
 * ProblemDetails alreadyExists. Lists are in creation order. `servicePath` undefined means
 * every service path.
 */
import type { Device, ServiceGroup } from '../devices/device.model.js';

export interface GroupKey {
  tenant: string;
  servicePath: string;
  apikey: string;
  resource: string;
}

export interface Page {
  limit: number;
  offset: number;
}

export interface DeviceStore {
  /** All or nothing: one conflicting group and none is created. */
  createGroups(groups: ServiceGroup[]): Promise<void>;
  listGroups(
    tenant: string,
    servicePath: string | undefined,
    page: Page,
    filter?: { apikey?: string; resource?: string },
  ): Promise<{ groups: ServiceGroup[]; count: number }>;
  updateGroup(key: GroupKey, group: ServiceGroup): Promise<boolean>;
  deleteGroup(key: GroupKey): Promise<boolean>;
  /** All or nothing: one conflicting device and none is created. */
  createDevices(devices: Device[]): Promise<void>;
  listDevices(
    tenant: string,
    servicePath: string | undefined,
    page: Page,
  ): Promise<{ devices: Device[]; count: number }>;
  getDevice(
    tenant: string,
    servicePath: string | undefined,
    deviceId: string,
  ): Promise<Device | undefined>;
  /** Replaces the device of the same (tenant, servicePath, device_id); false when absent. */
  updateDevice(device: Device): Promise<boolean>;
  deleteDevice(tenant: string, servicePath: string, deviceId: string): Promise<boolean>;
  /** Transports' lookups (every tenant). */
  findDeviceByApikey(apikey: string, deviceId: string): Promise<Device | undefined>;
  findDeviceByDevEui(devEui: string): Promise<Device | undefined>;
  findGroupByApikey(apikey: string): Promise<ServiceGroup | undefined>;
  /** The devices whose measurement entity is `entityName` (command dispatch). */
  findDevicesByEntity(tenant: string, entityName: string): Promise<Device[]>;
  /** Every group and device of every tenant (device health, command transports). */
  listAllGroups(): Promise<ServiceGroup[]>;
  listAllDevices(): Promise<Device[]>;
  /** Bumped on every write; the directory reloads its cache when it changed (other instances). */
  version(): Promise<number>;
}
