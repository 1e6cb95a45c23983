/**
 * POST /iot/lorawan/ttn and /iot/lorawan/chirpstack against a fake IngestRuntime: what is
 * written, what is refused (and recorded as a Rejection), with which status.
 */
import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import Fastify, { type FastifyInstance, type InjectOptions } from 'fastify';
import { lorawanRoutes } from '../../src/api/iot/lorawan.routes.js';
import { installErrorHandling } from '../../src/api/http/error-handler.js';
import {
  createFakeRuntime,
  provisionedDevice,
  type FakeRuntime,
} from '../../src/ingest/lorawan/ingest-runtime.fake.js';
import {
  CHIRPSTACK_DEV_EUI,
  CHIRPSTACK_JOIN,
  TTS_DEV_EUI,
  TTS_JOIN_ACCEPT,
  chirpstackUplink,
  ttsUplink,
} from '../../src/ingest/lorawan/lorawan.fixtures.js';
import {
  ProblemDetails,
  badRequestData,
  invalidRequest,
  unsupportedMediaType,
} from '../../src/ngsi-ld/problem-details.js';

const NOW = new Date('2024-05-14T10:15:32.000Z');
const CIVIS_ERRORS = 'https://civis.city/errors/';

/** The app's body handling (JSON only, parse errors → InvalidRequest) around the routes. */
async function lorawanApp(runtime: FakeRuntime): Promise<FastifyInstance> {
  const app = Fastify({ bodyLimit: 4 * 1024 * 1024 });
  installErrorHandling(app);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    if (body === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body as string) as unknown);
    } catch (error) {
      done(invalidRequest(`The body is not valid JSON: ${(error as Error).message}`), undefined);
    }
  });
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, _body, done) =>
    done(unsupportedMediaType('Content-Type is not supported'), undefined),
  );
  lorawanRoutes(app, { runtime, maxPayloadBytes: 128 * 1024 });
  await app.ready();
  return app;
}

