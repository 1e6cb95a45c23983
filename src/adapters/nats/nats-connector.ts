/**
 * One NATS connection per bus, kept up forever. The first connection is tried in our own
 * loop (the client's own first-connect wait cannot be cancelled by close()); after that
 * the client reconnects by itself, forever, waiting longer the longer the outage lasts.
 * A connection the client gives up on (say, rejected credentials) is replaced by a new one.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { parseNatsUrl } from './nats-url.js';

export type BusLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

export interface NatsConnector {
  /**
   * The connection (possibly reconnecting at the moment); waits for one while there is
   * none. Rejects when `signal` aborts or the connector is closed.
   */
  connection(signal?: AbortSignal): Promise<NatsConnection>;
  /** Drains the connection (sends what is buffered, ends subscriptions), then closes it. */
  close(): Promise<void>;
}

export interface NatsConnectorOptions {
  url: string;
  /** Shown by the server's monitoring for this client. */
  name: string;
  logger?: BusLogger;
}

const HANDSHAKE_TIMEOUT_MS = 5_000;
const MAX_RETRY_DELAY_MS = 5_000;
const DRAIN_TIMEOUT_MS = 5_000;

/** Waits between tries: 250 ms at first, growing with the outage to 5 s, with jitter. */
function retryDelay(outageMs: number): number {
  const base = Math.min(MAX_RETRY_DELAY_MS, 250 + outageMs / 10);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

export function createNatsConnector(options: NatsConnectorOptions): NatsConnector {
  const endpoint = parseNatsUrl(options.url);
  const log = options.logger;
  const closing = new AbortController();
  let current: NatsConnection | undefined;
  let waiters: Array<(nc: NatsConnection) => void> = [];
  let disconnectedAt = Date.now();
  let linkUp = false;

  const connectOnce = () =>
    connect({
      servers: endpoint.servers,
      ...(endpoint.user === undefined ? {} : { user: endpoint.user, pass: endpoint.pass }),
      ...(endpoint.token === undefined ? {} : { token: endpoint.token }),
      ...(endpoint.tls ? { tls: {} } : {}),
      name: options.name,
      timeout: HANDSHAKE_TIMEOUT_MS,
      maxReconnectAttempts: -1,
      reconnectDelayHandler: () => retryDelay(Date.now() - disconnectedAt),
      // Notice a silently dead link (no RST) within about 30 s, not the default 4 min.
      pingInterval: 10_000,
      maxPingOut: 2,
    });

  async function keepConnected(): Promise<void> {
    let failures = 0;
    while (!closing.signal.aborted) {
      let nc: NatsConnection;
      try {
        nc = await connectOnce();
      } catch (error) {
        failures += 1;
        // Say it once, then only now and then: an outage would otherwise flood the log.
        if (failures === 1 || failures % 20 === 0)
          log?.warn({ err: error, servers: endpoint.servers, failures }, 'NATS not reachable');
        await sleep(retryDelay(Date.now() - disconnectedAt), undefined, {
          signal: closing.signal,
        }).catch(() => undefined);
        continue;
      }
      if (closing.signal.aborted) {
        await nc.close();
        return;
      }
      failures = 0;
      current = nc;
      linkUp = true;
      log?.info({ server: nc.getServer() }, 'connected to NATS');
      for (const settle of [...waiters]) settle(nc);
      void logStatus(nc);
      const error = await nc.closed();
      current = undefined;
      linkUp = false;
      disconnectedAt = Date.now();
      if (!closing.signal.aborted)
        log?.error({ err: error }, 'NATS connection closed; opening a new one');
    }
  }

  async function logStatus(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') {
        disconnectedAt = Date.now();
        linkUp = false;
        log?.warn({ server: status.server }, 'NATS disconnected; reconnecting');
      } else if (status.type === 'reconnect') {
        linkUp = true;
        log?.info({ server: status.server }, 'NATS reconnected');
      } else if (status.type === 'error') {
        log?.warn({ err: status.error }, 'NATS error');
      }
    }
  }

  const running = keepConnected().catch((error: unknown) =>
    log?.error({ err: error }, 'NATS connection loop failed'),
  );

  return {
    connection(signal) {
      if (closing.signal.aborted) return Promise.reject(new Error('NATS connector is closed'));
      if (current !== undefined) return Promise.resolve(current);
      return new Promise<NatsConnection>((resolve, reject) => {
        const detach = () => {
          waiters = waiters.filter((w) => w !== settle);
          signal?.removeEventListener('abort', abortedBySignal);
          closing.signal.removeEventListener('abort', abortedByClose);
        };
        const settle = (nc: NatsConnection) => {
          detach();
          resolve(nc);
        };
        const abortedBySignal = () => {
          detach();
          reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
        };
        const abortedByClose = () => {
          detach();
          reject(new Error('NATS connector is closed'));
        };
        if (signal?.aborted) return abortedBySignal();
        signal?.addEventListener('abort', abortedBySignal, { once: true });
        closing.signal.addEventListener('abort', abortedByClose, { once: true });
        waiters.push(settle);
      });
    },
    async close() {
      if (closing.signal.aborted) return running;
      closing.abort();
      const nc = current;
      // Draining needs the server; while it is away, what is buffered is lost anyway.
      if (nc !== undefined) await (linkUp ? drainOrClose(nc) : nc.close());
      await running;
    },
  };
}

/** Drains a live connection; one that cannot drain in time (NATS is away) is just closed. */
async function drainOrClose(nc: NatsConnection): Promise<void> {
  if (nc.isClosed()) return;
  if (nc.isDraining()) {
    await nc.closed();
    return;
  }
  const timeout = new AbortController();
  const outcome = await Promise.race([
    nc.drain().then(
      () => 'drained',
      () => 'failed',
    ),
    sleep(DRAIN_TIMEOUT_MS, 'timeout', { signal: timeout.signal }).catch(() => 'cancelled'),
  ]);
  timeout.abort();
  if (outcome !== 'drained') await nc.close();
}
