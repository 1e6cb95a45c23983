/**
 * Publishes device messages to an MQTT broker on the IoT Agent topics
 * (/<apikey>/<device_id>/attrs, /ul/<apikey>/<device_id>/attrs for UltraLight).
 *
 * Credentials decide how many connections there are:
 * - `device` (the embedded broker, docs/mqtt-and-commands.md): each device connects as
 *   itself, user name `<apikey>/<device_id>` and password the apikey, and may publish only
 *   to its own topics, so a fleet of n MQTT devices opens n connections, lazily on each
 *   device's first message and at most `connectConcurrency` at a time;
 * - `shared`: a pool of `connections` clients with one optional username/password (an
 *   external broker, or a platform credential allowed to publish for every device), each
 *   device always on the same client.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { SimulatedDevice } from './fleet.js';
import type { Publisher } from './publisher.js';
import { measurementTopic } from './publisher.js';

export type MqttAuth =
  | { mode: 'device' }
  | { mode: 'shared'; connections: number; username?: string; password?: string };

export interface MqttPublisherOptions {
  url: string;
  auth: MqttAuth;
  qos: 0 | 1;
  connectTimeoutMs?: number;
  connectConcurrency?: number;
  /** Distinguishes the client ids of two simulators on one broker. */
  clientIdPrefix?: string;
}

interface Connection {
  client: MqttClient;
  ready: Promise<void>;
  connected: boolean;
}

export function createMqttPublisher(options: MqttPublisherOptions): Publisher & {
  readonly connections: number;
} {
  const connections = new Map<string, Connection>();
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const closeTimeoutMs = 5_000;
  const clientIdPrefix = options.clientIdPrefix ?? `civis-sim-${process.pid}`;
  let connecting = 0;
  const waiting: Array<() => void> = [];
  const slot = () =>
    connecting < (options.connectConcurrency ?? 64)
      ? Promise.resolve()
      : new Promise<void>((resolve) => waiting.push(resolve));
  let closed = false;

  const open = (key: string, username?: string, password?: string): Connection => {
    const connection = { connected: false } as Connection;
    connection.ready = slot().then(
      () =>
        new Promise<void>((resolve, reject) => {
          connecting++;
          const client = mqtt.connect(options.url, {
            clientId: key,
            username,
            password,
            clean: true,
            connectTimeout: connectTimeoutMs,
            reconnectPeriod: 1_000,
            keepalive: 60,
          });
          connection.client = client;
          let settled = false;
          const settle = (error?: Error) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            connecting--;
            waiting.shift()?.();
            if (error) {
              // No endless reconnecting: the device's next message tries a new connection.
              client.end(true);
              if (connections.get(key) === connection) connections.delete(key);
              reject(error);
            } else resolve();
          };
          client.on('connect', () => {
            connection.connected = true;
            settle();
          });
          client.on('close', () => (connection.connected = false));
          client.on('error', (error) => settle(error));
          const timer = setTimeout(
            () => settle(new Error(`MQTT connection to ${options.url} not accepted in time`)),
            connectTimeoutMs,
          );
        }),
    );
    // Publishers see the failure; an unobserved rejection must not end the process.
    connection.ready.catch(() => undefined);
    connections.set(key, connection);
    return connection;
  };

  const connectionOf = (device: SimulatedDevice): Connection => {
    const auth = options.auth;
    if (auth.mode === 'device') {
      return (
        connections.get(device.deviceId) ??
        open(device.deviceId, `${device.apikey}/${device.deviceId}`, device.apikey)
      );
    }
    const key = `${clientIdPrefix}-${device.index % auth.connections}`;
    return connections.get(key) ?? open(key, auth.username, auth.password);
  };

  return {
    get connections() {
      return connections.size;
    },
    async publish(device, payload) {
      if (closed) throw new Error('publisher closed');
      const connection = connectionOf(device);
      await connection.ready;
      await new Promise<void>((resolve, reject) => {
        connection.client.publish(
          measurementTopic(device),
          payload,
          { qos: options.qos },
          (error) => (error ? reject(error) : resolve()),
        );
      });
    },
    async close() {
      closed = true;
      await Promise.all(
        [...connections.values()].map(async (connection) => {
          await connection.ready.catch(() => undefined);
          const client = connection.client;
          if (!client) return;
          // A graceful end waits for the PUBACKs of messages in flight; a broker that does
          // not answer gets `closeTimeoutMs`, then the connection is cut.
          let timer: NodeJS.Timeout | undefined;
          const cut = new Promise<void>((resolve) => {
            timer = setTimeout(() => client.end(true, () => resolve()), closeTimeoutMs);
          });
          await Promise.race([client.endAsync(!connection.connected), cut]);
          clearTimeout(timer);
        }),
      );
      connections.clear();
    },
  };
}