function post(url: string, body: unknown, headers: Record<string, string> = {}): InjectOptions {
  return {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

const northSensor = provisionedDevice({
  device_id: 'air-north-7',
  tenant: 'north',
  apikey: 'north-key',
  devEui: TTS_DEV_EUI,
});
const southBin = provisionedDevice({
  device_id: 'bin-0042',
  tenant: 'south',
  apikey: 'south-key',
  devEui: CHIRPSTACK_DEV_EUI.toUpperCase(),
});

describe('LoRaWAN webhooks', () => {
  const runtime = createFakeRuntime([northSensor, southBin], () => NOW);
  let app: FastifyInstance;

  beforeEach(async () => {
    app ??= await lorawanApp(runtime);
    runtime.written.length = 0;
    runtime.rejected.length = 0;
    runtime.failWith = undefined;
  });
  after(() => app.close());

  describe('POST /iot/lorawan/ttn (The Things Stack v3)', () => {
    it('writes the decoded payload with the network time and answers 204', async () => {
      const response = await app.inject(
        post('/iot/lorawan/ttn', ttsUplink(), { 'x-civis-apikey': 'north-key' }),
      );
      assert.equal(response.statusCode, 204, response.body);
      assert.deepEqual(runtime.written, [
        {
          device: northSensor,
          values: { temperature: 20.7, humidity: 45.5, pm10: 25 },
          observedAt: '2024-05-14T10:15:31.276Z',
          receivedAt: NOW.toISOString(),
          transport: 'lorawan',
          source: '/iot/lorawan/ttn',
        },
      ]);
      assert.deepEqual(runtime.rejected, []);
    });

    it('takes the apikey from the k query parameter too', async () => {
      const response = await app.inject(post('/iot/lorawan/ttn?k=north-key', ttsUplink()));
      assert.equal(response.statusCode, 204, response.body);
      assert.equal(runtime.written.length, 1);
    });

    it('finds the device whatever the case of the DevEUI', async () => {
      const body = ttsUplink({ devEui: TTS_DEV_EUI.toLowerCase() });
      const response = await app.inject(post('/iot/lorawan/ttn?k=north-key', body));
      assert.equal(response.statusCode, 204, response.body);
    });

    it('acknowledges a join accept without writing or recording anything', async () => {
      const response = await app.inject(post('/iot/lorawan/ttn', TTS_JOIN_ACCEPT));
      assert.equal(response.statusCode, 204);
      assert.deepEqual(runtime.written, []);
      assert.deepEqual(runtime.rejected, []);
    });

    it('answers 401 and records not-authorized for a wrong or missing apikey', async () => {
      for (const headers of [{ 'x-civis-apikey': 'guess' }, {}] as Record<string, string>[]) {
        const response = await app.inject(post('/iot/lorawan/ttn', ttsUplink(), headers));
        assert.equal(response.statusCode, 401);
        assert.equal(response.json().type, `${CIVIS_ERRORS}Unauthorized`);
      }
      assert.deepEqual(runtime.written, []);
      assert.deepEqual(
        runtime.rejected.map((r) => [r.reason, r.tenant, r.deviceId, r.apikey]),
        [
          ['not-authorized', 'north', 'air-north-7', undefined],
          ['not-authorized', 'north', 'air-north-7', undefined],
        ],
      );
      assert.match(runtime.rejected[1]?.detail ?? '', /No apikey was given/);
    });

    it("refuses another tenant's apikey for a device (no cross-tenant write)", async () => {
      const response = await app.inject(
        post('/iot/lorawan/ttn', ttsUplink(), {
          'x-civis-apikey': 'south-key',
          'ngsild-tenant': 'south',
        }),
      );
      assert.equal(response.statusCode, 401);
      assert.doesNotMatch(response.body, /south-key/);
      assert.deepEqual(runtime.written, []);
      // The key presented is never stored in the device tenant's rejections.
      assert.doesNotMatch(JSON.stringify(runtime.rejected), /south-key/);
    });

    it('answers 404 and records unknown-deveui for a DevEUI nobody provisioned', async () => {
      const response = await app.inject(
        post('/iot/lorawan/ttn?k=north-key', ttsUplink({ devEui: 'A840414E01822F5B' })),
      );
      assert.equal(response.statusCode, 404);
      assert.match(response.json().detail, /No device is provisioned with DevEUI A840414E01822F5B/);
      assert.deepEqual(
        runtime.rejected.map((r) => [r.reason, r.transport, r.source, r.tenant]),
        [['unknown-deveui', 'lorawan', '/iot/lorawan/ttn', undefined]],
      );
      assert.match(runtime.rejected[0]?.payloadExcerpt ?? '', /^\{"end_device_ids"/);
    });

    it('answers 400 and records malformed-payload for an uplink without decoded payload', async () => {
      const response = await app.inject(
        post('/iot/lorawan/ttn?k=north-key', ttsUplink({ decoded: undefined })),
      );
      assert.equal(response.statusCode, 400);
      assert.equal(response.json().type, 'https://uri.etsi.org/ngsi-ld/errors/BadRequestData');
      assert.match(response.json().detail, /decoded_payload is missing/);
      assert.deepEqual(
        runtime.rejected.map((r) => r.reason),
        ['malformed-payload'],
      );
      assert.deepEqual(runtime.written, []);
    });

    it('answers 400 and records malformed-payload for a body that is not JSON', async () => {
      const response = await app.inject(
        post('/iot/lorawan/ttn?k=north-key', '{"end_device_ids": '),
      );
      assert.equal(response.statusCode, 400);
      assert.equal(response.json().type, 'https://uri.etsi.org/ngsi-ld/errors/InvalidRequest');
      assert.deepEqual(
        runtime.rejected.map((r) => [r.reason, r.source]),
        [['malformed-payload', '/iot/lorawan/ttn']],
      );
    });

    it('answers 415 and records it for a body that is not application/json', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/iot/lorawan/ttn?k=north-key',
        headers: { 'content-type': 'application/octet-stream' },
        payload: Buffer.from([1, 2, 3]),
      });
      assert.equal(response.statusCode, 415);
      assert.deepEqual(
        runtime.rejected.map((r) => r.reason),
        ['malformed-payload'],
      );
    });

    it('answers 413 and records oversized for a body over 128 KiB', async () => {
      const decoded = { padding: 'x'.repeat(130 * 1024) };
      const response = await app.inject(
        post('/iot/lorawan/ttn?k=north-key', ttsUplink({ decoded })),
      );
      assert.equal(response.statusCode, 413);
      assert.deepEqual(
        runtime.rejected.map((r) => r.reason),
        ['oversized'],
      );
      assert.deepEqual(runtime.written, []);
    });

    it('answers 400 for hostile bodies without crashing', async () => {
      const deep = '['.repeat(50_000) + ']'.repeat(50_000);
      const deepDecoded = `{"end_device_ids":{"dev_eui":"${TTS_DEV_EUI}"},"uplink_message":{"decoded_payload":{"a":${deep}}}}`;
      for (const body of [
        [],
        'null',
        '"text"',
        { end_device_ids: null, uplink_message: {} },
        deep,
        deepDecoded,
      ]) {
        const response = await app.inject(post('/iot/lorawan/ttn?k=north-key', body));
        assert.equal(response.statusCode, 400, JSON.stringify(body).slice(0, 60));
        assert.ok(response.json().detail);
      }
      assert.deepEqual(runtime.written, []);
    });

    it('passes a __proto__ key through as a plain value', async () => {
      const body = JSON.stringify(ttsUplink()).replace(
        '"temperature"',
        '"__proto__":{"polluted":1},"temperature"',
      );
      const response = await app.inject(post('/iot/lorawan/ttn?k=north-key', body));
      assert.equal(response.statusCode, 204, response.body);
      assert.equal(({} as { polluted?: number }).polluted, undefined);
    });

    it('answers 400 for unknown or repeated query parameters', async () => {
      for (const url of ['/iot/lorawan/ttn?k=north-key&tenant=x', '/iot/lorawan/ttn?k=a&k=b']) {
        const response = await app.inject(post(url, ttsUplink()));
        assert.equal(response.statusCode, 400, url);
      }
      assert.deepEqual(runtime.written, []);
    });

    it('answers 503 with Retry-After when the sink is saturated', async () => {
      runtime.failWith = new ProblemDetails({
        type: `${CIVIS_ERRORS}ServiceUnavailable`,
        title: 'Service unavailable',
        detail: 'The ingest queue is full',
        status: 503,
        extras: { retryAfterSeconds: 2.5 },
      });
      const response = await app.inject(post('/iot/lorawan/ttn?k=north-key', ttsUplink()));
      assert.equal(response.statusCode, 503);
      assert.equal(response.headers['retry-after'], '3');
    });

    it("passes the sink's 400 through when the values cannot be mapped", async () => {
      runtime.failWith = badRequestData('temperature: expected a Number, got "warm"');
      const response = await app.inject(post('/iot/lorawan/ttn?k=north-key', ttsUplink()));
      assert.equal(response.statusCode, 400);
      assert.match(response.json().detail, /expected a Number/);
    });
  });

  it('answers 405 with Allow: POST for other verbs', async () => {
    for (const url of ['/iot/lorawan/ttn', '/iot/lorawan/chirpstack']) {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 405);
      assert.equal(response.headers.allow, 'POST');
    }
  });

  describe('POST /iot/lorawan/chirpstack (ChirpStack v4)', () => {
    it('writes an up event with the network time and answers 204', async () => {
      const response = await app.inject(
        post('/iot/lorawan/chirpstack?event=up', chirpstackUplink(), {
          'x-civis-apikey': 'south-key',
        }),
      );
      assert.equal(response.statusCode, 204, response.body);
      assert.deepEqual(runtime.written, [
        {
          device: southBin,
          values: { fillingLevel: 0.72, batteryLevel: 3.6 },
          observedAt: '2024-05-14T10:20:05.118Z',
          receivedAt: NOW.toISOString(),
          transport: 'lorawan',
          source: '/iot/lorawan/chirpstack?event=up',
        },
      ]);
    });

    it('acknowledges join and status events without writing', async () => {
      for (const event of ['join', 'status']) {
        const response = await app.inject(
          post(`/iot/lorawan/chirpstack?event=${event}`, CHIRPSTACK_JOIN),
        );
        assert.equal(response.statusCode, 204);
      }
      assert.deepEqual(runtime.written, []);
    });

    it('answers 400 for a missing or unknown event', async () => {
      for (const url of [
        '/iot/lorawan/chirpstack?k=south-key',
        '/iot/lorawan/chirpstack?event=%3Cscript%3E&k=south-key',
      ]) {
        const response = await app.inject(post(url, chirpstackUplink()));
        assert.equal(response.statusCode, 400, url);
      }
      assert.deepEqual(
        runtime.rejected.map((r) => r.reason),
        ['malformed-payload', 'malformed-payload'],
      );
      assert.equal(runtime.rejected[1]?.source, '/iot/lorawan/chirpstack?event=%3Cscript%3E');
    });

    it('answers 400 for an up event without object (no codec)', async () => {
      const response = await app.inject(
        post(
          '/iot/lorawan/chirpstack?event=up&k=south-key',
          chirpstackUplink({ object: undefined }),
        ),
      );
      assert.equal(response.statusCode, 400);
      assert.match(response.json().detail, /object is missing/);
    });

    it("answers 401 for another tenant's apikey and never puts the key in the source", async () => {
      const response = await app.inject(
        post('/iot/lorawan/chirpstack?event=up&k=north-key', chirpstackUplink()),
      );
      assert.equal(response.statusCode, 401);
      assert.deepEqual(
        runtime.rejected.map((r) => [r.reason, r.tenant, r.source]),
        [['not-authorized', 'south', '/iot/lorawan/chirpstack?event=up']],
      );
      assert.deepEqual(runtime.written, []);
    });

    it('answers 404 for an unknown DevEUI', async () => {
      const response = await app.inject(
        post(
          '/iot/lorawan/chirpstack?event=up&k=south-key',
          chirpstackUplink({ devEui: '0101010101010101' }),
        ),
      );
      assert.equal(response.statusCode, 404);
      assert.deepEqual(
        runtime.rejected.map((r) => r.reason),
        ['unknown-deveui'],
      );
    });
  });
});
