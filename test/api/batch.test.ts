import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CORE_CONTEXT,
  ETSI_ERRORS,
  NGSI,
  TEST_CONTEXT_URL,
  createTestApp,
  jsonRequest,
  type TestApp,
} from '../support/test-app.js';
import { streetlight } from '../support/sample-entities.js';

describe('NGSI-LD batch operations (NGSI-LD 6.14–6.18, 6.31)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());
  const ops = `${NGSI}/entityOperations`;

  it('batch create answers 201 with the created ids', async () => {
    const res = await t.request(
      jsonRequest('POST', `${ops}/create`, [streetlight(1), streetlight(2)]),
    );
    assert.equal(res.statusCode, 201);
    assert.deepEqual(res.json(), ['urn:ngsi-ld:Streetlight:1', 'urn:ngsi-ld:Streetlight:2']);
  });

  it('batch create reports clashes and invalid entities per item with 207', async () => {
    const res = await t.request(
      jsonRequest('POST', `${ops}/create`, [
        streetlight(3),
        streetlight(3),
        { id: 'bad id', type: 'T' },
      ]),
    );
    assert.equal(res.statusCode, 207);
    const body = res.json();
    assert.deepEqual(body.success, ['urn:ngsi-ld:Streetlight:3']);
    assert.equal(body.errors.length, 2);
    assert.equal(body.errors[0].entityId, 'urn:ngsi-ld:Streetlight:3');
    assert.equal(body.errors[0].error.type, `${ETSI_ERRORS}AlreadyExists`);
    assert.equal(body.errors[0].error.status, 409);
    assert.equal(body.errors[1].error.status, 400);
  });

  it('batch upsert creates new entities (201) and replaces existing ones (204)', async () => {
    const created = await t.request(jsonRequest('POST', `${ops}/upsert`, [streetlight(4)]));
    assert.equal(created.statusCode, 201);
    assert.deepEqual(created.json(), ['urn:ngsi-ld:Streetlight:4']);
    const replaced = await t.request(
      jsonRequest('POST', `${ops}/upsert`, [
        { id: 'urn:ngsi-ld:Streetlight:4', type: 'Streetlight', status: 'new' },
      ]),
    );
    assert.equal(replaced.statusCode, 204);
    const body = (
      await t.request({ method: 'GET', url: `${NGSI}/entities/urn:ngsi-ld:Streetlight:4` })
    ).json();
    assert.equal(body.status.value, 'new');
    assert.equal(body.location, undefined);
  });

  it('batch upsert with options=update keeps attributes absent from the body', async () => {
    await t.request(jsonRequest('POST', `${ops}/upsert`, [streetlight(5)]));
    const res = await t.request(
      jsonRequest('POST', `${ops}/upsert?options=update`, [
        { id: 'urn:ngsi-ld:Streetlight:5', type: 'Streetlight', status: 'updated' },
      ]),
    );
    assert.equal(res.statusCode, 204);
    const body = (
      await t.request({ method: 'GET', url: `${NGSI}/entities/urn:ngsi-ld:Streetlight:5` })
    ).json();
    assert.equal(body.status.value, 'updated');
    assert.ok(body.location);
  });

  it('batch upsert with options=update deletes attributes set to NGSI-LD Null, and refuses Null on creation', async () => {
    await t.request(jsonRequest('POST', `${ops}/upsert`, [streetlight(6)]));
    const res = await t.request(
      jsonRequest('POST', `${ops}/upsert?options=update`, [
        { id: 'urn:ngsi-ld:Streetlight:6', type: 'Streetlight', status: 'urn:ngsi-ld:null' },
        { id: 'urn:ngsi-ld:Streetlight:61', type: 'Streetlight', status: 'urn:ngsi-ld:null' },
      ]),
    );
    assert.equal(res.statusCode, 207);
    assert.deepEqual(res.json().success, ['urn:ngsi-ld:Streetlight:6']);
    assert.equal(res.json().errors[0].entityId, 'urn:ngsi-ld:Streetlight:61');
    const body = (
      await t.request({ method: 'GET', url: `${NGSI}/entities/urn:ngsi-ld:Streetlight:6` })
    ).json();
    assert.equal(body.status, undefined);
  });

  it('batch update appends attributes and reports unknown entities', async () => {
    const res = await t.request(
      jsonRequest('POST', `${ops}/update`, [
        { id: 'urn:ngsi-ld:Streetlight:1', type: 'Streetlight', color: 'green' },
        { id: 'urn:ngsi-ld:Streetlight:404', type: 'Streetlight', color: 'red' },
      ]),
    );
    assert.equal(res.statusCode, 207);
    assert.deepEqual(res.json().success, ['urn:ngsi-ld:Streetlight:1']);
    assert.equal(res.json().errors[0].error.status, 404);
  });

  it('batch merge merges each entity', async () => {
    const res = await t.request(
      jsonRequest('POST', `${ops}/merge`, [
        { id: 'urn:ngsi-ld:Streetlight:2', lanternHeight: { type: 'Property', value: 30 } },
      ]),
    );
    assert.equal(res.statusCode, 204);
    const body = (
      await t.request({ method: 'GET', url: `${NGSI}/entities/urn:ngsi-ld:Streetlight:2` })
    ).json();
    assert.deepEqual(body.lanternHeight, { type: 'Property', value: 30, unitCode: 'MTR' });
  });

  it('batch delete deletes and reports unknown ids', async () => {
    const res = await t.request(
      jsonRequest('POST', `${ops}/delete`, [
        'urn:ngsi-ld:Streetlight:2',
        'urn:ngsi-ld:Streetlight:999',
      ]),
    );
    assert.equal(res.statusCode, 207);
    assert.deepEqual(res.json().success, ['urn:ngsi-ld:Streetlight:2']);
    assert.equal(res.json().errors[0].entityId, 'urn:ngsi-ld:Streetlight:999');
  });

  it('batch delete applies a repeated id as its own request', async () => {
    await t.request(jsonRequest('POST', `${ops}/create`, [streetlight(60)]));
    const res = await t.request(
      jsonRequest('POST', `${ops}/delete`, [
        'urn:ngsi-ld:Streetlight:60',
        'urn:ngsi-ld:Streetlight:60',
      ]),
    );
    assert.equal(res.statusCode, 207);
    assert.deepEqual(res.json().success, ['urn:ngsi-ld:Streetlight:60']);
    assert.equal(res.json().errors[0].error.status, 404);
  });

  it('batch bodies that are not a non-empty array without null are 400 for the whole request', async () => {
    for (const body of [{}, [], [streetlight(50), null], 'x']) {
      const res = await t.request(jsonRequest('POST', `${ops}/create`, body));
      assert.equal(res.statusCode, 400, JSON.stringify(body));
    }
    const exists = await t.request({
      method: 'GET',
      url: `${NGSI}/entities/urn:ngsi-ld:Streetlight:50`,
    });
    assert.equal(exists.statusCode, 404);
  });

  it('batch create with application/ld+json takes each element’s own @context', async () => {
    const items = [
      {
        id: 'urn:ngsi-ld:ParkingSpot:b1',
        type: 'ParkingSpot',
        '@context': [TEST_CONTEXT_URL, CORE_CONTEXT],
      },
      { id: 'urn:ngsi-ld:ParkingSpot:b2', type: 'ParkingSpot', '@context': CORE_CONTEXT },
    ];
    const res = await t.request({
      method: 'POST',
      url: `${ops}/create`,
      headers: { 'content-type': 'application/ld+json' },
      payload: JSON.stringify(items),
    });
    assert.equal(res.statusCode, 201);
    const b1 = (
      await t.request({ method: 'GET', url: `${NGSI}/entities/urn:ngsi-ld:ParkingSpot:b1` })
    ).json();
    const b2 = (
      await t.request({ method: 'GET', url: `${NGSI}/entities/urn:ngsi-ld:ParkingSpot:b2` })
    ).json();
    assert.equal(b1.type, 'https://city.example.org/ns#ParkingSpot');
    assert.equal(b2.type, 'ParkingSpot');
  });

  it('query via POST takes a Query body (5.7.2)', async () => {
    const res = await t.request(
      jsonRequest('POST', `${ops}/query?count=true`, {
        type: 'Query',
        entities: [{ type: 'Streetlight' }],
        q: 'lanternHeight>=8',
      }),
    );
    assert.equal(res.statusCode, 200);
    assert.ok(Number(res.headers['ngsild-results-count']) >= 1);
    assert.ok(res.json().every((e: { type: string }) => e.type === 'Streetlight'));
    const paged = await t.request(
      jsonRequest('POST', `${ops}/query?limit=1`, {
        type: 'Query',
        entities: [{ type: 'Streetlight' }],
      }),
    );
    assert.match(
      String(paged.headers.link),
      /<\/ngsi-ld\/v1\/entityOperations\/query\?limit=1&offset=1>; rel="next"/,
    );
    const several = await t.request(
      jsonRequest('POST', `${ops}/query?count=true&limit=1`, {
        type: 'Query',
        entities: [{ type: 'Streetlight' }, { type: 'ParkingSpot' }],
      }),
    );
    assert.equal(several.statusCode, 200);
    const streetlights = await t.request(
      jsonRequest('POST', `${ops}/query?count=true&limit=1`, {
        type: 'Query',
        entities: [{ type: 'Streetlight' }],
      }),
    );
    assert.ok(
      Number(several.headers['ngsild-results-count']) >
        Number(streetlights.headers['ngsild-results-count']),
    );
    const bad = await t.request(jsonRequest('POST', `${ops}/query`, { type: 'NotQuery' }));
    assert.equal(bad.statusCode, 400);
  });
});
