/**
 * Delivers notifications by publishing them to an MQTT broker (NGSI-LD 7.2,
 * subscriptions.md §9) with the `mqtt` client. One client connection per broker, credentials
 * and protocol version, shared by every subscription that names them and reconnected in the
 * background; a connection unused for `idleMs` is closed. A broker that is down or refuses
 * the connection is an outcome within the send's timeout, never a hang.
 *
 * Delivery is at least once: a QoS 1/2 publish that times out may still reach the broker
 * later, when the client resends it after reconnecting.
 *
 * Each (re)connection's address is checked against the denied networks after DNS
 * (address-guard.ts): the client's socket is opened here, with the guard's lookup.
 */
import { randomBytes } from 'node:crypto';
import { connect as netConnect, isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { MqttClient, type ErrorWithReasonCode } from 'mqtt';
import type {
  DeliveryOutcome,
  NotificationEndpoint,
  NotificationMessage,
  NotificationSender,
} from '../../context/ports/notification-sender.port.js';
import { parseMqttEndpoint, type MqttTarget } from '../../ngsi-ld/subscription/mqtt-endpoint.js';
import { createAddressGuard, DENIED_ADDRESS, type AddressGuard } from '../net/address-guard.js';
import { clampTimeout, refused, retryable } from './delivery-outcome.js';
import { brokerKey, renderMqttPayload } from './mqtt-endpoint.js';

export interface MqttNotificationSenderOptions {
  /** Longest wait for a broker's CONNACK on one connection attempt; default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Pause between reconnection attempts; default 1 s. */
  readonly reconnectPeriodMs?: number;
  /** A connection unused this long is closed; default 5 min. */
  readonly idleMs?: number;
  /** CIDR blocks (`address/prefix`) never connected to; default none. */
  readonly deniedNetworks?: readonly string[];
}

interface BrokerConnection {
  client: MqttClient;
  lastUsed: number;
  /** Settles with the outcome of the current (or next) connection attempt. */
  attempt: Promise<DeliveryOutcome>;
  settleAttempt: (result: DeliveryOutcome) => void;
  /** Set while the broker refuses this client (bad credentials, version): not worth a retry. */
  refusal: string | undefined;
}

/**
 * CONNACK codes that a retry with the same settings cannot change: MQTT 3.1.1 §3.2.2.3
 * (1 unacceptable version, 2 identifier rejected, 4 bad user name or password, 5 not
 * authorised) and MQTT 5.0 §3.2.2.2 (0x84 version, 0x85 identifier, 0x86 credentials,
 * 0x87 not authorised, 0x8A banned, 0x8C authentication method).
 */
const REFUSAL_CODES = new Set([1, 2, 4, 5, 0x84, 0x85, 0x86, 0x87, 0x8a, 0x8c]);

export function createMqttNotificationSender(
  options: MqttNotificationSenderOptions = {},
): NotificationSender {
  const idleMs = options.idleMs ?? 5 * 60_000;
  const guard = createAddressGuard(options.deniedNetworks ?? [], {
    setting: 'notificationDeniedNetworks',
    users: 'notifications',
  });
  const connections = new Map<string, BrokerConnection>();
  let closed = false;
  const sweeper = setInterval(closeIdleConnections, Math.min(idleMs, 60_000));
  sweeper.unref();

  function connectionFor(target: MqttTarget): BrokerConnection {
    const key = brokerKey(target);
    const existing = connections.get(key);
    if (existing !== undefined) return existing;
    const client = new MqttClient(() => openSocket(target, guard), {
      protocol: target.protocol,
      host: target.host,
      port: target.port,
      ...(target.username === undefined ? {} : { username: target.username }),
      ...(target.password === undefined ? {} : { password: target.password }),
      protocolVersion: target.protocolVersion,
      clientId: `civis-notify-${randomBytes(8).toString('hex')}`,
      clean: true,
      connectTimeout: options.connectTimeoutMs ?? 10_000,
      reconnectPeriod: options.reconnectPeriodMs ?? 1_000,
      // A QoS 0 publish while disconnected fails instead of waiting for a reconnection.
      queueQoSZero: false,
      resubscribe: false,
    });
    const connection = { client, lastUsed: Date.now(), refusal: undefined } as BrokerConnection;
    const renewAttempt = () => {
      connection.attempt = new Promise((resolve) => (connection.settleAttempt = resolve));
    };
    renewAttempt();
    client.on('connect', () => {
      connection.refusal = undefined;
      connection.settleAttempt({ ok: true });
    });
    client.on('error', (error: Error | ErrorWithReasonCode) => {
      // A socket error carries a string code, a CONNACK refusal a number.
      const code: unknown = 'code' in error ? error.code : undefined;
      if (code === DENIED_ADDRESS) {
        connection.refusal = error.message;
        connection.settleAttempt(refused(connection.refusal));
      } else if (typeof code === 'number' && REFUSAL_CODES.has(code)) {
        connection.refusal = `the broker refused the connection: ${error.message}`;
        connection.settleAttempt(refused(connection.refusal));
      } else {
        connection.settleAttempt(retryable(`broker not reachable: ${error.message}`));
      }
    });
    client.on('close', () => {
      connection.settleAttempt(retryable('the broker closed the connection'));
      renewAttempt();
    });
    connections.set(key, connection);
    return connection;
  }

  async function send(
    endpoint: NotificationEndpoint,
    message: NotificationMessage,
    { timeoutMs }: { timeoutMs: number },
  ): Promise<DeliveryOutcome> {
    if (closed) return retryable('the MQTT sender is closed');
    const parsed = parseMqttEndpoint(endpoint);
    if ('problem' in parsed) return refused(parsed.problem);
    const denied = guard.checkHost(parsed.target.host);
    if (denied !== undefined) return refused(denied);
    try {
      return await deliver(parsed.target, renderMqttPayload(endpoint, message), timeoutMs);
    } catch (error) {
      return retryable(`MQTT client failure: ${(error as Error).message}`);
    }
  }

  async function deliver(
    target: MqttTarget,
    payload: string,
    timeoutMs: number,
  ): Promise<DeliveryOutcome> {
    const connection = connectionFor(target);
    connection.lastUsed = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const expiry = new Promise<DeliveryOutcome>((resolve) => {
      timer = setTimeout(
        () => resolve(retryable(`not delivered to the broker within ${timeoutMs} ms`)),
        clampTimeout(timeoutMs),
      );
    });
    try {
      if (!connection.client.connected) {
        if (connection.refusal !== undefined) return refused(connection.refusal);
        const attempt = await Promise.race([connection.attempt, expiry]);
        if (!attempt.ok) return attempt;
      }
      return await Promise.race([publish(connection.client, target, payload), expiry]);
    } finally {
      clearTimeout(timer);
    }
  }

  function closeIdleConnections() {
    const now = Date.now();
    for (const [key, connection] of connections) {
      if (now - connection.lastUsed < idleMs) continue;
      connections.delete(key);
      connection.client.end(true);
    }
  }

  return {
    schemes: ['mqtt', 'mqtts'],
    validate(endpoint) {
      const parsed = parseMqttEndpoint(endpoint);
      return 'problem' in parsed ? parsed.problem : guard.checkHost(parsed.target.host);
    },
    send,
    async close() {
      closed = true;
      clearInterval(sweeper);
      const all = [...connections.values()];
      connections.clear();
      await Promise.all(all.map(({ client }) => client.endAsync(true).catch(() => undefined)));
    },
  };
}

/** The client's socket to the broker, its address checked by the guard's lookup. */
function openSocket(target: MqttTarget, guard: AddressGuard) {
  const options = { host: target.host, port: target.port, lookup: guard.lookup };
  if (target.protocol === 'mqtt') return netConnect(options);
  // Certificates are checked against the host name (SNI), never against an IP literal.
  return tlsConnect(isIP(target.host) === 0 ? { ...options, servername: target.host } : options);
}

/** Resolves when the broker has the message: written (QoS 0), PUBACK (1) or PUBCOMP (2). */
function publish(
  client: MqttClient,
  target: MqttTarget,
  payload: string,
): Promise<DeliveryOutcome> {
  return new Promise((resolve) => {
    client.publish(target.topic, payload, { qos: target.qos }, (error) => {
      resolve(error === undefined || error === null ? { ok: true } : retryable(error.message));
    });
  });
}
