import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { NGSI, createTestApp, jsonRequest, type TestApp } from '../support/test-app.js';
import { streetlight } from '../support/sample-entities.js';

const ID = 'urn:ngsi-ld:Streetlight:7';
const URL_ = `${NGSI}/entities/${ID}`;
const DEFAULT_NS = 'https://uri.etsi.org/ngsi-ld/default-context/';

describe('NGSI-LD entity updates (NGSI-LD 6.5–6.7)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());
  beforeEach(async () => {
    await t.request({ method: 'DELETE', url: URL_ });
    const res = await t.request(jsonRequest('POST', `${NGSI}/entities`, streetlight(7)));
    assert.equal(res.statusCode, 201);
  });

  const get = async (query = '') =>
    (await t.request({ method: 'GET', url: `${URL_}${query}` })).json();

  it('appendAttributes adds and overwrites attributes, 204 (5.6.3)', async () => {
    const res = await t.request(
      jsonRequest('POST', `${URL_}/attrs`, {
        status: { type: 'Property', value: 'repaired' },
        color: 'yellow',
      }),
    );
    assert.equal(res.statusCode, 204);
    const body = await get();
    assert.equal(body.status.value, 'repaired');
    assert.deepEqual(body.color, { type: 'Property', value: 'yellow' });
  });

  it('appendAttributes with noOverwrite keeps existing attributes and answers 207 with notUpdated', async () => {
    const res = await t.request(
      jsonRequest('POST', `${URL_}/attrs?options=noOverwrite`, {
        status: { type: 'Property', value: 'x' },
        color: 'blue',
      }),
    );
    assert.equal(res.statusCode, 207);
    const result = res.json();
    assert.deepEqual(result.updated, [`${DEFAULT_NS}color`]);
    // `status` is a term of the core context, so it expands under the NGSI-LD namespace.
    assert.equal(result.notUpdated[0].attributeName, 'https://uri.etsi.org/ngsi-ld/status');
    assert.equal((await get()).status.value, 'defective');
  });

  it('updateAttributes replaces an attribute wholesale, so unre-sent members vanish (5.6.2)', async () => {
    const res = await t.request(
      jsonRequest('PATCH', `${URL_}/attrs`, { lanternHeight: { type: 'Property', value: 12 } }),
    );
    assert.equal(res.statusCode, 204);
    const body = await get();
    assert.deepEqual(body.lanternHeight, { type: 'Property', value: 12 });
  });

  it('updateAttributes with NGSI-LD Null deletes the attribute', async () => {
    const res = await t.request(
      jsonRequest('PATCH', `${URL_}/attrs`, { status: 'urn:ngsi-ld:null' }),
    );
    assert.equal(res.statusCode, 204);
    assert.equal((await get()).status, undefined);
  });

  it('mergeEntity deep-merges: unitCode survives, value changes (5.6.17)', async () => {
    const res = await t.request(
      jsonRequest('PATCH', URL_, { lanternHeight: { type: 'Property', value: 20 } }),
    );
    assert.equal(res.statusCode, 204);
    assert.deepEqual((await get()).lanternHeight, { type: 'Property', value: 20, unitCode: 'MTR' });
  });

  it('mergeEntity keeps the value when a normalized fragment gives only members (entities.md §5)', async () => {
    const res = await t.request(
      jsonRequest('PATCH', URL_, { lanternHeight: { type: 'Property', unitCode: 'FOT' } }),
    );
    assert.equal(res.statusCode, 204);
    assert.deepEqual((await get()).lanternHeight, { type: 'Property', value: 10, unitCode: 'FOT' });
    const added = await t.request(
      jsonRequest('PATCH', URL_, { brandNew: { type: 'Property', unitCode: 'FOT' } }),
    );
    assert.equal(added.statusCode, 400);
  });

  it('mergeEntity accepts application/merge-patch+json', async () => {
    const res = await t.request({
      method: 'PATCH',
      url: URL_,
      headers: { 'content-type': 'application/merge-patch+json' },
      payload: JSON.stringify({ status: 'merged' }),
    });
    assert.equal(res.statusCode, 204);
    assert.equal((await get()).status.value, 'merged');
  });

  it('mergeEntity answers 400 for an empty fragment and 404 for an unknown entity', async () => {
    assert.equal((await t.request(jsonRequest('PATCH', URL_, {}))).statusCode, 400);
    assert.equal(
      (await t.request(jsonRequest('PATCH', `${NGSI}/entities/urn:ngsi-ld:X:none`, { a: 1 })))
        .statusCode,
      404,
    );
  });

  it('partialAttributeUpdate overwrites only the given members (5.6.4)', async () => {
    const res = await t.request(jsonRequest('PATCH', `${URL_}/attrs/lanternHeight`, { value: 9 }));
    assert.equal(res.statusCode, 204);
    assert.deepEqual((await get()).lanternHeight, { type: 'Property', value: 9, unitCode: 'MTR' });
  });

  it('partialAttributeUpdate answers 404 for a missing attribute and 400 for a kind change', async () => {
    assert.equal(
      (await t.request(jsonRequest('PATCH', `${URL_}/attrs/missing`, { value: 1 }))).statusCode,
      404,
    );
    const kind = await t.request(
      jsonRequest('PATCH', `${URL_}/attrs/status`, { type: 'Relationship', object: 'urn:x:1' }),
    );
    assert.equal(kind.statusCode, 400);
  });

  it('partialAttributeUpdate takes members and sub-attributes without a type (5.6.4)', async () => {
    await t.request(
      jsonRequest('PATCH', `${URL_}/attrs/lanternHeight`, {
        type: 'Property',
        value: 9,
        source: { type: 'Property', value: 'survey' },
      }),
    );
    const observed = await t.request(
      jsonRequest('PATCH', `${URL_}/attrs/lanternHeight`, { observedAt: '2026-01-01T00:00:00Z' }),
    );
    assert.equal(observed.statusCode, 204);
    assert.equal((await get()).lanternHeight.observedAt, '2026-01-01T00:00:00Z');
    const removed = await t.request(
      jsonRequest('PATCH', `${URL_}/attrs/lanternHeight`, { source: 'urn:ngsi-ld:null' }),
    );
    assert.equal(removed.statusCode, 204);
    const body = await get();
    assert.equal(body.lanternHeight.value, 9);
    assert.equal(body.lanternHeight.source, undefined);
  });

  it('deleteAttribute of scope removes the scope (entities.md §11)', async () => {
    await t.request(jsonRequest('PATCH', URL_, { scope: '/Madrid/Centro' }));
    assert.equal((await get()).scope, '/Madrid/Centro');
    const res = await t.request({ method: 'DELETE', url: `${URL_}/attrs/scope` });
    assert.equal(res.statusCode, 204);
    assert.equal((await get()).scope, undefined);
  });

  it('replaceAttribute replaces one attribute (5.6.19)', async () => {
    const res = await t.request(
      jsonRequest('PUT', `${URL_}/attrs/lanternHeight`, { type: 'Property', value: 3 }),
    );
    assert.equal(res.statusCode, 204);
    assert.deepEqual((await get()).lanternHeight, { type: 'Property', value: 3 });
  });

  it('deleteAttribute removes the default instance, a dataset instance, or all (5.6.5)', async () => {
    const dataset = await t.request({
      method: 'DELETE',
      url: `${URL_}/attrs/illuminance?datasetId=urn:ngsi-ld:Dataset:backup-sensor`,
    });
    assert.equal(dataset.statusCode, 204);
    assert.equal((await get()).illuminance.datasetId, undefined);
    const all = await t.request({
      method: 'DELETE',
      url: `${URL_}/attrs/illuminance?deleteAll=true`,
    });
    assert.equal(all.statusCode, 204);
    assert.equal((await get()).illuminance, undefined);
    const missing = await t.request({ method: 'DELETE', url: `${URL_}/attrs/illuminance` });
    assert.equal(missing.statusCode, 404);
  });

  it('replaceEntity drops attributes absent from the body and keeps createdAt (5.6.18)', async () => {
    const before = await get('?options=sysAttrs');
    const res = await t.request(
      jsonRequest('PUT', URL_, { type: 'Streetlight', status: 'replaced' }),
    );
    assert.equal(res.statusCode, 204);
    const body = await get('?options=sysAttrs');
    assert.equal(body.status.value, 'replaced');
    assert.equal(body.location, undefined);
    assert.equal(body.createdAt, before.createdAt);
  });

  it('replaceEntity answers 400 when the body id differs from the path id', async () => {
    const res = await t.request(
      jsonRequest('PUT', URL_, { id: 'urn:ngsi-ld:Streetlight:8', type: 'Streetlight' }),
    );
    assert.equal(res.statusCode, 400);
  });

  it('concurrent partial updates of different attributes lose nothing', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `counter${i}`);
    await t.request(
      jsonRequest('POST', `${URL_}/attrs`, Object.fromEntries(names.map((n) => [n, 0]))),
    );
    await Promise.all(
      names.map((n, i) => t.request(jsonRequest('PATCH', `${URL_}/attrs/${n}`, { value: i + 1 }))),
    );
    const body = await get();
    names.forEach((n, i) => assert.equal(body[n].value, i + 1, n));
  });
});
