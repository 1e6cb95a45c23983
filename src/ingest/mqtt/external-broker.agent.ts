/**
 * The device agent for an external MQTT broker (CIVIS_MQTT_URL: Mosquitto, EMQX, …):
 * an MQTT client that subscribes with QoS 1 to the device topics of the conventions
 * (mqtt-topics.ts) and hands each message to the pipeline (device-message.ts).
 *
 * - Acknowledgement after durability: mqtt.js writes the PUBACK of a QoS 1 message only when
 *   `handleMessage`'s callback is called (lib/handlers/publish.js), and handles one message
 *   at a time; the callback is called once the measurement is durable or recorded as
 *   refused. A message the agent could not finish (stop, kill) is not acknowledged.
 * - Bounded memory: until that callback, mqtt.js takes no further packet and reads no more
 *   of its socket (lib/client.js: its parser's Writable completes a write only once every
 *   packet of it is handled, so `pipe()` pauses the socket). A saturated sink holds the
 *   messages back in the broker (its in-flight window and queue), not in Civis.
 * - Persistent session (clean = false) under a stable client id: the broker keeps what
 *   was not acknowledged while Civis is away and delivers it again on reconnection.
 * - Shared subscriptions (`$share/<group>/…`): instances with the same group split the
 *   messages; each instance needs its own client id.
 * - Device authentication is the broker's (its ACLs); Civis refuses messages of
 *   unprovisioned devices (`unknown-device`).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { commandKey, devicePayloadFormat, encodeCommand } from '../commands/command-payloads.js';
import type { CommandTransport, DeviceAgent, IngestRuntime } from '../ingest.types.js';
import {
  createDeviceMessageHandler,
  missingDeviceReason,
  rejectionOf,
  type DeviceMessageHandler,
} from './device-message.js';
import { commandTopic, deviceMessageFilters, parseDeviceTopic } from './mqtt-topics.js';

export interface ExternalBrokerOptions {
  /** mqtt://[user:password@]host:port, mqtts://… */
  url: string;
  /** Stable across restarts of this instance (persistent session), unique among instances. */
  clientId: string;
  /** Shared subscription group; undefined subscribes without `$share`. */
  sharedGroup: string | undefined;
  maxPayloadBytes: number;
  log: Logger;
  /** How long `start` waits for the first subscription before it goes on in the background. */
  connectTimeoutMs?: number;
  reconnectPeriodMs?: number;
  retryDelaysMs?: readonly number[];
}

export function createExternalBrokerAgent(options: ExternalBrokerOptions): DeviceAgent {
  const log = options.log;
  let client: MqttClient | undefined;
  let stopping = new AbortController();

  async function dispatch(
    runtime: IngestRuntime,
    handle: DeviceMessageHandler,
    rawTopic: string,
    payload: Buffer,
  ): Promise<void> {
    const topic = parseDeviceTopic(rawTopic);
    if (topic === undefined || topic.kind === 'cmd') {
      runtime.rejections.record(
        rejectionOf(
          { rawTopic, payload },
          'topic-not-in-convention',
          'Topic is not a device topic',
        ),
      );
      return;
    }
    const device = await findDevice(runtime, topic.apikey, topic.deviceId);
    if (device === undefined) {
      const { reason, tenant } = await missingDeviceReason(runtime.directory, topic.apikey);
      runtime.rejections.record({
        ...rejectionOf(
          { rawTopic, payload, topic },
          reason,
          `No device ${topic.deviceId} with apikey ${topic.apikey}`,
        ),
        ...(tenant === undefined ? {} : { tenant }),
      });
      return;
    }
    await handle({ topic, rawTopic, payload, device }, stopping.signal);
  }

  /** Waits out a registry outage: an unacknowledged message would block the session. */
  async function findDevice(runtime: IngestRuntime, apikey: string, deviceId: string) {
    for (let attempt = 0; ; attempt++) {
      stopping.signal.throwIfAborted();
      try {
        return await runtime.directory.findByApikey(apikey, deviceId);
      } catch (error) {
        if (attempt === 0) log.warn({ err: error }, 'Device registry unavailable; retrying');
        await sleep(Math.min(100 * 2 ** attempt, 2_000), undefined, { signal: stopping.signal });
      }
    }
  }

  function commandTransport(mqtt: MqttClient): CommandTransport {
    return {
      transport: 'MQTT',
      async send(device, command, value) {
        // mqtt.js would queue a publish until it reconnects: fail now rather than hang.
        if (!mqtt.connected) throw new Error('The MQTT broker is not connected');
        const payload = encodeCommand(
          devicePayloadFormat(device),
          device.device.device_id,
          commandKey(device, command),
          value,
        );
        await mqtt.publishAsync(
          commandTopic(device.device.apikey, device.device.device_id),
          payload,
          {
            qos: 1,
          },
        );
      },
    };
  }

  return {
    name: 'mqtt-external-broker',

    async start(runtime) {
      stopping = new AbortController();
      const handle = createDeviceMessageHandler({
        runtime,
        maxPayloadBytes: options.maxPayloadBytes,
        log,
        ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}),
      });
      const clientOptions: IClientOptions = {
        clientId: options.clientId,
        clean: false,
        protocolVersion: 4,
        reconnectPeriod: options.reconnectPeriodMs ?? 2_000,
        connectTimeout: options.connectTimeoutMs ?? 10_000,
      };
      const mqtt = connect(options.url, clientOptions);
      client = mqtt;
      mqtt.handleMessage = (packet, callback) => {
        const payload = Buffer.isBuffer(packet.payload)
          ? packet.payload
          : Buffer.from(packet.payload, 'utf8');
        dispatch(runtime, handle, packet.topic, payload).then(
          () => callback(),
          (error: unknown) => {
            // Not acknowledged: the broker delivers it again after reconnection.
            if (!stopping.signal.aborted)
              log.warn({ err: error, topic: packet.topic }, 'MQTT message not handled');
            callback(error as Error);
          },
        );
      };
      const filters = deviceMessageFilters(options.sharedGroup);
      const subscribed = new Promise<void>((resolve) => {
        mqtt.on('connect', () => {
          mqtt.subscribeAsync(filters, { qos: 1 }).then(
            () => {
              log.info({ filters: filters.length }, 'Subscribed to the device topics');
              resolve();
            },
            (error: unknown) => log.error({ err: error }, 'Subscribing to device topics failed'),
          );
        });
      });
      mqtt.on('error', (error) => log.warn({ err: error }, 'MQTT broker connection error'));
      mqtt.on('offline', () => log.warn('MQTT broker unreachable; reconnecting'));
      runtime.registerCommandTransport(commandTransport(mqtt));
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), options.connectTimeoutMs ?? 10_000);
      });
      const late = await Promise.race([subscribed.then(() => false), timedOut]);
      clearTimeout(timer);
      if (late) log.error('MQTT broker not reachable yet; Civis keeps trying in the background');
    },

    async stop() {
      stopping.abort(new Error('MQTT agent stopping'));
      const mqtt = client;
      client = undefined;
      // Forced: what is still being handled is not acknowledged (the session keeps it).
      if (mqtt) await mqtt.endAsync(true);
    },
  };
}
