/**
 * A small in-memory IngestRuntime for the LoRaWAN and device-health tests: a device
 * directory over a list, a sink that records (or refuses) measurements and tells its
 * onWritten listeners, and a recorder that keeps rejections.
 */
import type { Device, ProvisionedDevice } from '../devices/device.model.js';
import {
  REJECTION_REASONS,
  type IngestRuntime,
  type Measurement,
  type Rejection,
  type RejectionReason,
} from '../ingest.types.js';

export interface FakeRuntime extends IngestRuntime {
  devices: ProvisionedDevice[];
  written: Measurement[];
  rejected: Omit<Rejection, 'at'>[];
  /** When set, submit rejects with it instead of writing. */
  failWith: Error | undefined;
}

export function provisionedDevice(
  init: Partial<Device> & Pick<Device, 'device_id'>,
  stalePeriod?: number,
): ProvisionedDevice {
  const device: Device = {
    tenant: '',
    servicePath: '/',
    entity_name: `urn:ngsi-ld:AirQualityObserved:${init.device_id}`,
    entity_type: 'AirQualityObserved',
    apikey: 'air-key',
    transport: 'LoRaWAN',
    createdAt: '2024-05-01T00:00:00.000Z',
    modifiedAt: '2024-05-01T00:00:00.000Z',
    ...init,
  };
  return {
    device,
    group: undefined,
    attributes: [],
    static_attributes: [],
    commands: [],
    explicitAttrs: false,
    ...(stalePeriod === undefined ? {} : { stalePeriod }),
  };
}

export function createFakeRuntime(
  devices: ProvisionedDevice[],
  clock: () => Date = () => new Date(),
): FakeRuntime {
  const listeners: Array<(measurements: readonly Measurement[]) => void> = [];
  const runtime: FakeRuntime = {
    devices,
    written: [],
    rejected: [],
    failWith: undefined,
    clock,
    directory: {
      findByApikey: async (apikey, deviceId) =>
        runtime.devices.find((d) => d.device.apikey === apikey && d.device.device_id === deviceId),
      findByDevEui: async (devEui) => runtime.devices.find((d) => d.device.devEui === devEui),
      findCommandDevice: async (tenant, entityId) =>
        runtime.devices.find(
          (d) =>
            d.device.tenant === tenant &&
            d.device.entity_name === entityId &&
            d.commands.length > 0,
        ),
      listAll: async () => runtime.devices.filter((d) => d.stalePeriod !== undefined),
    },
    sink: {
      pending: 0,
      async submit(measurement) {
        if (runtime.failWith) throw runtime.failWith;
        runtime.written.push(measurement);
        for (const listener of listeners) listener([measurement]);
      },
      onWritten: (listener) => void listeners.push(listener),
    },
    rejections: {
      record: (rejection) => void runtime.rejected.push(rejection),
      counts: () => {
        const counts = Object.fromEntries(REJECTION_REASONS.map((r) => [r, 0])) as Record<
          RejectionReason,
          number
        >;
        for (const r of runtime.rejected) counts[r.reason] += 1;
        return counts;
      },
    },
    acknowledgeCommand: async () => undefined,
    registerCommandTransport: () => undefined,
  };
  return runtime;
}
