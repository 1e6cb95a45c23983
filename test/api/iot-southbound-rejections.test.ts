/**
 * GET /api/ingest/rejections (docs/ingest.md, "Rejections"): per tenant, filtered, paged,
 * with counts per reason; checked parameters and headers; no cross-tenant leak.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, jsonRequest, type TestApp } from '../support/test-app.js';
import {
  jsonMeasure,
  provisionSouthboundDevices,
  ulMeasure,
} from '../support/southbound-devices.js';

const OPENIOT = { 'NGSILD-Tenant': 'openiot' };
const OTHER = { 'NGSILD-Tenant': 'other' };

describe('GET /api/ingest/rejections', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    await provisionSouthboundDevices(t);
    // openiot: 2 malformed (ws1, lamp1), 1 type-mismatch (ws1), 1 unknown device.
    await t.request(jsonMeasure('k=json-key&i=ws1', '{broken'));
    await t.request(ulMeasure('k=ul-key&i=lamp1', 'l|'));
    await t.request(jsonMeasure('k=json-key&i=ws1', { t: 'hot', ok: 1 }));
    await t.request(jsonMeasure('k=json-key&i=ghost', { t: 1 }));
    // other: 1 malformed; no tenant: 1 unknown apikey.
    await t.request(jsonMeasure('k=other-key&i=ws1', '[1]'));
    await t.request(jsonMeasure('k=secret-apikey-of-nobody&i=ws1', { t: 1 }));
  });
  after(() => t.close());

  async function list(query = '', headers: Record<string, string> = OPENIOT) {
    const res = await t.request(
      jsonRequest('GET', `/api/ingest/rejections${query}`, undefined, headers),
    );
    return { status: res.statusCode, body: res.json() };
  }

  it('lists the tenant’s rejections newest first with counts per reason', async () => {
    const { status, body } = await list();
    assert.equal(status, 200);
    assert.equal(body.count, 4);
    assert.deepEqual(
      body.rejections.map((r: { reason: string }) => r.reason),
      ['unknown-device', 'type-mismatch', 'malformed-payload', 'malformed-payload'],
    );
    assert.deepEqual(body.countsByReason, {
      'malformed-payload': 2,
      'type-mismatch': 1,
      'unknown-device': 1,
    });
    const [latest] = body.rejections;
    assert.equal(latest.tenant, undefined);
    assert.equal(latest.apikey, 'json…');
    assert.equal(latest.transport, 'http');
    assert.match(latest.at, /^\d{4}-\d{2}-\d{2}T/);
  });

  it('filters by reason and deviceId, and pages with limit and offset', async () => {
    const byReason = (await list('?reason=malformed-payload')).body;
    assert.equal(byReason.count, 2);
    const byDevice = (await list('?deviceId=ws1&reason=malformed-payload')).body;
    assert.equal(byDevice.count, 1);
    assert.equal(byDevice.rejections[0].payloadExcerpt, '{broken');
    const paged = (await list('?limit=1&offset=1')).body;
    assert.equal(paged.rejections.length, 1);
    assert.equal(paged.rejections[0].reason, 'type-mismatch');
    assert.equal(paged.count, 4);
    assert.equal(paged.limit, 1);
    assert.equal(paged.offset, 1);
  });

  it('keeps tenants apart: fiware-service selects a tenant too; the tenantless go to the default', async () => {
    const other = (await list('', { 'fiware-service': 'other' })).body;
    assert.equal(other.count, 1);
    assert.deepEqual(other.countsByReason, { 'malformed-payload': 1 });
    const fallback = (await list('', {})).body;
    assert.deepEqual(
      fallback.rejections.map((r: { reason: string }) => r.reason),
      ['unknown-apikey'],
    );
    assert.equal(fallback.rejections[0].apikey, 'secr…');
    const stranger = (await list('', { 'NGSILD-Tenant': 'stranger' })).body;
    assert.deepEqual(stranger, {
      rejections: [],
      count: 0,
      countsByReason: {},
      limit: 100,
      offset: 0,
    });
    assert.equal((await list('?deviceId=ws1', OTHER)).body.count, 1);
  });

  it('refuses unknown parameters, bad values and conflicting tenant headers with 400', async () => {
    for (const query of [
      '?reason=bored',
      '?limit=0',
      '?limit=1001',
      '?offset=-1',
      '?limit=abc',
      '?limit=1&limit=2',
      '?deviceId=',
      '?orderBy=at',
    ])
      assert.equal((await list(query)).status, 400, query);
    assert.equal(
      (await list('', { 'NGSILD-Tenant': 'openiot', 'fiware-service': 'other' })).status,
      400,
    );
    assert.equal((await list('', { 'NGSILD-Tenant': '../etc' })).status, 400);
  });

  it('answers other verbs with 405', async () => {
    const res = await t.request({ method: 'DELETE', url: '/api/ingest/rejections' });
    assert.equal(res.statusCode, 405);
    assert.equal(res.headers.allow, 'GET');
  });
});
