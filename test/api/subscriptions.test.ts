import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ETSI_ERRORS,
  NGSI,
  TEST_CONTEXT_URL,
  createTestApp,
  jsonRequest,
  linkTo,
  type TestApp,
} from '../support/test-app.js';

const ENDPOINT = { uri: 'http://127.0.0.1:9/notify', accept: 'application/json' };

function subscription(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'Subscription',
    entities: [{ type: 'Streetlight' }],
    watchedAttributes: ['powerState'],
    q: 'illuminance>100',
    notification: { attributes: ['powerState'], endpoint: ENDPOINT },
    ...extra,
  };
}

describe('Subscriptions API (NGSI-LD 5.8, subscriptions.md §1–§5)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  const create = (body: unknown, headers: Record<string, string> = {}) =>
    t.request(jsonRequest('POST', `${NGSI}/subscriptions`, body, headers));

  it('POST creates a subscription: 201, Location, no body; GET returns it compacted', async () => {
    const res = await create(
      subscription({ id: 'urn:ngsi-ld:Subscription:lights' }),
      linkTo(TEST_CONTEXT_URL),
    );
    assert.equal(res.statusCode, 201);
    assert.equal(res.headers.location, `${NGSI}/subscriptions/urn:ngsi-ld:Subscription:lights`);
    assert.equal(res.body, '');
    const got = await t.request({
      method: 'GET',
      url: `${NGSI}/subscriptions/urn:ngsi-ld:Subscription:lights`,
      headers: linkTo(TEST_CONTEXT_URL),
    });
    assert.equal(got.statusCode, 200);
    assert.match(String(got.headers.link), /city\.jsonld/);
    assert.deepEqual(got.json(), {
      id: 'urn:ngsi-ld:Subscription:lights',
      type: 'Subscription',
      entities: [{ type: 'Streetlight' }],
      watchedAttributes: ['powerState'],
      notificationTrigger: ['attributeCreated', 'attributeUpdated'],
      q: 'illuminance>100',
      isActive: true,
      status: 'active',
      notification: {
        attributes: ['powerState'],
        format: 'normalized',
        endpoint: ENDPOINT,
        timesSent: 0,
      },
    });
  });

  it('GET without the context shows full IRIs; application/ld+json adds @context', async () => {
    const plain = await t.request({
      method: 'GET',
      url: `${NGSI}/subscriptions/urn:ngsi-ld:Subscription:lights`,
    });
    assert.deepEqual(plain.json().entities, [{ type: 'https://city.example.org/ns#Streetlight' }]);
    const ld = await t.request({
      method: 'GET',
      url: `${NGSI}/subscriptions/urn:ngsi-ld:Subscription:lights?options=sysAttrs`,
      headers: { accept: 'application/ld+json' },
    });
    assert.ok(ld.json()['@context']);
    assert.ok(ld.json().createdAt);
  });

  it('POST without id generates a urn:ngsi-ld:Subscription id', async () => {
    const res = await create(subscription());
    assert.equal(res.statusCode, 201);
    assert.match(
      String(res.headers.location),
      /\/subscriptions\/urn:ngsi-ld:Subscription:[0-9a-f-]{36}$/,
    );
  });

  it('POST with a taken id is 409 AlreadyExists', async () => {
    const res = await create(subscription({ id: 'urn:ngsi-ld:Subscription:lights' }));
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().type, `${ETSI_ERRORS}AlreadyExists`);
  });

  it('GET /subscriptions pages with limit/offset, counts with count=true', async () => {
    const t2 = await createTestApp();
    try {
      for (const n of [1, 2, 3])
        await t2.request(
          jsonRequest(
            'POST',
            `${NGSI}/subscriptions`,
            subscription({ id: `urn:ngsi-ld:Subscription:${n}` }),
          ),
        );
      const res = await t2.request({
        method: 'GET',
        url: `${NGSI}/subscriptions?limit=2&offset=1&count=true`,
      });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['ngsild-results-count'], '3');
      assert.deepEqual(
        res.json().map((s: { id: string }) => s.id),
        ['urn:ngsi-ld:Subscription:2', 'urn:ngsi-ld:Subscription:3'],
      );
      assert.match(String(res.headers.link), /rel="prev"/);
      const first = await t2.request({ method: 'GET', url: `${NGSI}/subscriptions?limit=1` });
      assert.match(String(first.headers.link), /offset=1.*rel="next"/);
      const bad = await t2.request({ method: 'GET', url: `${NGSI}/subscriptions?limit=-1` });
      assert.equal(bad.statusCode, 400);
      const unknown = await t2.request({ method: 'GET', url: `${NGSI}/subscriptions?type=X` });
      assert.equal(unknown.statusCode, 400);
    } finally {
      await t2.close();
    }
  });

  it('PATCH replaces the given members and recomputes status; 204', async () => {
    const id = 'urn:ngsi-ld:Subscription:patched';
    await create(subscription({ id, throttling: 5 }));
    const res = await t.request(
      jsonRequest('PATCH', `${NGSI}/subscriptions/${id}`, { isActive: false, q: 'illuminance>5' }),
    );
    assert.equal(res.statusCode, 204);
    const got = (await t.request({ method: 'GET', url: `${NGSI}/subscriptions/${id}` })).json();
    assert.equal(got.status, 'paused');
    assert.equal(got.q, 'illuminance>5');
    assert.equal(got.throttling, 5);
    const merge = await t.request({
      method: 'PATCH',
      url: `${NGSI}/subscriptions/${id}`,
      headers: { 'content-type': 'application/merge-patch+json' },
      payload: JSON.stringify({ isActive: true, expiresAt: '2099-01-01T00:00:00Z' }),
    });
    assert.equal(merge.statusCode, 204);
    assert.equal(
      (await t.request({ method: 'GET', url: `${NGSI}/subscriptions/${id}` })).json().status,
      'active',
    );
  });

  it('PATCH that breaks the rules is 400 and changes nothing', async () => {
    const id = 'urn:ngsi-ld:Subscription:patched';
    const before = (await t.request({ method: 'GET', url: `${NGSI}/subscriptions/${id}` })).json();
    for (const body of [
      { timeInterval: 10 },
      { expiresAt: '2001-01-01T00:00:00Z' },
      { type: 'Entity' },
      { notification: { format: 'keyValues', showChanges: true, endpoint: ENDPOINT } },
      { id: 'urn:ngsi-ld:Subscription:other' },
      { bogus: 1 },
    ]) {
      const res = await t.request(jsonRequest('PATCH', `${NGSI}/subscriptions/${id}`, body));
      assert.equal(res.statusCode, 400, JSON.stringify(body));
      assert.equal(res.json().type, `${ETSI_ERRORS}BadRequestData`);
    }
    assert.deepEqual(
      (await t.request({ method: 'GET', url: `${NGSI}/subscriptions/${id}` })).json(),
      before,
    );
  });

  it('DELETE removes a subscription: 204, then 404', async () => {
    const id = 'urn:ngsi-ld:Subscription:gone';
    await create(subscription({ id }));
    assert.equal(
      (await t.request({ method: 'DELETE', url: `${NGSI}/subscriptions/${id}` })).statusCode,
      204,
    );
    const again = await t.request({ method: 'DELETE', url: `${NGSI}/subscriptions/${id}` });
    assert.equal(again.statusCode, 404);
    assert.equal(again.json().type, `${ETSI_ERRORS}ResourceNotFound`);
    assert.equal(
      (await t.request({ method: 'GET', url: `${NGSI}/subscriptions/${id}` })).statusCode,
      404,
    );
    const patch = await t.request(
      jsonRequest('PATCH', `${NGSI}/subscriptions/${id}`, { isActive: true }),
    );
    assert.equal(patch.statusCode, 404);
  });

  it('an id that is not a URI is 400 on GET, PATCH and DELETE', async () => {
    for (const method of ['GET', 'DELETE'] as const) {
      const res = await t.request({ method, url: `${NGSI}/subscriptions/not-a-uri` });
      assert.equal(res.statusCode, 400);
    }
  });

  it('subscriptions are per tenant; the first POST creates the tenant', async () => {
    const tenant = { 'ngsild-tenant': 'sevilla' };
    const unknown = await t.request({
      method: 'GET',
      url: `${NGSI}/subscriptions`,
      headers: tenant,
    });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().type, `${ETSI_ERRORS}NonexistentTenant`);
    for (const method of ['GET', 'DELETE'] as const) {
      const res = await t.request({
        method,
        url: `${NGSI}/subscriptions/urn:ngsi-ld:Subscription:lights`,
        headers: tenant,
      });
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().type, `${ETSI_ERRORS}NonexistentTenant`);
    }
    const created = await create(subscription({ id: 'urn:ngsi-ld:Subscription:lights' }), tenant);
    assert.equal(created.statusCode, 201);
    const list = await t.request({ method: 'GET', url: `${NGSI}/subscriptions`, headers: tenant });
    assert.deepEqual(
      list.json().map((s: { id: string }) => s.id),
      ['urn:ngsi-ld:Subscription:lights'],
    );
    const types = await t.request({ method: 'GET', url: `${NGSI}/types`, headers: tenant });
    assert.equal(types.statusCode, 200);
  });

  it('a jsonldContext that cannot be fetched is 504 LdContextNotAvailable', async () => {
    const res = await create(
      subscription({ jsonldContext: 'https://unreachable.example.org/ctx.jsonld' }),
    );
    assert.equal(res.statusCode, 504);
    assert.equal(res.json().type, `${ETSI_ERRORS}LdContextNotAvailable`);
  });

  it('the request @context of application/ld+json is accepted', async () => {
    const res = await t.request({
      method: 'POST',
      url: `${NGSI}/subscriptions`,
      headers: { 'content-type': 'application/ld+json' },
      payload: JSON.stringify({ ...subscription(), '@context': TEST_CONTEXT_URL }),
    });
    assert.equal(res.statusCode, 201);
  });
});

