/**
 * The device agent for an external MQTT broker (CIVIS_MQTT_URL: Mosquitto, EMQX, …):
 * an MQTT client that subscribes with QoS 1 to the device topics of the conventions
 * (mqtt-topics.ts) and hands each message to the pipeline (device-message.ts).
 *
 * - Many messages at once, acknowledged after durability: mqtt.js hands over one message at a
 *   time and writes its PUBACK as soon as `handleMessage`'s callback is called
 *   (lib/handlers/publish.js), so waiting for each write before the next message took a
 *   group commit per message (about 1,900 messages/s at most, measured). The callback is
 *   now called at once, and the PUBACK mqtt.js then sends is held (its private
 *   `_sendPacket`, wrapped) until the message is durable or recorded as refused and every
 *   earlier one is acknowledged: PUBACKs leave in the order the messages came (MQTT §4.6,
 *   mqtt-ordered-acks.ts). The messages of one device are handled one after another, in
 *   order. A message the agent could not finish (stop, kill, a failure) is not acknowledged,
 *   nor any after it: the broker delivers them again.
 * - Bounded memory: past `maxInFlight` messages unacknowledged, the callback waits, and
 *   until it is called mqtt.js takes no further packet and reads no more of its socket
 *   (lib/client.js: its parser's Writable completes a write only once every packet of it is
 *   handled, so `pipe()` pauses the socket). A saturated sink holds the messages back in the
 *   broker (its in-flight window and queue), not in Civis. The broker's own in-flight window
 *   per client bounds the concurrency too (Mosquitto: `max_inflight_messages`, 20 by
 *   default; docs/mqtt-and-commands.md).
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
import { createOrderedAcks, type OrderedAcks } from './mqtt-ordered-acks.js';
import {
  commandTopic,
  deviceMessageFilters,
  parseDeviceTopic,
  type DeviceTopic,
} from './mqtt-topics.js';

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
  /** QoS 1 messages handled at once, unacknowledged (default 1,000). */
  maxInFlight?: number;
}

/** mqtt.js's packet writer (private: lib/client.js), through which it sends every PUBACK. */
type SendPacket = (packet: { cmd: string; messageId?: number }, ...rest: unknown[]) => void;

/** One device's messages one after another: the previous one's outcome does not matter. */
function createDeviceQueues() {
  const tails = new Map<string, Promise<void>>();
  return (key: string, run: () => Promise<void>): Promise<void> => {
    const previous = tails.get(key);
    const next = previous === undefined ? run() : previous.then(run, run);
    tails.set(key, next);
    const forget = () => {
      if (tails.get(key) === next) tails.delete(key);
    };
    next.then(forget, forget);
    return next;
  };
}

/**
 * Routes the PUBACKs mqtt.js sends through `acks` (mqtt-ordered-acks.ts): held until their
 * message is handled and every earlier one acknowledged. Wraps mqtt.js's private packet
 * writer on this client, the one place it sends them from (lib/handlers/publish.js).
 */
function holdPubacks(mqtt: MqttClient, acks: OrderedAcks): void {
  const writer = mqtt as unknown as { _sendPacket: SendPacket };
  const sendPacket = writer._sendPacket.bind(mqtt);
  writer._sendPacket = (packet, ...rest) => {
    if (packet.cmd === 'puback') {
      const callback = rest[0];
      const done = () => {
        if (typeof callback === 'function') (callback as () => void)();
      };
      // Never stored for the next connection (mqtt.js would send it after reconnecting,
      // naming a packet id of this one): the broker delivers the message again.
      if (!mqtt.connected) return done();
      const send = () => {
        if (mqtt.connected) sendPacket(packet, undefined, ...rest.slice(1));
      };
      if (packet.messageId !== undefined && acks.hold(packet.messageId, send)) return done();
    }
    sendPacket(packet, ...rest);
  };
}

