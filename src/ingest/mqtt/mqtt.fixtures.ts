/**
 * Small in-memory fakes of the ingest seams (ingest.types.ts) for the tests of the MQTT
 * agents and the command dispatcher: a device directory, a sink whose writes a test can
 * hold, a rejection recorder and the runtime that bundles them.
 */
import type { ProvisionedDevice } from '../devices/device.model.js';
import {
  REJECTION_REASONS,
  type CommandTransport,
  type IngestRuntime,
  type Measurement,
  type MeasurementSink,
  type Rejection,
  type RejectionReason,
  type RejectionRecorder,
} from '../ingest.types.js';

const STAMP = '2026-01-01T00:00:00.000Z';

export function provisionedDevice(
  deviceId: string,
  apikey: string,
  options: {
    tenant?: string;
    protocol?: string;
    transport?: 'MQTT' | 'HTTP';
    endpoint?: string;
    passwordHash?: string;
    commands?: string[];
    entityType?: string;
  } = {},
): ProvisionedDevice {
  const entityType = options.entityType ?? 'Streetlight';
  const commands = (options.commands ?? []).map((name) => ({ name, type: 'command' }));
  return {
    device: {
      tenant: options.tenant ?? '',
      servicePath: '/',
      device_id: deviceId,
      entity_name: `urn:ngsi-ld:${entityType}:${deviceId}`,
      entity_type: entityType,
      apikey,
      protocol: options.protocol,
      transport: options.transport,
      endpoint: options.endpoint,
      passwordHash: options.passwordHash,
      commands,
      createdAt: STAMP,
      modifiedAt: STAMP,
    },
    group: undefined,
    attributes: [],
    static_attributes: [],
    commands,
    explicitAttrs: false,
    ...(options.transport ? { transport: options.transport } : {}),
    ...(options.protocol ? { protocol: options.protocol } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  };
}

export interface FakeDirectory {
  findByApikey(apikey: string, deviceId: string): Promise<ProvisionedDevice | undefined>;
  findByDevEui(devEui: string): Promise<ProvisionedDevice | undefined>;
  findCommandDevice(tenant: string, entityId: string): Promise<ProvisionedDevice | undefined>;
  listAll(): Promise<ProvisionedDevice[]>;
}

export function fakeDirectory(devices: ProvisionedDevice[]): FakeDirectory {
  return {
    findByApikey: async (apikey, deviceId) =>
      devices.find((d) => d.device.apikey === apikey && d.device.device_id === deviceId),
    findByDevEui: async () => undefined,
    findCommandDevice: async (tenant, entityId) =>
      devices.find(
        (d) =>
          d.device.tenant === tenant && d.device.entity_name === entityId && d.commands.length > 0,
      ),
    listAll: async () => devices,
  };
}

export interface HeldSink extends MeasurementSink {
  readonly submitted: Measurement[];
  /** When set, submit waits for `release()` (or fails with `failWith`). */
  hold: boolean;
  failWith: ((measurement: Measurement) => Error | undefined) | undefined;
  release(): void;
  /** Resolves once `count` measurements were submitted (held or not). */
  waitForSubmitted(count: number): Promise<void>;
  readonly written: Measurement[];
}

export function heldSink(): HeldSink {
  const submitted: Measurement[] = [];
  const written: Measurement[] = [];
  let waiters: Array<() => void> = [];
  let watchers: Array<{ count: number; resolve: () => void }> = [];
  const sink: HeldSink = {
    submitted,
    written,
    hold: false,
    failWith: undefined,
    get pending() {
      return submitted.length - written.length;
    },
    onWritten() {},
    async submit(measurement) {
      submitted.push(measurement);
      watchers = watchers.filter((w) =>
        submitted.length >= w.count ? (w.resolve(), false) : true,
      );
      const failure = sink.failWith?.(measurement);
      if (failure) throw failure;
      if (sink.hold) await new Promise<void>((resolve) => waiters.push(resolve));
      written.push(measurement);
    },
    release() {
      const released = waiters;
      waiters = [];
      for (const resolve of released) resolve();
    },
    waitForSubmitted(count) {
      if (submitted.length >= count) return Promise.resolve();
      return new Promise((resolve) => watchers.push({ count, resolve }));
    },
  };
  return sink;
}

export interface MemoryRecorder extends RejectionRecorder {
  readonly rejections: Array<Omit<Rejection, 'at'>>;
  reasons(): RejectionReason[];
}

export function memoryRecorder(): MemoryRecorder {
  const rejections: Array<Omit<Rejection, 'at'>> = [];
  return {
    rejections,
    record: (rejection) => void rejections.push(rejection),
    counts() {
      const counts = Object.fromEntries(REJECTION_REASONS.map((r) => [r, 0])) as Record<
        RejectionReason,
        number
      >;
      for (const { reason } of rejections) counts[reason] += 1;
      return counts;
    },
    reasons: () => rejections.map((r) => r.reason),
  };
}

export interface FakeRuntime extends IngestRuntime {
  sink: HeldSink;
  rejections: MemoryRecorder;
  readonly acknowledged: Array<{ deviceId: string; command: string; result: unknown }>;
  readonly transports: CommandTransport[];
}

export function fakeRuntime(devices: ProvisionedDevice[]): FakeRuntime {
  const acknowledged: FakeRuntime['acknowledged'] = [];
  const transports: CommandTransport[] = [];
  return {
    directory: fakeDirectory(devices),
    sink: heldSink(),
    rejections: memoryRecorder(),
    acknowledged,
    transports,
    async acknowledgeCommand(device, command, result) {
      acknowledged.push({ deviceId: device.device.device_id, command, result });
    },
    registerCommandTransport: (transport) => void transports.push(transport),
    clock: () => new Date(),
  };
}
