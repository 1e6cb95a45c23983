/**
 * The HTTP southbound API of the FIWARE IoT Agents (docs/ingest.md, "HTTP"):
 *   POST /iot/json?k=<apikey>&i=<device_id>   application/json measures (IoTA-JSON)
 *   POST /iot/d?k=<apikey>&i=<device_id>      text/plain UltraLight 2.0 measures
 * Optional parameters: `t` (the measurements' time when the payload has none) and `getCmd`.
 * 200 (empty) once every measurement is durable; 400 malformed, 404 unknown apikey or
 * device, 413 oversized, 415 wrong Content-Type, 503 + Retry-After when saturated. Every
 * refusal is also recorded as a Rejection. The tenant is the device's: request headers
 * cannot choose it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IngestRuntime, Measurement, RejectionReason } from '../../ingest/ingest.types.js';
import type { ProvisionedDevice } from '../../ingest/devices/device.model.js';
import {
  decodeJsonMeasures,
  type DecodedMeasure,
} from '../../ingest/pipeline/json-measures.decoder.js';
import { parseMeasureTime } from '../../ingest/pipeline/measure-time.js';
import {
  decodeUltralight,
  type UltralightCommandResult,
} from '../../ingest/pipeline/ultralight.decoder.js';
import { excerptPayload } from '../../ingest/pipeline/rejection.recorder.js';
import {
  badRequestData,
  isProblemDetails,
  methodNotAllowed,
  resourceNotFound,
  unsupportedMediaType,
  type ProblemDetails,
} from '../../ngsi-ld/problem-details.js';
import { mediaTypeOf } from '../http/media-types.js';

export const SOUTHBOUND_JSON_PATH = '/iot/json';
export const SOUTHBOUND_UL_PATH = '/iot/d';

export interface SouthboundHttpDeps {
  runtime: IngestRuntime;
  /** Largest body accepted (413 above). */
  maxPayloadBytes: number;
}

type Format = 'json' | 'ul';

const CONTENT_TYPES: Record<Format, string> = { json: 'application/json', ul: 'text/plain' };
const QUERY_PARAMETERS = new Set(['k', 'i', 't', 'getCmd']);
const KEY_PATTERN = /^[^\p{Cc}\s]{1,256}$/u;

interface SouthboundQuery {
  apikey: string;
  deviceId: string;
  time: string | undefined;
}

/** What a refusal is recorded with: the parts of the request known when it happened. */
interface RequestFacts {
  source: string;
  apikey?: string;
  deviceId?: string;
  tenant?: string;
  payload?: string;
}

