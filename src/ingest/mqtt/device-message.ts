/**
 * What both MQTT agents (embedded broker, external broker client) do with one message of an
 * identified device: measurements (decoded by the pipeline's JSON and UltraLight decoders;
 * one message may carry several) go to the MeasurementSink, command results to
 * `acknowledgeCommand`; anything unreadable becomes a counted Rejection.
 *
 * `handle` resolves when the message may be acknowledged (PUBACK): it is durably written,
 * or it was refused and recorded. It keeps retrying while the sink is saturated (503) or a
 * write fails, so that the missing acknowledgement holds the device back instead of losing
 * its message, and rejects only when `signal` aborts (the connection or the agent ended:
 * the message was not acknowledged and the device sends it again).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { isProblemDetails } from '../../ngsi-ld/problem-details.js';
import {
  devicePayloadFormat,
  parseCommandResults,
  type CommandResult,
} from '../commands/command-payloads.js';
import type { ProvisionedDevice } from '../devices/device.model.js';
import type {
  DeviceDirectory,
  IngestRuntime,
  Rejection,
  RejectionReason,
} from '../ingest.types.js';
import { decodeJsonMeasures, type DecodedMeasure } from '../pipeline/json-measures.decoder.js';
import { decodeUltralight } from '../pipeline/ultralight.decoder.js';
import type { DeviceTopic, PayloadFormat } from './mqtt-topics.js';

export interface DeviceMessage {
  topic: DeviceTopic;
  /** The topic as published, for rejections. */
  rawTopic: string;
  payload: Buffer;
  device: ProvisionedDevice;
}

export interface DeviceMessageDeps {
  runtime: IngestRuntime;
  maxPayloadBytes: number;
  log: Pick<Logger, 'warn' | 'debug'>;
  /** Pauses between attempts of a failed write; the last one repeats. */
  retryDelaysMs?: readonly number[];
}

const DEFAULT_RETRY_DELAYS_MS = [50, 200, 500, 1_000, 2_000];
const EXCERPT_BYTES = 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export type DeviceMessageHandler = (message: DeviceMessage, signal: AbortSignal) => Promise<void>;