export function createExternalBrokerAgent(options: ExternalBrokerOptions): DeviceAgent {
  const log = options.log;
  let client: MqttClient | undefined;
  let stopping = new AbortController();

  async function dispatch(
    runtime: IngestRuntime,
    handle: DeviceMessageHandler,
    rawTopic: string,
    topic: DeviceTopic | undefined,
    payload: Buffer,
    signal: AbortSignal,
  ): Promise<void> {
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
    const device = await findDevice(runtime, topic.apikey, topic.deviceId, signal);
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
    await handle({ topic, rawTopic, payload, device }, signal);
  }

  /** Waits out a registry outage: an unacknowledged message would block the session. */
  async function findDevice(
    runtime: IngestRuntime,
    apikey: string,
    deviceId: string,
    signal: AbortSignal,
  ) {
    for (let attempt = 0; ; attempt++) {
      signal.throwIfAborted();
      try {
        return await runtime.directory.findByApikey(apikey, deviceId);
      } catch (error) {
        if (attempt === 0) log.warn({ err: error }, 'Device registry unavailable; retrying');
        await sleep(Math.min(100 * 2 ** attempt, 2_000), undefined, { signal });
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
      const maxInFlight = Math.max(1, options.maxInFlight ?? 1_000);
      const inDeviceOrder = createDeviceQueues();
      /** The last message, not started while `maxInFlight` earlier ones are unacknowledged. */
      let waiting: (() => void) | undefined;
      /**
       * Aborted when the connection closes: its messages will come again on the next one,
       * so their handling (retries of a failing write included) stops there.
       */
      let connection = new AbortController();
      const acks = createOrderedAcks({
        // The connection goes: the broker delivers again what was not acknowledged.
        onFailure: () => {
          if (!stopping.signal.aborted) mqtt.stream.destroy();
        },
        onProgress: () => {
          if (waiting === undefined || acks.pending > maxInFlight) return;
          const next = waiting;
          waiting = undefined;
          next();
        },
      });
      holdPubacks(mqtt, acks);
      // A closed connection's PUBACKs are never sent (the next session gets the messages
      // again), nor is the callback of its last message called.
      mqtt.on('close', () => {
        waiting = undefined;
        acks.reset();
        connection.abort(new Error('MQTT connection closed'));
        connection = new AbortController();
      });
      mqtt.handleMessage = (packet, callback) => {
        // Parsed from a connection that closed meanwhile: it comes again on the next one.
        if (!mqtt.connected) return;
        const payload = Buffer.isBuffer(packet.payload)
          ? packet.payload
          : Buffer.from(packet.payload, 'utf8');
        const signal = AbortSignal.any([stopping.signal, connection.signal]);
        const topic = parseDeviceTopic(packet.topic);
        const inOrder = () =>
          inDeviceOrder(topic ? `${topic.apikey}/${topic.deviceId}` : packet.topic, () =>
            dispatch(runtime, handle, packet.topic, topic, payload, signal),
          );
        const notHandled = (error: unknown) => {
          // Not acknowledged: the broker delivers it again after reconnection.
          if (!signal.aborted)
            log.warn({ err: error, topic: packet.topic }, 'MQTT message not handled');
        };
        if (packet.qos !== 1 || packet.messageId === undefined) {
          // QoS 0 (nothing to acknowledge) and 2: one at a time, in its device's order.
          inOrder().then(
            () => callback(),
            (error: unknown) => {
              notHandled(error);
              callback(error as Error);
            },
          );
          return;
        }
        const ticket = acks.received(packet.messageId);
        const start = () => {
          inOrder().then(
            () => ticket.handled(),
            (error: unknown) => {
              notHandled(error);
              ticket.failed();
            },
          );
          callback();
        };
        // Past the window the message waits, and mqtt.js with it, until an earlier one is
        // acknowledged.
        if (acks.pending <= maxInFlight) start();
        else waiting = start;
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
