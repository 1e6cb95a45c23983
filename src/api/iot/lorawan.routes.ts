/**
 * LoRaWAN network server webhooks (docs/lorawan-and-device-health.md):
 *   POST /iot/lorawan/ttn                  The Things Stack v3 webhook (JSON format)
 *   POST /iot/lorawan/chirpstack?event=…   ChirpStack v4 HTTP integration (JSON marshaler)
 * The device's (or its group's) apikey comes in the X-Civis-Apikey header or the `k` query
 * parameter. 204 once the measurement is durable (or the message kind is ignored).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IngestRuntime } from '../../ingest/ingest.types.js';
import { decodeChirpstackEvent } from '../../ingest/lorawan/chirpstack-uplink.decoder.js';
import { decodeTtsMessage } from '../../ingest/lorawan/tts-uplink.decoder.js';
import {
  createLorawanUplinkService,
  type LorawanDelivery,
} from '../../ingest/lorawan/lorawan-uplink.service.js';
import {
  badRequestData,
  isProblemDetails,
  methodNotAllowed,
} from '../../ngsi-ld/problem-details.js';
import { QueryParams } from '../ngsi-ld/query-params.js';

export const LORAWAN_TTN_PATH = '/iot/lorawan/ttn';
export const LORAWAN_CHIRPSTACK_PATH = '/iot/lorawan/chirpstack';
export const LORAWAN_APIKEY_HEADER = 'x-civis-apikey';

export interface LorawanRoutesDeps {
  runtime: IngestRuntime;
  /** Largest body accepted (413 above): config ingestMaxPayloadBytes. */
  maxPayloadBytes: number;
}

export function lorawanRoutes(app: FastifyInstance, deps: LorawanRoutesDeps): void {
  const uplinks = createLorawanUplinkService(deps.runtime);
  // Requests whose handler ran record their own rejections; the others failed before it
  // (body too large, not JSON, wrong Content-Type) and are recorded by onError.
  const handled = new WeakSet<FastifyRequest>();

  const options = {
    bodyLimit: deps.maxPayloadBytes,
    onError: async (request: FastifyRequest, _reply: unknown, error: Error) => {
      if (handled.has(request)) return;
      const status = isProblemDetails(error)
        ? error.status
        : ((error as { statusCode?: number }).statusCode ?? 500);
      deps.runtime.rejections.record({
        reason: status === 413 ? 'oversized' : 'malformed-payload',
        transport: 'lorawan',
        source: request.url.split('?')[0] ?? request.url,
        detail: error.message,
      });
    },
  };

  async function receive(
    request: FastifyRequest,
    reply: FastifyReply,
    delivery: Omit<LorawanDelivery, 'body'>,
  ): Promise<void> {
    handled.add(request);
    try {
      await uplinks.receive({ ...delivery, body: request.body });
    } catch (error) {
      // Network servers retry failed webhooks; tell them when (RFC 9110 10.2.3).
      if (isProblemDetails(error) && error.status === 503) {
        reply.header('retry-after', String(retryAfterSeconds(error.extras)));
      }
      throw error;
    }
  }

  app.post(LORAWAN_TTN_PATH, options, async (request, reply) => {
    const query = new QueryParams(request.query as Record<string, unknown>, ['k']);
    await receive(request, reply, {
      decode: () => decodeTtsMessage(request.body),
      apikey: readApikey(request, query),
      source: LORAWAN_TTN_PATH,
    });
    return reply.code(204).send();
  });

  app.post(LORAWAN_CHIRPSTACK_PATH, options, async (request, reply) => {
    const query = new QueryParams(request.query as Record<string, unknown>, ['event', 'k']);
    const event = query.get('event');
    await receive(request, reply, {
      decode: () => decodeChirpstackEvent(event, request.body),
      apikey: readApikey(request, query),
      source: `${LORAWAN_CHIRPSTACK_PATH}?event=${encodeURIComponent((event ?? '').slice(0, 32))}`,
    });
    return reply.code(204).send();
  });

  for (const url of [LORAWAN_TTN_PATH, LORAWAN_CHIRPSTACK_PATH]) {
    app.route({
      method: ['GET', 'PUT', 'PATCH', 'DELETE'],
      url,
      handler: async (request, reply) => {
        reply.header('Allow', 'POST');
        throw methodNotAllowed(`${request.method} is not allowed on ${url}; allowed: POST`);
      },
    });
  }
}

function readApikey(request: FastifyRequest, query: QueryParams): string | undefined {
  const header = request.headers[LORAWAN_APIKEY_HEADER];
  if (Array.isArray(header)) throw badRequestData('X-Civis-Apikey is given more than once');
  return header ?? query.get('k');
}

function retryAfterSeconds(extras: Record<string, unknown> | undefined): number {
  const seconds = extras?.retryAfterSeconds;
  return typeof seconds === 'number' && seconds > 0 ? Math.ceil(seconds) : 1;
}
