/**
 * The embedded MQTT broker (aedes) that devices connect to when no external broker is
 * configured (docs/mqtt-and-commands.md).
 *
 * - CONNECT: each device authenticates as itself (mqtt-credentials.ts); anything else is
 *   refused with CONNACK 4 (bad user name or password), 3 when the registry is unreachable.
 * - PUBLISH: a device publishes only to its own topics (mqtt-topics.ts); another device's
 *   topic or its own command topic closes the connection (MQTT 3.1.1 has no negative
 *   PUBACK). Its messages are handled in aedes' authorizePublish, whose callback aedes
 *   waits for before it writes the PUBACK of a QoS 1 message (lib/handlers/publish.js:
 *   authorizePublish, then enqueuePublish writes the PUBACK): the PUBACK therefore leaves
 *   only once the measurement is durable. Refused payloads are recorded and acknowledged,
 *   the connection stays.
 * - Back-pressure: at most `maxPendingMessages` PUBLISH packets, across all connections, are
 *   taken off the sockets and not yet settled (mqtt-publish-permits.ts says why this way).
 *   While the sink is saturated the permits run out, the broker stops reading every socket
 *   that has a PUBLISH to pass, and TCP holds the devices back: memory stays flat, nothing
 *   acknowledged is lost, no connection is closed. Reading resumes as messages settle.
 * - Device messages are not routed to other subscribers: a device may subscribe only to
 *   its own command topic (other subscriptions are refused with SUBACK 0x80), and only
 *   commands are forwarded.
 * - Packets larger than 4 × the payload limit + 64 KiB (topic) close the connection before
 *   they are buffered (mqtt-frame-guard.ts); payloads over the limit are refused.
 */
import { createHash } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { Aedes, type AuthenticateError, type Client, type PublishPacket } from 'aedes';
import type { Logger } from 'pino';
import { commandKey, devicePayloadFormat, encodeCommand } from '../commands/command-payloads.js';
import {
  createOfflineCommandLimit,
  DEFAULT_OFFLINE_COMMAND_LIMITS,
  type OfflineCommandLimits,
} from '../commands/offline-command.limit.js';
import type { ProvisionedDevice } from '../devices/device.model.js';
import type { CommandTransport, DeviceAgent, IngestRuntime } from '../ingest.types.js';
import {
  createDeviceMessageHandler,
  missingDeviceReason,
  rejectionOf,
  type DeviceMessageHandler,
} from './device-message.js';
import {
  checkDevicePassword,
  parseDeviceUsername,
  type PasswordVerifier,
} from './mqtt-credentials.js';
import { createMqttFrameGuard, MqttPacketTooLarge } from './mqtt-frame-guard.js';
import {
  createPublishPermits,
  type PermitLease,
  type PublishPermits,
} from './mqtt-publish-permits.js';
import { commandTopic, parseDeviceTopic } from './mqtt-topics.js';

export interface EmbeddedBrokerOptions {
  /** TCP port (0 = any free port, see `address()`). */
  port: number;
  /**
   * When `port` is taken (another broker, such as a Mosquitto of the machine), listen on a
   * free port instead, with a warning, rather than refuse to start: for the default port, so
   * that `npm start` works anywhere. An explicitly chosen port is never replaced.
   */
  fallbackToFreePort?: boolean;
  host: string;
  maxPayloadBytes: number;
  verifyPassword: PasswordVerifier;
  log: Logger;
  /** A connection that sends no CONNECT within this time is closed; default 10 s. */
  connectTimeoutMs?: number;
  /** Pauses between attempts of a failed write (device-message.ts). */
  retryDelaysMs?: readonly number[];
  /** Commands kept for devices that are not connected (offline-command.limit.ts). */
  offlineCommands?: OfflineCommandLimits;
  /**
   * PUBLISH packets taken off device connections and not yet settled, across all of them;
   * beyond, the broker stops reading the connections with a PUBLISH to pass. Default 10,000.
   */
  maxPendingMessages?: number;
}