describe('Subscriptions: names keep the meaning they were given (subscriptions.md §4–§5)', () => {
  let t: TestApp;
  const CITY = linkTo(TEST_CONTEXT_URL);
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  const get = (id: string, headers: Record<string, string> = {}) =>
    t.request({ method: 'GET', url: `${NGSI}/subscriptions/${id}`, headers });

  it('GET compacts each type name of a type expression with the request context', async () => {
    const id = 'urn:ngsi-ld:Subscription:expression';
    const body = {
      id,
      type: 'Subscription',
      entities: [{ type: '(Streetlight;ParkingSpot)|Streetlight,Other' }],
      notification: { endpoint: ENDPOINT },
    };
    assert.equal(
      (await t.request(jsonRequest('POST', `${NGSI}/subscriptions`, body, CITY))).statusCode,
      201,
    );
    assert.deepEqual((await get(id, CITY)).json().entities, [
      { type: '(Streetlight;ParkingSpot)|Streetlight,Other' },
    ]);
    const city = 'https://city.example.org/ns#';
    assert.deepEqual((await get(id)).json().entities, [
      { type: `(${city}Streetlight;${city}ParkingSpot)|${city}Streetlight,Other` },
    ]);
  });

  it('a PATCH of q under another @context leaves the entity types as they were', async () => {
    const id = 'urn:ngsi-ld:Subscription:patched-q';
    const body = {
      id,
      type: 'Subscription',
      entities: [{ type: 'Streetlight' }],
      notification: { endpoint: { uri: 'http://127.0.0.1:9/patched-q' } },
    };
    assert.equal(
      (await t.request(jsonRequest('POST', `${NGSI}/subscriptions`, body, CITY))).statusCode,
      201,
    );
    // No Link header: the default context, where Streetlight means something else.
    const patch = await t.request(
      jsonRequest('PATCH', `${NGSI}/subscriptions/${id}`, { q: 'kind=="Streetlight"' }),
    );
    assert.equal(patch.statusCode, 204, patch.body);
    assert.deepEqual((await get(id, CITY)).json().entities, [{ type: 'Streetlight' }]);
    const entity = { id: 'urn:ngsi-ld:Streetlight:q', type: 'Streetlight', kind: 'Streetlight' };
    await t.request(jsonRequest('POST', `${NGSI}/entities`, entity, CITY));
    const [sent] = await t.notifications.waitFor(1, 'http://127.0.0.1:9/patched-q');
    assert.equal(sent?.notification.subscriptionId, id);
  });
});