export async function southboundHttpRoutes(
  app: FastifyInstance,
  deps: SouthboundHttpDeps,
): Promise<void> {
  const { runtime } = deps;

  function refuse(reason: RejectionReason, problem: ProblemDetails, facts: RequestFacts): never {
    runtime.rejections.record({
      reason,
      transport: 'http',
      source: facts.source,
      detail: problem.detail,
      ...(facts.tenant === undefined ? {} : { tenant: facts.tenant }),
      ...(facts.apikey === undefined ? {} : { apikey: facts.apikey }),
      ...(facts.deviceId === undefined ? {} : { deviceId: facts.deviceId }),
      ...(facts.payload === undefined ? {} : { payloadExcerpt: excerptPayload(facts.payload) }),
    });
    throw problem;
  }

  async function resolveDevice(query: SouthboundQuery, facts: RequestFacts) {
    const device = await runtime.directory.findByApikey(query.apikey, query.deviceId);
    if (device !== undefined) return device;
    const group = await runtime.directory.findGroupByApikey?.(query.apikey);
    const reason =
      group === undefined && runtime.directory.findGroupByApikey !== undefined
        ? 'unknown-apikey'
        : 'unknown-device';
    // One answer for both: the response must not tell which apikeys exist.
    return refuse(
      reason,
      resourceNotFound(`No device '${query.deviceId}' is provisioned with this apikey`),
      { ...facts, ...(group === undefined ? {} : { tenant: group.tenant }) },
    );
  }

  async function receive(format: Format, request: FastifyRequest, reply: FastifyReply) {
    const facts: RequestFacts = { source: request.url.split('?')[0] ?? request.url };
    const query = readQuery(request.query as Record<string, unknown>, facts, refuse);
    const device = await resolveDevice(query, facts);
    facts.tenant = device.device.tenant;
    const contentType = mediaTypeOf(request.headers['content-type']);
    if (contentType !== CONTENT_TYPES[format])
      refuse(
        'malformed-payload',
        unsupportedMediaType(
          `Content-Type '${contentType ?? 'none'}' is not accepted on ${facts.source}; send ${CONTENT_TYPES[format]}`,
        ),
        facts,
      );
    const body = typeof request.body === 'string' ? request.body : '';
    facts.payload = body;
    if (body.trim() === '') refuse('malformed-payload', badRequestData('The body is empty'), facts);
    let measures: DecodedMeasure[];
    let commandResults: UltralightCommandResult[] = [];
    try {
      if (format === 'json') measures = decodeJsonMeasures(body);
      else ({ measures, commandResults } = decodeUltralight(body));
    } catch (error) {
      if (!isProblemDetails(error)) throw error;
      return refuse(error.status === 413 ? 'oversized' : 'malformed-payload', error, facts);
    }
    const receivedAt = runtime.clock().toISOString();
    const measurements = measures.map((measure): Measurement => ({
      device,
      values: measure.values,
      receivedAt,
      transport: 'http',
      source: facts.source,
      ...observedAtOf(measure, query),
    }));
    try {
      await Promise.all([
        submit(measurements),
        ...commandResults.map((result) => acknowledge(device, result, facts)),
      ]);
    } catch (error) {
      // Devices retry a refused message; tell them when (RFC 9110 10.2.3).
      if (isProblemDetails(error) && error.status === 503)
        reply.header('retry-after', String(retryAfterSeconds(error)));
      throw error;
    }
    return reply.code(200).send();
  }

  function submit(measurements: Measurement[]): Promise<unknown> {
    if (measurements.length === 0) return Promise.resolve();
    const { sink } = runtime;
    return sink.submitAll
      ? sink.submitAll(measurements)
      : Promise.all(measurements.map((measurement) => sink.submit(measurement)));
  }

  async function acknowledge(
    device: ProvisionedDevice,
    result: UltralightCommandResult,
    facts: RequestFacts,
  ): Promise<void> {
    if (result.deviceId !== device.device.device_id)
      refuse(
        'malformed-payload',
        badRequestData(
          `The command result names device '${result.deviceId}', not '${device.device.device_id}'`,
        ),
        facts,
      );
    try {
      await runtime.acknowledgeCommand(device, result.command, result.result, 'http');
    } catch (error) {
      if (isProblemDetails(error) && error.status < 500) refuse('malformed-payload', error, facts);
      throw error;
    }
  }

  await app.register(async (scope) => {
    // The device's raw text reaches the handler, which decodes it and records every refusal
    // with the device it came from; only oversized bodies fail before (onError below).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) =>
      done(null, body),
    );
    scope.addHook('onError', async (request, _reply, error) => {
      if ((error as { code?: string }).code !== 'FST_ERR_CTP_BODY_TOO_LARGE') return;
      const query = request.query as Record<string, unknown>;
      runtime.rejections.record({
        reason: 'oversized',
        transport: 'http',
        source: request.url.split('?')[0] ?? request.url,
        detail: `The body is larger than ${deps.maxPayloadBytes} bytes`,
        ...(typeof query['k'] === 'string' ? { apikey: query['k'].slice(0, 256) } : {}),
        ...(typeof query['i'] === 'string' ? { deviceId: query['i'].slice(0, 256) } : {}),
      });
    });
    for (const [url, format] of [
      [SOUTHBOUND_JSON_PATH, 'json'],
      [SOUTHBOUND_UL_PATH, 'ul'],
    ] as const) {
      scope.post(url, { bodyLimit: deps.maxPayloadBytes }, (request, reply) =>
        receive(format, request, reply),
      );
      scope.route({
        method: ['GET', 'PUT', 'PATCH', 'DELETE'],
        url,
        handler: async (request, reply) => {
          reply.header('Allow', 'POST');
          throw methodNotAllowed(`${request.method} is not allowed on ${url}; allowed: POST`);
        },
      });
    }
  });
}

function readQuery(
  raw: Record<string, unknown>,
  facts: RequestFacts,
  refuse: (reason: RejectionReason, problem: ProblemDetails, facts: RequestFacts) => never,
): SouthboundQuery {
  const text = (name: string): string | undefined => {
    const value = raw[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string')
      refuse(
        'malformed-payload',
        badRequestData(`Query parameter '${name}' is given more than once`),
        facts,
      );
    return value;
  };
  const apikey = valid(text('k'));
  const deviceId = valid(text('i'));
  if (apikey !== undefined) facts.apikey = apikey;
  if (deviceId !== undefined) facts.deviceId = deviceId;
  const unknown = Object.keys(raw).filter((name) => !QUERY_PARAMETERS.has(name));
  if (unknown.length > 0)
    refuse(
      'malformed-payload',
      badRequestData(
        `Unknown query parameter(s) ${unknown.map((n) => `'${n.slice(0, 40)}'`).join(', ')}; allowed: k, i, t, getCmd`,
      ),
      facts,
    );
  if (apikey === undefined || deviceId === undefined)
    return refuse(
      'malformed-payload',
      badRequestData(
        "The query parameters 'k' (apikey) and 'i' (device id) are required: 1–256 characters, no spaces or control characters",
      ),
      facts,
    );
  const t = text('t');
  const time = t === undefined ? undefined : parseMeasureTime(t);
  if (t !== undefined && time === undefined)
    refuse('malformed-payload', badRequestData(`'t' must be an ISO 8601 date-time`), facts);
  const getCmd = text('getCmd');
  if (getCmd !== undefined && getCmd !== '0' && getCmd !== '1')
    refuse('malformed-payload', badRequestData(`'getCmd' must be 0 or 1`), facts);
  return { apikey, deviceId, time };
}

function valid(key: string | undefined): string | undefined {
  return key !== undefined && KEY_PATTERN.test(key) ? key : undefined;
}

function observedAtOf(measure: DecodedMeasure, query: SouthboundQuery): { observedAt?: string } {
  const observedAt = measure.observedAt ?? query.time;
  return observedAt === undefined ? {} : { observedAt };
}

function retryAfterSeconds(problem: ProblemDetails): number {
  const seconds = problem.extras?.['retryAfterSeconds'];
  return typeof seconds === 'number' && seconds > 0 ? Math.ceil(seconds) : 1;
}