export function createDeviceMessageHandler(deps: DeviceMessageDeps): DeviceMessageHandler {
  const { runtime } = deps;
  const delays = deps.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;

  function reject(message: DeviceMessage, reason: RejectionReason, detail: string): void {
    runtime.rejections.record(rejectionOf(message, reason, detail));
  }

  /**
   * Runs `write` until it succeeds or is refused (4xx); false when it was refused. A full
   * queue is waited out (whenAccepting) rather than answered by a refusal and a retry: the
   * held PUBACK is the device's back-pressure. The waits listen to no signal (many messages
   * of one connection may wait at once); an ended connection is noticed when they end.
   */
  async function persist(write: () => Promise<void>, signal: AbortSignal): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      signal.throwIfAborted();
      await runtime.sink.whenAccepting?.(1);
      signal.throwIfAborted();
      try {
        await write();
        return true;
      } catch (error) {
        if (isProblemDetails(error) && error.status >= 400 && error.status < 500) {
          deps.log.debug({ err: error }, 'Device message refused');
          return false;
        }
        const retryAfter = isProblemDetails(error)
          ? error.extras?.['retryAfterSeconds']
          : undefined;
        const saturated = retryAfter !== undefined;
        // Room was taken between the wait and the write: wait for room again.
        if (saturated && runtime.sink.whenAccepting !== undefined) continue;
        const delay = delays[Math.min(attempt, delays.length - 1)] ?? 1_000;
        const wait = typeof retryAfter === 'number' ? Math.min(retryAfter * 1000, delay) : delay;
        if (!saturated)
          deps.log.warn({ err: error, attempt }, 'Writing a device message failed; retrying');
        await sleep(wait);
      }
    }
  }

  async function handleMeasurement(message: DeviceMessage, text: string, signal: AbortSignal) {
    const { topic, device } = message;
    const format = topic.format ?? devicePayloadFormat(device);
    let measures: DecodedMeasure[];
    let results: CommandResult[] = [];
    try {
      if (topic.attribute !== undefined)
        measures = [{ values: { [topic.attribute]: singleValue(format, text) } }];
      else if (format === 'json') measures = decodeJsonMeasures(text);
      else {
        const payload = decodeUltralight(text);
        measures = payload.measures;
        results = payload.commandResults.map((r) => ({ key: r.command, result: r.result }));
      }
    } catch (error) {
      return refuseDecoding(message, error);
    }
    const receivedAt = runtime.clock().toISOString();
    await Promise.all(
      measures.map((measure) =>
        persist(
          () =>
            runtime.sink.submit({
              device,
              values: measure.values,
              ...(measure.observedAt === undefined ? {} : { observedAt: measure.observedAt }),
              receivedAt,
              transport: 'mqtt',
              source: message.rawTopic,
            }),
          signal,
        ),
      ),
    );
    await applyCommandResults(message, results, signal);
  }

  function refuseDecoding(message: DeviceMessage, error: unknown): void {
    const tooMany = isProblemDetails(error) && error.status === 413;
    reject(message, tooMany ? 'oversized' : 'malformed-payload', (error as Error).message);
  }

  async function handleCommandResults(message: DeviceMessage, text: string, signal: AbortSignal) {
    const { topic, device } = message;
    let results: CommandResult[];
    try {
      results = parseCommandResults(
        topic.format ?? devicePayloadFormat(device),
        device.device.device_id,
        text,
      );
    } catch (error) {
      return refuseDecoding(message, error);
    }
    await applyCommandResults(message, results, signal);
  }

  async function applyCommandResults(
    message: DeviceMessage,
    results: readonly CommandResult[],
    signal: AbortSignal,
  ) {
    const { device } = message;
    for (const { key, result } of results) {
      const command = device.commands.find((c) => (c.object_id ?? c.name) === key);
      if (command === undefined) {
        reject(message, 'malformed-payload', `Device has no command '${key}'`);
        continue;
      }
      const applied = await persist(
        () => runtime.acknowledgeCommand(device, command.name, result),
        signal,
      );
      if (!applied) reject(message, 'write-failed', `Result of command '${key}' not applied`);
    }
  }

  return async (message, signal) => {
    if (message.payload.length > deps.maxPayloadBytes) {
      return reject(
        message,
        'oversized',
        `Payload of ${message.payload.length} bytes exceeds ${deps.maxPayloadBytes}`,
      );
    }
    let text: string;
    try {
      text = utf8.decode(message.payload);
    } catch {
      return reject(message, 'malformed-payload', 'Payload is not UTF-8 text');
    }
    if (message.topic.kind === 'cmdexe') return handleCommandResults(message, text, signal);
    if (message.topic.kind === 'attrs') return handleMeasurement(message, text, signal);
    reject(message, 'not-authorized', 'Devices do not publish to their command topic');
  };
}

/**
 * Why no device was found: `unknown-apikey` when the directory knows no group of that
 * apikey, else `unknown-device` (in the group's tenant).
 */
export async function missingDeviceReason(
  directory: DeviceDirectory,
  apikey: string,
): Promise<{ reason: 'unknown-apikey' | 'unknown-device'; tenant?: string }> {
  if (directory.findGroupByApikey === undefined) return { reason: 'unknown-device' };
  const group = await directory.findGroupByApikey(apikey);
  return group === undefined
    ? { reason: 'unknown-apikey' }
    : { reason: 'unknown-device', tenant: group.tenant };
}

/** A single-attribute topic's payload is the value: JSON when it parses, else the text. */
function singleValue(format: PayloadFormat, text: string): unknown {
  if (format === 'ul') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function rejectionOf(
  message: Pick<DeviceMessage, 'rawTopic' | 'payload'> & {
    topic?: Pick<DeviceTopic, 'apikey' | 'deviceId'>;
    device?: ProvisionedDevice;
  },
  reason: RejectionReason,
  detail: string,
): Omit<Rejection, 'at'> {
  return {
    reason,
    transport: 'mqtt',
    ...(message.device ? { tenant: message.device.device.tenant } : {}),
    ...(message.topic ? { apikey: message.topic.apikey, deviceId: message.topic.deviceId } : {}),
    source: message.rawTopic,
    detail,
    payloadExcerpt: message.payload.subarray(0, EXCERPT_BYTES).toString('utf8'),
  };
}