export interface EmbeddedBrokerAgent extends DeviceAgent {
  /** Where the broker listens, once started. */
  address(): AddressInfo | undefined;
  /** Messages taken off the connections and not yet settled; connections waiting to pass one. */
  backlog(): { messages: number; waitingConnections: number };
}

interface Session {
  device: ProvisionedDevice;
  commandTopic: string;
  /** Aborted when the connection ends: its unacknowledged messages stop waiting. */
  ended: AbortController;
}

/** CONNACK return codes (MQTT 3.1.1 §3.2.2.3). */
const SERVER_UNAVAILABLE = 3;
const BAD_USERNAME_OR_PASSWORD = 4;

function authError(message: string, returnCode: number): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/** A client id within its device's namespace; the apikey, a credential, only hashed. */
export function scopedClientId(apikey: string, deviceId: string, clientId: string): string {
  const device = createHash('sha256')
    .update(JSON.stringify([apikey, deviceId]))
    .digest('hex');
  return `${device.slice(0, 16)}/${clientId}`;
}

export function createEmbeddedBrokerAgent(options: EmbeddedBrokerOptions): EmbeddedBrokerAgent {
  const log = options.log;
  const maxPacketBytes = 4 * options.maxPayloadBytes + 64 * 1024;
  const sessions = new Map<Client, Session>();
  const sockets = new Set<Socket>();
  const offline = createOfflineCommandLimit(
    options.offlineCommands ?? DEFAULT_OFFLINE_COMMAND_LIMITS,
  );
  /** The permits of each connection, by the stream aedes knows it by (`client.conn`). */
  const leases = new WeakMap<object, PermitLease>();
  let permits: PublishPermits | undefined;
  let broker: Aedes | undefined;
  let server: Server | undefined;

  function accept(runtime: IngestRuntime, socket: Socket, aedes: Aedes, pool: PublishPermits) {
    sockets.add(socket);
    // PUBACKs are tiny and devices often wait for each before the next message: Nagle's
    // algorithm with delayed ACKs would hold every one back ~40 ms.
    socket.setNoDelay(true);
    const lease = pool.lease();
    socket.once('close', () => {
      sockets.delete(socket);
      lease.end();
    });
    const guard = createMqttFrameGuard(maxPacketBytes, lease.take);
    socket.pipe(guard);
    guard.on('error', (error) => {
      if (error instanceof MqttPacketTooLarge)
        runtime.rejections.record({
          reason: 'oversized',
          transport: 'mqtt',
          source: socket.remoteAddress,
          detail: `MQTT packet of ${error.declaredBytes} bytes exceeds ${maxPacketBytes}; connection closed`,
        });
      socket.destroy();
    });
    socket.on('error', (error) => log.debug({ err: error }, 'MQTT connection error'));
    const connection = Duplex.from({ readable: guard, writable: socket });
    leases.set(connection, lease);
    aedes.handle(connection);
  }

  function configure(aedes: Aedes, runtime: IngestRuntime, handle: DeviceMessageHandler): void {
    aedes.authenticate = (client, username, password, done) => {
      const identity = parseDeviceUsername(username);
      const refuse = (
        detail: string,
        reason: 'not-authorized' | 'unknown-device' | 'unknown-apikey',
        tenant?: string,
      ) => {
        runtime.rejections.record({
          reason,
          transport: 'mqtt',
          ...(tenant === undefined ? {} : { tenant }),
          ...(identity ? { apikey: identity.apikey, deviceId: identity.deviceId } : {}),
          detail: `CONNECT refused: ${detail}`,
        });
        done(authError(detail, BAD_USERNAME_OR_PASSWORD), false);
      };
      if (identity === undefined)
        return refuse('user name must be <apikey>/<device_id>', 'not-authorized');
      const identify = async (apikey: string, deviceId: string) => {
        const device = await runtime.directory.findByApikey(apikey, deviceId);
        if (device === undefined) {
          const { reason, tenant } = await missingDeviceReason(runtime.directory, apikey);
          return refuse(`no device ${deviceId} with this apikey`, reason, tenant);
        }
        if (!(await checkDevicePassword(device, password, options.verifyPassword)))
          return refuse('wrong password', 'not-authorized', device.device.tenant);
        // Client ids are chosen by devices: unscoped, one device could take over another's
        // connection and persistent session (aedes closes the older client of an id, and
        // drops its queued commands as not forwardable). Scoped per device, it cannot.
        client.id = scopedClientId(apikey, deviceId, client.id);
        sessions.set(client, {
          device,
          commandTopic: commandTopic(apikey, deviceId),
          ended: new AbortController(),
        });
        done(null, true);
      };
      identify(identity.apikey, identity.deviceId).catch((error: unknown) => {
        log.warn({ err: error }, 'Device registry unavailable; MQTT CONNECT refused');
        done(authError('device registry unavailable', SERVER_UNAVAILABLE), false);
      });
    };

    aedes.authorizePublish = (client, packet, callback) => {
      // Settled (its permit back) whatever the outcome: every path below calls `done`.
      const settle = client === null ? undefined : leases.get(client.conn)?.handle();
      const done: typeof callback = (error) => {
        settle?.();
        callback(error);
      };
      const session = client ? sessions.get(client) : undefined;
      if (client === null || session === undefined) return done(new Error('not authenticated'));
      const payload = Buffer.isBuffer(packet.payload)
        ? packet.payload
        : Buffer.from(packet.payload, 'utf8');
      const topic = parseDeviceTopic(packet.topic);
      const { device } = session;
      // Never kept as a retained message: device messages are not routed (authorizeForward).
      packet.retain = false;
      if (topic === undefined) {
        runtime.rejections.record(
          rejectionOf(
            { rawTopic: packet.topic, payload, device },
            'topic-not-in-convention',
            'Topic is not /<apikey>/<device_id>/attrs[/<attr>] or …/cmdexe',
          ),
        );
        return done(null);
      }
      if (
        topic.apikey !== device.device.apikey ||
        topic.deviceId !== device.device.device_id ||
        topic.kind === 'cmd'
      ) {
        runtime.rejections.record(
          rejectionOf(
            { rawTopic: packet.topic, payload, device, topic },
            'not-authorized',
            `Device ${device.device.device_id} may not publish to ${packet.topic}; connection closed`,
          ),
        );
        return done(new Error(`not authorised to publish to ${packet.topic}`));
      }
      handle({ topic, rawTopic: packet.topic, payload, device }, session.ended.signal).then(
        () => done(null),
        (error: unknown) => done(error as Error),
      );
    };

    aedes.authorizeSubscribe = (client, subscription, done) => {
      const session = sessions.get(client);
      if (session !== undefined && subscription.topic === session.commandTopic)
        return done(null, subscription);
      runtime.rejections.record({
        reason: 'not-authorized',
        transport: 'mqtt',
        ...(session
          ? {
              tenant: session.device.device.tenant,
              apikey: session.device.device.apikey,
              deviceId: session.device.device.device_id,
            }
          : {}),
        source: subscription.topic,
        detail: `Subscription refused: a device subscribes only to its command topic`,
      });
      done(null, null);
    };

    aedes.authorizeForward = (client, packet) =>
      sessions.get(client)?.commandTopic === packet.topic ? packet : null;

    const end = (client: Client) => {
      sessions.get(client)?.ended.abort(new Error('MQTT connection ended'));
      sessions.delete(client);
    };
    aedes.on('clientDisconnect', end);
    aedes.on('client', (client) => {
      const topic = sessions.get(client)?.commandTopic;
      if (topic !== undefined) offline.connected(client, topic, client.clean);
    });
    aedes.on('clientDisconnect', (client) => offline.disconnected(client));
    aedes.on('ack', (packet) => {
      if (packet !== undefined && 'topic' in packet) offline.acknowledged(packet.topic);
    });
    aedes.on('clientError', (client, error) => {
      log.debug({ err: error, clientId: client.id }, 'MQTT client error');
      end(client);
    });
    aedes.on('connectionError', (_client, error) =>
      log.debug({ err: error }, 'MQTT connection refused'),
    );
  }

  function commandTransport(aedes: Aedes): CommandTransport {
    return {
      transport: 'MQTT',
      send(device, command, value) {
        const topic = commandTopic(device.device.apikey, device.device.device_id);
        const refusal = offline.admit(topic, device.device.device_id);
        if (refusal !== undefined) return Promise.reject(new Error(refusal));
        const packet: PublishPacket = {
          cmd: 'publish',
          topic,
          payload: encodeCommand(
            devicePayloadFormat(device),
            device.device.device_id,
            commandKey(device, command),
            value,
          ),
          qos: 1,
          retain: false,
          dup: false,
        };
        return new Promise((resolve, reject) =>
          aedes.publish(packet, (error) => (error ? reject(error) : resolve())),
        );
      },
    };
  }

  return {
    name: 'mqtt-embedded-broker',

    async start(runtime) {
      const aedes = await Aedes.createBroker({
        connectTimeout: options.connectTimeoutMs ?? 10_000,
        maxClientsIdLength: 128,
        drainTimeout: 10_000,
      });
      configure(
        aedes,
        runtime,
        createDeviceMessageHandler({
          runtime,
          maxPayloadBytes: options.maxPayloadBytes,
          log,
          ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}),
        }),
      );
      const pool = createPublishPermits(options.maxPendingMessages ?? 10_000);
      const listening = createServer((socket) => accept(runtime, socket, aedes, pool));
      const listen = (port: number) =>
        new Promise<void>((resolve, reject) => {
          listening.once('error', reject);
          listening.listen(port, options.host, () => {
            listening.off('error', reject);
            resolve();
          });
        });
      try {
        try {
          await listen(options.port);
        } catch (error) {
          if (!options.fallbackToFreePort || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE')
            throw error;
          await listen(0);
          log.warn(
            { wanted: options.port, address: listening.address() },
            `Port ${options.port} is taken (another MQTT broker?): the embedded MQTT broker listens on a free port instead; set CIVIS_MQTT_PORT to choose one, or CIVIS_MQTT_URL to use the broker already there`,
          );
        }
      } catch (error) {
        await new Promise<void>((resolve) => aedes.close(() => resolve()));
        throw new Error(
          `The embedded MQTT broker cannot listen on ${options.host}:${options.port} (${(error as Error).message}): set CIVIS_MQTT_PORT, or CIVIS_MQTT_URL to use the broker already there`,
          { cause: error },
        );
      }
      broker = aedes;
      server = listening;
      permits = pool;
      runtime.registerCommandTransport(commandTransport(aedes));
      log.info({ address: listening.address() }, 'Embedded MQTT broker listening');
    },

    async stop() {
      const [aedes, listening] = [broker, server];
      broker = undefined;
      server = undefined;
      // Messages still waiting for the sink are not acknowledged: devices send them again.
      for (const session of sessions.values()) session.ended.abort(new Error('broker stopping'));
      sessions.clear();
      const closed = new Promise<void>((resolve) =>
        listening ? listening.close(() => resolve()) : resolve(),
      );
      if (aedes) await new Promise<void>((resolve) => aedes.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },

    backlog() {
      return { messages: permits?.inUse ?? 0, waitingConnections: permits?.waiting ?? 0 };
    },

    address() {
      const address = server?.address();
      return address && typeof address === 'object' ? address : undefined;
    },
  };
}
