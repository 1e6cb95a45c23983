/**
 * The seams of the acquisition layer (DESIGN.md layer 1), shared by every transport:
 *
 *   transport (MQTT / HTTP / LoRaWAN) --decode--> Measurement --> MeasurementSink
 *     --map (device mappings)--> coalesced batch write through the entity service
 *   anything refused --> RejectionRecorder (counted per reason, logged, dead-letter store)
 *   NGSI-LD write of a command attribute --> CommandDispatcher --> CommandTransport
 */
import type { ProvisionedDevice, ServiceGroup } from './devices/device.model.js';

/** Resolves a message's device; cached, refreshed when the registry changes. */
export interface DeviceDirectory {
  findByApikey(apikey: string, deviceId: string): Promise<ProvisionedDevice | undefined>;
  findByDevEui(devEui: string): Promise<ProvisionedDevice | undefined>;
  /**
   * The service group of an apikey, whatever the tenant: lets a transport tell an unknown
   * device of a known group (rejection reason `unknown-device`, in the group's tenant) from
   * an unknown apikey. Optional: without it every miss counts as `unknown-device`.
   */
  findGroupByApikey?(apikey: string): Promise<ServiceGroup | undefined>;
  /**
   * The device with commands whose measurement entity (entity_name) is `entityId` in
   * `tenant`, if any (command dispatch).
   */
  findCommandDevice(tenant: string, entityId: string): Promise<ProvisionedDevice | undefined>;
  /** Devices of every tenant with commands or a stale period (command dispatch, health). */
  listAll(): Promise<ProvisionedDevice[]>;
}

export type IngestTransport = 'mqtt' | 'http' | 'lorawan';

/** One decoded message of one device: payload keys (object_id) → raw values. */
export interface Measurement {
  device: ProvisionedDevice;
  values: Record<string, unknown>;
  /** ISO 8601 time the payload carries (TimeInstant / timestamp), if any. */
  observedAt?: string;
  /** ISO 8601 time Civis received it (observedAt when the payload has none). */
  receivedAt: string;
  transport: IngestTransport;
  /** MQTT topic or HTTP path, for the rejections of its attributes. */
  source?: string;
}

/**
 * Accepts measurements; `submit` resolves once the write is durable (committed), so that an
 * MQTT QoS 1 PUBACK or an HTTP 200 is sent only then. It rejects with a ProblemDetails:
 * 503 (ingestSaturated, with retryAfterSeconds) when the bounded queue is full, 400 when
 * the measurement cannot be mapped (each such refusal is also recorded as a Rejection).
 */
export interface MeasurementSink {
  submit(measurement: Measurement): Promise<void>;
  /**
   * The measurements of one message (several JSON objects or UltraLight groups): admitted
   * all or none (one 503 when they do not all fit, one 400 when one cannot be mapped);
   * resolves once all are durable. Optional so that test fakes need not implement it.
   */
  submitAll?(measurements: readonly Measurement[]): Promise<void>;
  /** Measurements waiting or being written (for back-pressure and metrics). */
  readonly pending: number;
  /** Called after each durable batch with its measurements (device health, metrics). */
  onWritten(listener: (measurements: readonly Measurement[]) => void): void;
  /**
   * Resolves once `count` more measurements fit in the queue (at once when they do, or when
   * the sink stops): transports that can hold a device back (MQTT, by its PUBACK) wait here
   * instead of being refused with 503 and trying again.
   */
  whenAccepting?(count: number): Promise<void>;
}

export const REJECTION_REASONS = [
  'unknown-apikey',
  'unknown-device',
  'malformed-payload',
  'type-mismatch',
  'oversized',
  'topic-not-in-convention',
  'not-authorized',
  'saturated',
  'unknown-deveui',
  'write-failed',
  'no-pending-command',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export interface Rejection {
  at: string;
  reason: RejectionReason;
  transport: IngestTransport | 'import';
  tenant?: string;
  apikey?: string;
  deviceId?: string;
  /** MQTT topic or HTTP path + query. */
  source?: string;
  /** What was wrong, for a human. */
  detail: string;
  /** The first bytes of the payload (≤ 1 KiB), for diagnosis. */
  payloadExcerpt?: string;
}

/** Counts (per reason, Prometheus-ready), logs at warn (rate-limited) and stores rejections. */
export interface RejectionRecorder {
  record(rejection: Omit<Rejection, 'at'>): void;
  counts(): Record<RejectionReason, number>;
}

/** Sends a command to a device (MQTT /<apikey>/<device_id>/cmd or HTTP push). */
export interface CommandTransport {
  readonly transport: 'MQTT' | 'HTTP';
  send(device: ProvisionedDevice, command: string, value: unknown): Promise<void>;
}

/**
 * A southbound agent (embedded MQTT broker, MQTT client, …) started with the platform:
 * buildApp starts each on ready and stops it on close.
 */
export interface DeviceAgent {
  readonly name: string;
  start(runtime: IngestRuntime): Promise<void>;
  stop(): Promise<void>;
}

/** What buildApp hands to device agents and ingest routes. */
export interface IngestRuntime {
  directory: DeviceDirectory;
  sink: MeasurementSink;
  rejections: RejectionRecorder;
  /**
   * Applies a device's command acknowledgement (cmdexe) as <cmd>_status / <cmd>_info when
   * the command is pending; otherwise records a `no-pending-command` rejection, with the
   * transport the answer came by (default: the device's command transport).
   */
  acknowledgeCommand(
    device: ProvisionedDevice,
    command: string,
    result: unknown,
    transport?: IngestTransport,
  ): Promise<void>;
  /** Registers a command transport (the MQTT agent registers the MQTT one). */
  registerCommandTransport(transport: CommandTransport): void;
  /** The registered transport of that kind (for the command dispatcher). */
  commandTransport?(transport: CommandTransport['transport']): CommandTransport | undefined;
  clock: () => Date;
}
