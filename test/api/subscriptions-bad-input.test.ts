import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ETSI_ERRORS, NGSI, createTestApp, type TestApp } from '../support/test-app.js';

const ENDPOINT = { uri: 'http://127.0.0.1:9/notify' };
const valid = {
  type: 'Subscription',
  entities: [{ type: 'Streetlight' }],
  notification: { endpoint: ENDPOINT },
};
const withMembers = (extra: Record<string, unknown>) => JSON.stringify({ ...valid, ...extra });
const withNotification = (extra: Record<string, unknown>) =>
  JSON.stringify({ ...valid, notification: { endpoint: ENDPOINT, ...extra } });

/** Endpoints a sender would refuse at every delivery: refused at create and update. */
const BAD_ENDPOINTS: Array<[string, Record<string, unknown>]> = [
  ['a fractional cooldown', { ...ENDPOINT, cooldown: 1500.5 }],
  ['a cooldown above a day', { ...ENDPOINT, cooldown: 86_400_001 }],
  ['a timeout beyond what timers take', { ...ENDPOINT, timeout: 3_000_000_000 }],
  ['a fractional timeout', { ...ENDPOINT, timeout: 0.5 }],
  ['an urn that is no stream', { uri: 'urn:ngsi-ld:Thing:1' }],
  ['a stream urn with a bad name', { uri: 'urn:civis:stream:a b' }],
  ['an MQTT endpoint without topic', { uri: 'mqtt://broker.example' }],
  ['an MQTT wildcard topic', { uri: 'mqtt://broker.example/city/#' }],
  [
    'an MQTT-QoS of 7',
    { uri: 'mqtt://broker.example/t', notifierInfo: [{ key: 'MQTT-QoS', value: '7' }] },
  ],
  [
    'an unknown MQTT-Version',
    { uri: 'mqtt://broker.example/t', notifierInfo: [{ key: 'MQTT-Version', value: 'x' }] },
  ],
  [
    'a receiverInfo value above U+00FF',
    { ...ENDPOINT, receiverInfo: [{ key: 'X-City', value: '\u4e2d' }] },
  ],
  ['a receiverInfo Host', { ...ENDPOINT, receiverInfo: [{ key: 'Host', value: 'evil' }] }],
];

