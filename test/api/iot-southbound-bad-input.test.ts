/**
 * The HTTP southbound API with malformed, oversized, hostile and unauthorised input: a clear
 * 4xx ProblemDetails, a recorded rejection, no crash, no partial write; 503 + Retry-After
 * when the ingest queue is full.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NGSI, createTestApp, jsonRequest, type TestApp } from '../support/test-app.js';
import {
  LAMP_ID,
  WEATHER_ID,
  jsonMeasure,
  provisionSouthboundDevices,
  ulMeasure,
} from '../support/southbound-devices.js';

const TENANT = { 'NGSILD-Tenant': 'openiot' };

describe('HTTP southbound API: bad input', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    await provisionSouthboundDevices(t);
  });
  after(() => t.close());

  async function rejections(query = '', headers: Record<string, string> = TENANT) {
    const res = await t.request(
      jsonRequest('GET', `/api/ingest/rejections${query}`, undefined, headers),
    );
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as {
      rejections: Array<Record<string, string>>;
      count: number;
      countsByReason: Record<string, number>;
    };
  }
  const newest = async (headers: Record<string, string> = TENANT) =>
    (await rejections('?limit=1', headers)).rejections[0];
  const entity = async (id: string) =>
    t.request(jsonRequest('GET', `${NGSI}/entities/${id}`, undefined, TENANT));

  function problem(res: { statusCode: number; json(): unknown }, status: number, detail?: RegExp) {
    assert.equal(res.statusCode, status);
    const body = res.json() as { status: number; detail: string; type: string };
    assert.equal(body.status, status);
    if (detail) assert.match(body.detail, detail);
    return body;
  }

  it('malformed JSON is 400 InvalidRequest, recorded with the payload excerpt', async () => {
    const res = await t.request(jsonMeasure('k=json-key&i=ws1', '{"t": 21,'));
    assert.match(problem(res, 400, /not valid JSON/).type, /InvalidRequest$/);
    const recorded = await newest();
    assert.equal(recorded?.['reason'], 'malformed-payload');
    assert.equal(recorded?.['deviceId'], 'ws1');
    assert.equal(recorded?.['payloadExcerpt'], '{"t": 21,');
    assert.equal(recorded?.['source'], '/iot/json');
  });

  it('JSON that is not an object of measures is 400', async () => {
    for (const body of ['42', '"t"', 'null', '[]', '[1]', '{}'])
      problem(await t.request(jsonMeasure('k=json-key&i=ws1', body)), 400);
  });

  it('malformed UltraLight is 400 and says what is wrong', async () => {
    problem(await t.request(ulMeasure('k=ul-key&i=lamp1', 'l|1|state')), 400, /timestamp/);
    problem(await t.request(ulMeasure('k=ul-key&i=lamp1', 'l||state|on')), 400, /empty value/);
    problem(await t.request(ulMeasure('k=ul-key&i=lamp1', '###')), 400, /no measure group/);
    assert.equal((await newest())?.['reason'], 'malformed-payload');
  });

  it('a command result for another device or an unknown command is 400/404 and recorded', async () => {
    problem(
      await t.request(ulMeasure('k=ul-key&i=lamp1', 'lamp2@on|ok')),
      400,
      /names device 'lamp2'/,
    );
    problem(await t.request(ulMeasure('k=ul-key&i=lamp1', 'lamp1@explode|ok')), 404, /no command/);
  });

  it('an empty body is 400', async () => {
    problem(await t.request(jsonMeasure('k=json-key&i=ws1', '')), 400, /empty/);
    const none = await t.request({ method: 'POST', url: '/iot/d?k=ul-key&i=lamp1' });
    assert.equal(none.statusCode, 415);
  });

  it('an unknown apikey is 404, recorded in the default tenant only', async () => {
    const res = await t.request(jsonMeasure('k=nobody&i=ws1', { t: 1 }));
    problem(res, 404, /No device 'ws1' is provisioned with this apikey/);
    const recorded = await newest({});
    assert.equal(recorded?.['reason'], 'unknown-apikey');
    assert.equal(recorded?.['apikey'], 'nobo…');
    assert.notEqual((await newest())?.['reason'], 'unknown-apikey');
  });

  it('an unknown device of a known apikey is 404 with the same answer, recorded in its tenant', async () => {
    const res = await t.request(jsonMeasure('k=json-key&i=ghost', { t: 1 }));
    problem(res, 404, /No device 'ghost' is provisioned with this apikey/);
    const recorded = await newest();
    assert.equal(recorded?.['reason'], 'unknown-device');
    assert.equal(recorded?.['deviceId'], 'ghost');
  });

  it('a wrong Content-Type is 415 without a body, and recorded', async () => {
    const ul = await t.request({
      method: 'POST',
      url: '/iot/d?k=ul-key&i=lamp1',
      headers: { 'content-type': 'application/json' },
      payload: '{"l": 1}',
    });
    assert.equal(ul.statusCode, 415);
    assert.equal(ul.body, '');
    const json = await t.request({
      ...jsonMeasure('k=json-key&i=ws1', { t: 1 }),
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(json.statusCode, 415);
    const form = await t.request({
      method: 'POST',
      url: '/iot/json?k=json-key&i=ws1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 't=1',
    });
    assert.equal(form.statusCode, 415);
    assert.match(
      (await newest())?.['detail'] ?? '',
      /Content-Type 'application\/x-www-form-urlencoded'/,
    );
  });

  it('an oversized body is 413 and recorded as oversized', async () => {
    const big = JSON.stringify({ t: 1, pad: 'x'.repeat(70 * 1024) });
    const res = await t.request(jsonMeasure('k=json-key&i=ws1', big));
    problem(res, 413);
    const recorded = await newest({});
    assert.equal(recorded?.['reason'], 'oversized');
    assert.equal(recorded?.['deviceId'], 'ws1');
  });

  it('more measurements than a message may hold is 413', async () => {
    const many = Array.from({ length: 1001 }, () => ({ t: 1 }));
    problem(await t.request(jsonMeasure('k=json-key&i=ws1', many)), 413);
    assert.equal((await newest())?.['reason'], 'oversized');
  });

  it('query parameters are allow-listed and checked', async () => {
    problem(
      await t.request(jsonMeasure('k=json-key&i=ws1&x=1', { t: 1 })),
      400,
      /Unknown query parameter\(s\) 'x'/,
    );
    problem(await t.request(jsonMeasure('i=ws1', { t: 1 })), 400, /'k' \(apikey\) and 'i'/);
    problem(
      await t.request(jsonMeasure('k=json-key&k=json-key&i=ws1', { t: 1 })),
      400,
      /more than once/,
    );
    problem(await t.request(jsonMeasure('k=json-key&i=ws%0A1', { t: 1 })), 400);
    problem(await t.request(jsonMeasure(`k=json-key&i=${'w'.repeat(300)}`, { t: 1 })), 400);
    problem(
      await t.request(jsonMeasure('k=json-key&i=ws1&t=yesterday', { t: 1 })),
      400,
      /ISO 8601/,
    );
    problem(await t.request(ulMeasure('k=ul-key&i=lamp1&getCmd=yes', 'l|1')), 400, /getCmd/);
  });

  it('other verbs are 405 with Allow: POST', async () => {
    const res = await t.request({ method: 'GET', url: '/iot/json?k=json-key&i=ws1' });
    assert.equal(res.statusCode, 405);
    assert.equal(res.headers.allow, 'POST');
  });

  it('a value that does not fit its type is refused alone (type-mismatch); nothing fitting is 400', async () => {
    const partial = await t.request(jsonMeasure('k=json-key&i=ws1', { t: 'hot', wind: 3 }));
    assert.equal(partial.statusCode, 200, partial.body);
    const body = (await entity(WEATHER_ID)).json();
    assert.equal(body.wind.value, 3);
    assert.notEqual(body.temperature?.value, 'hot');
    const recorded = await newest();
    assert.equal(recorded?.['reason'], 'type-mismatch');
    assert.match(recorded?.['detail'] ?? '', /measure 't': expected a number, got 'hot'/);
    problem(
      await t.request(jsonMeasure('k=json-key&i=ws1', { t: 'hot' })),
      400,
      /expected a number/,
    );
    problem(await t.request(ulMeasure('k=ul-key&i=lamp1', 'l|bright')), 400, /expected an integer/);
  });

  it('hostile strings are stored as data; NGSI-LD Null and reserved names are refused', async () => {
    const hostile = `<script>alert(1)</script>'; DROP TABLE entities; -- 😀`;
    const res = await t.request(jsonMeasure('k=json-key&i=ws1', { note: hostile }));
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((await entity(WEATHER_ID)).json().note.value, hostile);
    problem(await t.request(jsonMeasure('k=json-key&i=ws1', { note: 'urn:ngsi-ld:null' })), 400);
    assert.equal((await entity(WEATHER_ID)).json().note.value, hostile);
    problem(
      await t.request(jsonMeasure('k=json-key&i=ws1', '{"__proto__": {"x": 1}}')),
      400,
      /cannot name an attribute/,
    );
    problem(await t.request(jsonMeasure('k=json-key&i=ws1', { id: 'urn:x:y', type: 'Evil' })), 400);
    const sneaky = await t.request(ulMeasure('k=ul-key&i=lamp1', 'id|urn:ngsi-ld:X:1|l|7'));
    assert.equal(sneaky.statusCode, 200, sneaky.body);
    assert.equal((await entity(LAMP_ID)).json().id, LAMP_ID);
  });

  it('a message is admitted whole: one unmappable UltraLight group writes nothing', async () => {
    const before = (await entity(LAMP_ID)).json().illuminance.value;
    problem(await t.request(ulMeasure('k=ul-key&i=lamp1', 'l|123#l|dark')), 400);
    assert.equal((await entity(LAMP_ID)).json().illuminance.value, before);
  });
});

describe('HTTP southbound API: saturation', () => {
  let t: TestApp;
  before(async () => {
    // One measurement may wait, and the queue waits 200 ms before writing it.
    t = await createTestApp({ ingestQueueCapacity: 1, ingestLingerMs: 200 });
    await provisionSouthboundDevices(t);
  });
  after(() => t.close());

  it('a full ingest queue answers 503 IngestSaturated with Retry-After, and records it', async () => {
    const answers = await Promise.all(
      [1, 2, 3].map((n) => t.request(jsonMeasure('k=json-key&i=ws1', { t: n }))),
    );
    const statuses = answers.map((res) => res.statusCode).sort();
    assert.deepEqual(statuses, [200, 503, 503]);
    const refused = answers.find((res) => res.statusCode === 503);
    assert.equal(refused?.headers['retry-after'], '1');
    const body = refused?.json();
    assert.match(body.type, /IngestSaturated$/);
    assert.equal(body.retryAfterSeconds, 1);
    const listed = await t.request(
      jsonRequest('GET', '/api/ingest/rejections?reason=saturated', undefined, {
        'NGSILD-Tenant': 'openiot',
      }),
    );
    assert.equal(listed.json().count, 2);
  });
});
