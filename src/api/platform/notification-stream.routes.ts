/**
 * GET /api/notifications/streams/{name}: the notifications of the subscriptions whose endpoint
 * URI is `urn:civis:stream:{name}`, as server-sent events (HTML Living Standard §9.2), for
 * Civis' own web apps. Tenant by NGSILD-Tenant, as in the NGSI-LD API. One
 * `event: notification` per Notification (`id:` a sequence number, `data:` its JSON), a
 * `: heartbeat` comment every 15 s.
 */
import type { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { badRequestData, notAcceptable } from '../../ngsi-ld/problem-details.js';
import { DEFAULT_TENANT } from '../../ngsi-ld/model.js';
import { readTenant } from '../ngsi-ld/ngsi-ld.plugin.js';

export const NOTIFICATION_STREAMS_PATH = '/api/notifications/streams';

/** The streams the route attaches clients to (src/adapters/notify/sse-notification-hub.ts). */
export interface NotificationStreams {
  isStreamName(name: string): boolean;
  /** Streams to `out` until it closes; returns the function that ends the stream. */
  connect(tenant: string, name: string, out: Writable): () => void;
}

export function notificationStreamRoutes(
  app: FastifyInstance,
  deps: { streams: NotificationStreams; assertTenantExists(tenant: string): Promise<void> },
): void {
  const open = new Set<() => void>();
  // Open streams never end by themselves: end them, or closing the server would wait forever.
  app.addHook('preClose', (done) => {
    for (const end of open) end();
    open.clear();
    done();
  });

  app.get<{ Params: { name: string } }>(
    `${NOTIFICATION_STREAMS_PATH}/:name`,
    { exposeHeadRoute: false },
    async (request, reply) => {
      const { name } = request.params;
      if (!deps.streams.isStreamName(name)) {
        throw badRequestData('A stream name is 1–64 letters, digits, ".", "_" or "-"');
      }
      if (!acceptsEventStream(request.headers.accept)) {
        throw notAcceptable('This endpoint only answers text/event-stream');
      }
      const tenant = readTenant(request);
      await deps.assertTenantExists(tenant);

      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
        ...(tenant === DEFAULT_TENANT ? {} : { 'ngsild-tenant': tenant }),
      });
      // A first comment sends the head at once, so the client knows it is listening.
      response.write(': connected\n\n');
      const end = deps.streams.connect(tenant, name, response);
      open.add(end);
      response.once('close', () => open.delete(end));
    },
  );
}

function acceptsEventStream(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  return accept.split(',').some((range) => {
    const type = range.split(';')[0]?.trim().toLowerCase();
    return type === 'text/event-stream' || type === 'text/*' || type === '*/*';
  });
}