/** Every bad subscription gets a 4xx ProblemDetails and nothing is stored (pitfalls.md 31). */
describe('Subscriptions: bad input is rejected cleanly and writes nothing', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ bodyLimitBytes: 64 * 1024 });
  });
  after(() => t.close());

  const cases: Array<{
    name: string;
    payload: string;
    status: number;
    type?: string;
    contentType?: string;
  }> = [
    {
      name: 'invalid JSON',
      payload: '{"type": "Subscription",',
      status: 400,
      type: 'InvalidRequest',
    },
    { name: 'an array body', payload: '[]', status: 400, type: 'BadRequestData' },
    { name: 'a JSON null', payload: 'null', status: 400, type: 'BadRequestData' },
    { name: 'unknown fields', payload: withMembers({ colour: 'red' }), status: 400 },
    { name: 'a bad q', payload: withMembers({ q: 'powerState==' }), status: 400 },
    {
      name: 'a bad geoQ',
      payload: withMembers({ geoQ: { georel: 'near', geometry: 'Point', coordinates: [1, 2] } }),
      status: 400,
    },
    {
      name: 'geoQ coordinates out of shape',
      payload: withMembers({
        geoQ: { georel: 'within', geometry: 'Polygon', coordinates: [1, 2] },
      }),
      status: 400,
    },
    {
      name: 'an endpoint without scheme',
      payload: withNotification({ endpoint: { uri: 'localhost:8080/notify' } }),
      status: 400,
    },
    {
      name: 'an endpoint without scheme or colon',
      payload: withNotification({ endpoint: { uri: '/notify' } }),
      status: 400,
    },
    {
      name: 'an unsupported scheme',
      payload: withNotification({ endpoint: { uri: 'gopher://a.example/n' } }),
      status: 400,
    },
    { name: 'a negative throttling', payload: withMembers({ throttling: -3 }), status: 400 },
    { name: 'a throttling given as text', payload: withMembers({ throttling: '3' }), status: 400 },
    {
      name: 'expiresAt in the past',
      payload: withMembers({ expiresAt: '2000-01-01T00:00:00Z' }),
      status: 400,
    },
    {
      name: 'timeInterval with watchedAttributes',
      payload: withMembers({ timeInterval: 5, watchedAttributes: ['a'] }),
      status: 400,
    },
    {
      name: 'showChanges with keyValues',
      payload: withNotification({ format: 'keyValues', showChanges: true }),
      status: 400,
    },
    {
      name: 'an entity selector without type',
      payload: withMembers({ entities: [{ id: 'urn:a:1' }] }),
      status: 400,
    },
    { name: 'a wrong type', payload: withMembers({ type: 'Registration' }), status: 400 },
    { name: 'no notification', payload: withMembers({ notification: undefined }), status: 400 },
    {
      name: 'a receiverInfo value with CRLF',
      payload: withNotification({
        endpoint: { ...ENDPOINT, receiverInfo: [{ key: 'X-A', value: 'a\r\nInjected: 1' }] },
      }),
      status: 400,
    },
    { name: 'JSON null in a member', payload: withMembers({ description: null }), status: 400 },
    ...BAD_ENDPOINTS.map(([name, endpoint]) => ({
      name,
      payload: withNotification({ endpoint }),
      status: 400,
      type: 'BadRequestData',
    })),
    {
      name: 'too many selectors',
      payload: withMembers({ entities: Array.from({ length: 1001 }, () => ({ type: 'A' })) }),
      status: 400,
    },
    {
      name: 'a hostile idPattern',
      payload: withMembers({ entities: [{ type: 'A', idPattern: '(a+)+$(' }] }),
      status: 400,
    },
    {
      name: 'an oversized body',
      payload: withMembers({ description: 'x'.repeat(70 * 1024) }),
      status: 413,
    },
    {
      name: 'a wrong content type',
      payload: withMembers({}),
      status: 415,
      contentType: 'text/plain',
    },
    {
      name: 'a registration member Civis does not build',
      payload: withMembers({ csf: 'x' }),
      status: 501,
    },
  ];
  for (const c of cases) {
    it(`POST /subscriptions with ${c.name} is ${c.status}`, async () => {
      const res = await t.request({
        method: 'POST',
        url: `${NGSI}/subscriptions`,
        headers: { 'content-type': c.contentType ?? 'application/json' },
        payload: c.payload,
      });
      assert.equal(res.statusCode, c.status, res.body);
      if (c.type) assert.equal(res.json().type, `${ETSI_ERRORS}${c.type}`);
      if (c.status === 400) assert.match(res.json().detail, /\S/);
    });
  }

  it('nothing was stored and the server still answers', async () => {
    const list = await t.request({ method: 'GET', url: `${NGSI}/subscriptions` });
    assert.equal(list.statusCode, 200);
    assert.deepEqual(list.json(), []);
  });

  it('PATCH with a wrong content type is 415, a bad Accept on GET is 406', async () => {
    await t.request({
      method: 'POST',
      url: `${NGSI}/subscriptions`,
      headers: { 'content-type': 'application/json' },
      payload: withMembers({ id: 'urn:ngsi-ld:Subscription:s' }),
    });
    const patch = await t.request({
      method: 'PATCH',
      url: `${NGSI}/subscriptions/urn:ngsi-ld:Subscription:s`,
      headers: { 'content-type': 'text/plain' },
      payload: '{}',
    });
    assert.equal(patch.statusCode, 415);
    const get = await t.request({
      method: 'GET',
      url: `${NGSI}/subscriptions/urn:ngsi-ld:Subscription:s`,
      headers: { accept: 'application/geo+json' },
    });
    assert.equal(get.statusCode, 406);
    const put = await t.request({
      method: 'PUT',
      url: `${NGSI}/subscriptions/urn:ngsi-ld:Subscription:s`,
    });
    assert.equal(put.statusCode, 405);
  });
});

describe('Subscriptions: a PATCH to an endpoint a sender would refuse is 400', () => {
  let t: TestApp;
  const url = `${NGSI}/subscriptions/urn:ngsi-ld:Subscription:p`;
  before(async () => {
    t = await createTestApp();
    const created = await t.request({
      method: 'POST',
      url: `${NGSI}/subscriptions`,
      headers: { 'content-type': 'application/json' },
      payload: withMembers({ id: 'urn:ngsi-ld:Subscription:p' }),
    });
    assert.equal(created.statusCode, 201, created.body);
  });
  after(() => t.close());

  for (const [name, endpoint] of BAD_ENDPOINTS)
    it(`PATCH with ${name} is 400 and changes nothing`, async () => {
      const res = await t.request({
        method: 'PATCH',
        url,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ notification: { endpoint } }),
      });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().type, `${ETSI_ERRORS}BadRequestData`);
      const stored = await t.request({ method: 'GET', url });
      assert.deepEqual(stored.json().notification.endpoint, {
        ...ENDPOINT,
        accept: 'application/json',
      });
    });

  it('a stream urn and an MQTT endpoint with a literal topic are accepted', async () => {
    for (const endpoint of [
      { uri: 'urn:civis:stream:dashboard' },
      { uri: 'mqtt://broker.example/city/lights', notifierInfo: [{ key: 'MQTT-QoS', value: '1' }] },
    ]) {
      const res = await t.request({
        method: 'PATCH',
        url,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ notification: { endpoint } }),
      });
      assert.equal(res.statusCode, 204, res.body);
    }
  });
});
