/**
 * Server-sent event streams for Civis' own web apps. A subscription whose endpoint URI is
 * `urn:civis:stream:<name>` pushes its notifications to every client connected to stream
 * `<name>` of the subscription's tenant (GET /api/notifications/streams/<name>).
 *
 * A notification counts as delivered when at least one client took it; with no client
 * connected the outcome is a retryable failure ('no listener'), so the notifier's retry
 * policy decides how long a notification waits for a dashboard to come back. The hub never
 * blocks the sender: each client has a bounded buffer, and a client too slow to empty it is
 * disconnected (its EventSource reconnects and starts afresh).
 */
import type { Writable } from 'node:stream';
import type {
  DeliveryOutcome,
  NotificationEndpoint,
  NotificationMessage,
  NotificationSender,
} from '../../context/ports/notification-sender.port.js';
import { refused, retryable } from './delivery-outcome.js';

export interface SseNotificationHubOptions {
  /** Comment line sent to every client this often, so that proxies keep the stream; 15 s. */
  readonly heartbeatMs?: number;
  /** Events written while the client has not drained its buffer before it is dropped; 1,000. */
  readonly maxBufferedEvents?: number;
  /** Bytes waiting in a client's buffer before it is dropped; 8 MiB. */
  readonly maxBufferedBytes?: number;
}

export interface SseNotificationHub extends NotificationSender {
  /** Whether `name` may name a stream: 1–64 letters, digits, '.', '_', '-'. */
  isStreamName(name: string): boolean;
  /**
   * Sends the notifications of stream `name` of `tenant` to `out` (a response whose
   * `text/event-stream` head is written) until it closes. Returns the function that ends it.
   */
  connect(tenant: string, name: string, out: Writable): () => void;
}

const STREAM_URN_PREFIX = 'urn:civis:stream:';
const STREAM_NAME = /^[A-Za-z0-9._-]{1,64}$/;

interface StreamClient {
  out: Writable;
  /** Events written since the buffer last drained. */
  backlog: number;
}

export function createSseNotificationHub(
  options: SseNotificationHubOptions = {},
): SseNotificationHub {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxBufferedEvents = options.maxBufferedEvents ?? 1_000;
  const maxBufferedBytes = options.maxBufferedBytes ?? 8 * 1024 * 1024;
  const streams = new Map<string, Set<StreamClient>>();
  let clientCount = 0;
  let heartbeat: NodeJS.Timeout | undefined;
  let nextEventId = 1;

  /** Ends the stream, or cuts it when its buffer is full (ending would wait for it to drain). */
  function disconnect(key: string, client: StreamClient) {
    const clients = streams.get(key);
    if (clients === undefined || !clients.delete(client)) return;
    if (clients.size === 0) streams.delete(key);
    clientCount -= 1;
    if (clientCount === 0) {
      clearInterval(heartbeat);
      heartbeat = undefined;
    }
    if (client.out.writableNeedDrain) client.out.destroy();
    else client.out.end();
  }

  /** Writes unless the client is too far behind, in which case it is dropped. */
  function write(key: string, client: StreamClient, chunk: string): boolean {
    if (client.out.writableNeedDrain) client.backlog += 1;
    if (
      client.backlog > maxBufferedEvents ||
      client.out.writableLength + chunk.length > maxBufferedBytes
    ) {
      disconnect(key, client);
      return false;
    }
    client.out.write(chunk);
    return true;
  }

  function beat() {
    for (const [key, clients] of streams) {
      for (const client of clients) write(key, client, ': heartbeat\n\n');
    }
  }

  async function send(
    endpoint: NotificationEndpoint,
    message: NotificationMessage,
  ): Promise<DeliveryOutcome> {
    const problem = validate(endpoint);
    const name = streamNameOf(endpoint.uri);
    if (problem !== undefined || name === undefined) return refused(problem ?? 'not a stream');
    const key = streamKey(message.tenant, name);
    const clients = streams.get(key);
    let delivered = 0;
    if (clients !== undefined) {
      const event = renderEvent(nextEventId++, message.body);
      for (const client of [...clients]) if (write(key, client, event)) delivered += 1;
    }
    return delivered > 0 ? { ok: true } : retryable('no listener');
  }

  return {
    schemes: ['urn'],
    validate,
    send,
    isStreamName: (name) => STREAM_NAME.test(name),
    connect(tenant, name, out) {
      const key = streamKey(tenant, name);
      const client: StreamClient = { out, backlog: 0 };
      let clients = streams.get(key);
      if (clients === undefined) streams.set(key, (clients = new Set()));
      clients.add(client);
      clientCount += 1;
      if (heartbeat === undefined) {
        heartbeat = setInterval(beat, heartbeatMs);
        heartbeat.unref();
      }
      out.on('drain', () => (client.backlog = 0));
      out.once('close', () => disconnect(key, client));
      out.once('error', () => disconnect(key, client));
      return () => disconnect(key, client);
    },
    async close() {
      for (const [key, clients] of streams) {
        for (const client of [...clients]) disconnect(key, client);
      }
    },
  };
}

/** Every `urn:` endpoint must name a stream: no other URN can be delivered to. */
function validate(endpoint: NotificationEndpoint): string | undefined {
  if (streamNameOf(endpoint.uri) !== undefined) return undefined;
  return `${endpoint.uri} is not a stream of Civis: use ${STREAM_URN_PREFIX}<name>, name of 1–64 letters, digits, '.', '_' or '-'`;
}

function streamNameOf(uri: string): string | undefined {
  if (!uri.startsWith(STREAM_URN_PREFIX)) return undefined;
  const name = uri.slice(STREAM_URN_PREFIX.length);
  return STREAM_NAME.test(name) ? name : undefined;
}

function streamKey(tenant: string, name: string): string {
  return `${tenant}\u0000${name}`;
}

/** One `notification` event; every line of the body gets its own `data:` field. */
function renderEvent(id: number, body: string): string {
  const data = body
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}\n`)
    .join('');
  return `event: notification\nid: ${id}\n${data}\n`;
}
