import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ETSI_ERRORS,
  NGSI,
  createTestApp,
  jsonRequest,
  type TestApp,
} from '../support/test-app.js';
import { streetlight } from '../support/sample-entities.js';

/** Every bad request must get a 4xx ProblemDetails and leave the store as it was (issue #2). */
describe('Bad input is rejected cleanly and writes nothing', () => {
  let t: TestApp;
  let snapshot: string;

  const storeSnapshot = async () => {
    const res = await t.request({
      method: 'GET',
      url: `${NGSI}/entities?local=true&limit=1000&options=sysAttrs`,
    });
    return res.body;
  };

  before(async () => {
    t = await createTestApp();
    await t.request(
      jsonRequest('POST', `${NGSI}/entityOperations/create`, [streetlight(1), streetlight(2)]),
    );
    snapshot = await storeSnapshot();
  });
  after(() => t.close());

  // Built as text: JSON.stringify itself cannot nest 10,000 levels deep.
  const deepValue = (depth: number) =>
    `{"id":"urn:x:deep","type":"T","a":{"type":"Property","value":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}}`;
  const deepSubAttributes = (depth: number) =>
    `{"id":"urn:x:deep2","type":"T","a":${'{"type":"Property","value":1,"sub":'.repeat(depth)}{"type":"Property","value":1}${'}'.repeat(depth)}}`;
  const raw = (payload: string) => ({
    method: 'POST' as const,
    url: `${NGSI}/entities`,
    headers: { 'content-type': 'application/json' },
    payload,
  });

  const cases: Array<{
    name: string;
    request: Parameters<TestApp['request']>[0];
    status: number;
    type?: string;
  }> = [
    {
      name: 'malformed JSON',
      request: {
        method: 'POST',
        url: `${NGSI}/entities`,
        headers: { 'content-type': 'application/json' },
        payload: '{"id": "urn:x:1", ',
      },
      status: 400,
      type: 'InvalidRequest',
    },
    {
      name: 'empty body',
      request: {
        method: 'POST',
        url: `${NGSI}/entities`,
        headers: { 'content-type': 'application/json' },
        payload: '',
      },
      status: 400,
    },
    {
      name: 'wrong Content-Type',
      request: {
        method: 'POST',
        url: `${NGSI}/entities`,
        headers: { 'content-type': 'text/plain' },
        payload: '{}',
      },
      status: 415,
    },
    {
      name: 'missing Content-Type',
      request: {
        method: 'POST',
        url: `${NGSI}/entities/urn:ngsi-ld:Streetlight:1/attrs`,
        payload: '{"a":1}',
      },
      status: 415,
    },
    {
      name: 'invalid entity id',
      request: jsonRequest('POST', `${NGSI}/entities`, { id: 'not a uri', type: 'T' }),
      status: 400,
      type: 'BadRequestData',
    },
    {
      name: 'missing type',
      request: jsonRequest('POST', `${NGSI}/entities`, { id: 'urn:x:1' }),
      status: 400,
      type: 'BadRequestData',
    },
    {
      name: 'invalid attribute name',
      request: jsonRequest('POST', `${NGSI}/entities`, {
        id: 'urn:x:1',
        type: 'T',
        'bad name<>': 1,
      }),
      status: 400,
      type: 'BadRequestData',
    },
    {
      name: 'Relationship without a URI object',
      request: jsonRequest('POST', `${NGSI}/entities`, {
        id: 'urn:x:1',
        type: 'T',
        rel: { type: 'Relationship', object: 42 },
      }),
      status: 400,
      type: 'BadRequestData',
    },
    {
      name: 'invalid GeoJSON',
      request: jsonRequest('POST', `${NGSI}/entities`, {
        id: 'urn:x:1',
        type: 'T',
        location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [500, 1] } },
      }),
      status: 400,
    },
    {
      name: 'null value',
      request: jsonRequest('POST', `${NGSI}/entities`, { id: 'urn:x:1', type: 'T', a: null }),
      status: 400,
    },
    {
      name: 'NGSI-LD Null on create',
      request: jsonRequest('POST', `${NGSI}/entities`, {
        id: 'urn:x:1',
        type: 'T',
        a: { type: 'Property', value: 'urn:ngsi-ld:null' },
      }),
      status: 400,
    },
    {
      name: 'q syntax error',
      request: { method: 'GET', url: `${NGSI}/entities?type=T&q=${encodeURIComponent('a>>1')}` },
      status: 400,
    },
    {
      name: 'geoQ syntax error',
      request: {
        method: 'GET',
        url: `${NGSI}/entities?type=T&georel=near;far==1&geometry=Point&coordinates=[1,1]`,
      },
      status: 400,
    },
    {
      name: 'SQL in type',
      request: {
        method: 'GET',
        url: `${NGSI}/entities?type=${encodeURIComponent("T' OR 1=1 --")}`,
      },
      status: 400,
    },
    {
      name: 'SQL in id',
      request: {
        method: 'GET',
        url: `${NGSI}/entities/${encodeURIComponent("x'; DELETE FROM entities; --")}`,
      },
      status: 400,
    },
    {
      name: 'invalid idPattern',
      request: { method: 'GET', url: `${NGSI}/entities?idPattern=${encodeURIComponent('([a-z')}` },
      status: 400,
    },
    {
      name: 'limit over the maximum',
      request: { method: 'GET', url: `${NGSI}/entities?type=T&limit=5000` },
      status: 400,
    },
    {
      name: 'negative offset',
      request: { method: 'GET', url: `${NGSI}/entities?type=T&offset=-1` },
      status: 400,
    },
    { name: '10,000-deep nesting in a value', request: raw(deepValue(10_000)), status: 400 },
    { name: '10,000-deep sub-attributes', request: raw(deepSubAttributes(10_000)), status: 400 },
    {
      name: '10 MB body',
      request: {
        method: 'POST',
        url: `${NGSI}/entities`,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ id: 'urn:x:big', type: 'T', a: 'x'.repeat(10 * 1024 * 1024) }),
      },
      status: 413,
    },
    {
      name: 'unknown tenant',
      request: {
        method: 'GET',
        url: `${NGSI}/entities/urn:ngsi-ld:Streetlight:1`,
        headers: { 'ngsild-tenant': 'unknown' },
      },
      status: 404,
      type: 'NonexistentTenant',
    },
    {
      name: 'unreachable remote @context',
      request: jsonRequest(
        'POST',
        `${NGSI}/entities`,
        { id: 'urn:x:ctx', type: 'T' },
        { link: '<http://127.0.0.1:9/ctx.jsonld>; rel="http://www.w3.org/ns/json-ld#context"' },
      ),
      status: 504,
      type: 'LdContextNotAvailable',
    },
    {
      name: 'broken Link header',
      request: jsonRequest(
        'POST',
        `${NGSI}/entities`,
        { id: 'urn:x:ctx', type: 'T' },
        { link: 'garbage' },
      ),
      status: 400,
    },
    {
      name: 'batch with hostile items',
      request: jsonRequest('POST', `${NGSI}/entityOperations/upsert`, [null, { id: 'urn:x:1' }]),
      status: 400,
    },
    {
      name: 'update of the scope attribute path',
      request: jsonRequest('PUT', `${NGSI}/entities/urn:ngsi-ld:Streetlight:1/attrs/scope`, {
        value: 1,
      }),
      status: 400,
    },
  ];

  for (const c of cases) {
    it(`${c.name} → ${c.status}${c.type ? ` ${c.type}` : ''}`, async () => {
      const res = await t.request(c.request);
      assert.equal(res.statusCode, c.status, res.body.slice(0, 300));
      if (c.status !== 415) {
        const body = res.json();
        assert.equal(typeof body.type, 'string');
        assert.equal(typeof body.title, 'string');
        assert.equal(typeof body.detail, 'string');
        if (c.type) assert.equal(body.type, `${ETSI_ERRORS}${c.type}`);
      }
    });
  }

  it('the store is unchanged and the server still answers', async () => {
    assert.equal(await storeSnapshot(), snapshot);
    const health = await t.request({ method: 'GET', url: '/health' });
    assert.equal(health.statusCode, 200);
  });
});
