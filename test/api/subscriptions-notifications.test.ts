import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  NGSI,
  TEST_CONTEXT_URL,
  createTestApp,
  jsonRequest,
  linkTo,
  type TestApp,
} from '../support/test-app.js';

const CITY = linkTo(TEST_CONTEXT_URL);

/** Notifications fired by entity changes (NGSI-LD 5.8, subscriptions.md §6–§8). */
describe('Notifications of subscriptions', () => {
  let t: TestApp;
  let n = 0;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  async function subscribe(
    members: Record<string, unknown> = {},
    headers: Record<string, string> = CITY,
  ): Promise<{ id: string; uri: string }> {
    n += 1;
    const id = `urn:ngsi-ld:Subscription:n${n}`;
    const uri = `http://127.0.0.1:9/notify/${n}`;
    const notification = (members['notification'] ?? {}) as Record<string, unknown>;
    const endpoint = (notification['endpoint'] ?? {}) as Record<string, unknown>;
    const res = await t.request(
      jsonRequest(
        'POST',
        `${NGSI}/subscriptions`,
        {
          id,
          type: 'Subscription',
          entities: [{ type: 'Streetlight', idPattern: `:${n}:` }],
          ...members,
          notification: { ...notification, endpoint: { uri, ...endpoint } },
        },
        headers,
      ),
    );
    assert.equal(res.statusCode, 201, res.body);
    return { id, uri };
  }

  const lightId = (k: number, sub = n) => `urn:ngsi-ld:Streetlight:${sub}:${k}`;

  async function write(
    method: 'POST' | 'PATCH' | 'DELETE' | 'PUT',
    url: string,
    body?: unknown,
    headers = CITY,
  ) {
    const res = await t.request(jsonRequest(method, `${NGSI}${url}`, body, headers));
    assert.ok(res.statusCode < 300, `${method} ${url}: ${res.statusCode} ${res.body}`);
  }

  const createLight = (id: string, attrs: Record<string, unknown> = {}, headers = CITY) =>
    write(
      'POST',
      '/entities',
      { id, type: 'Streetlight', powerState: 'on', illuminance: 120, ...attrs },
      headers,
    );

  it('creating an entity notifies the whole entity, compacted with the subscription @context', async () => {
    const { id, uri } = await subscribe();
    await createLight(lightId(1));
    const [sent] = await t.notifications.waitFor(1, uri);
    assert.equal(sent?.message.contentType, 'application/json');
    assert.match(
      sent?.message.headers['Link'] ?? '',
      /^<https:\/\/contexts\.example\.org\/city\.jsonld>; rel="http:\/\/www\.w3\.org\/ns\/json-ld#context"/,
    );
    assert.equal(sent?.message.headers['NGSILD-Tenant'], undefined);
    const notification = sent?.notification;
    assert.equal(notification?.type, 'Notification');
    assert.equal(notification?.subscriptionId, id);
    assert.match(notification?.id ?? '', /^urn:ngsi-ld:Notification:/);
    assert.ok(!Number.isNaN(Date.parse(notification?.notifiedAt ?? '')));
    assert.deepEqual(notification?.data, [
      {
        id: lightId(1),
        type: 'Streetlight',
        powerState: { type: 'Property', value: 'on' },
        illuminance: { type: 'Property', value: 120 },
      },
    ]);
  });

  it('creating a subscription sends nothing; a later update does (pitfalls.md 28)', async () => {
    const id = `urn:ngsi-ld:Streetlight:${n + 1}:0`;
    await createLight(id);
    const { uri } = await subscribe();
    await write('PATCH', `/entities/${id}/attrs`, { illuminance: 7 });
    const sent = await t.notifications.waitFor(1, uri);
    assert.equal(sent.length, 1);
    assert.deepEqual(sent[0]?.notification.data[0]?.['illuminance'], {
      type: 'Property',
      value: 7,
    });
  });

  it('jsonldContext compacts notifications and names the Link, whatever the creation context', async () => {
    const { uri } = await subscribe(
      {
        entities: [{ type: 'https://city.example.org/ns#Streetlight', idPattern: `:${n + 1}:` }],
        jsonldContext: TEST_CONTEXT_URL,
      },
      {},
    );
    await createLight(lightId(1));
    const [sent] = await t.notifications.waitFor(1, uri);
    assert.match(
      sent?.message.headers['Link'] ?? '',
      /^<https:\/\/contexts\.example\.org\/city\.jsonld>/,
    );
    assert.deepEqual(Object.keys(sent?.notification.data[0] ?? {}), [
      'id',
      'type',
      'powerState',
      'illuminance',
    ]);
  });

  it('watchedAttributes, q and notification.attributes narrow what is sent', async () => {
    const { uri } = await subscribe({
      watchedAttributes: ['illuminance'],
      q: 'illuminance>100',
      notification: { attributes: ['illuminance'] },
    });
    await createLight(lightId(1), { illuminance: 50 });
    await write('PATCH', `/entities/${lightId(1)}/attrs`, { powerState: 'off' });
    await write('PATCH', `/entities/${lightId(1)}/attrs`, { illuminance: 500 });
    const sent = await t.notifications.waitFor(1, uri);
    assert.equal(sent.length, 1);
    assert.deepEqual(sent[0]?.notification.data, [
      { id: lightId(1), type: 'Streetlight', illuminance: { type: 'Property', value: 500 } },
    ]);
  });

  it('deletions notify only subscriptions that ask for them, as NGSI-LD Null and deletedAt', async () => {
    const plain = await subscribe({ entities: [{ type: 'Streetlight', idPattern: ':deletion:' }] });
    const deletions = await subscribe({
      entities: [{ type: 'Streetlight', idPattern: ':deletion:' }],
      notificationTrigger: ['attributeDeleted', 'entityDeleted'],
    });
    const id = 'urn:ngsi-ld:Streetlight:deletion:1';
    await createLight(id);
    await t.notifications.waitFor(1, plain.uri);
    await write('DELETE', `/entities/${id}/attrs/illuminance`);
    await write('DELETE', `/entities/${id}`);
    const sent = await t.notifications.waitFor(2, deletions.uri);
    assert.deepEqual(sent[0]?.notification.data, [
      {
        id,
        type: 'Streetlight',
        powerState: { type: 'Property', value: 'on' },
        illuminance: 'urn:ngsi-ld:null',
      },
    ]);
    const deleted = sent[1]?.notification.data[0];
    assert.equal(deleted?.['id'], id);
    assert.equal(deleted?.['type'], 'Streetlight');
    assert.ok(typeof deleted?.['deletedAt'] === 'string');
    assert.equal(Object.keys(deleted ?? {}).length, 3);
    // The plain subscription heard of the creation only.
    await write('POST', '/entities', {
      id: 'urn:ngsi-ld:Streetlight:deletion:2',
      type: 'Streetlight',
      status: 'x',
    });
    const heard = await t.notifications.waitFor(2, plain.uri);
    assert.deepEqual(
      heard.map((s) => s.notification.data[0]?.['id']),
      [id, 'urn:ngsi-ld:Streetlight:deletion:2'],
    );
  });

  it('showChanges carries previousValue; keyValues and ld+json are honoured', async () => {
    const changes = await subscribe({ notification: { showChanges: true } });
    const kv = await subscribe({
      entities: [{ type: 'Streetlight', idPattern: `:${n}:` }],
      notification: { format: 'keyValues', endpoint: { accept: 'application/ld+json' } },
    });
    const id = `urn:ngsi-ld:Streetlight:${n - 1}:1`;
    await createLight(id);
    await write('PATCH', `/entities/${id}/attrs`, { illuminance: 300 });
    const sent = await t.notifications.waitFor(2, changes.uri);
    assert.deepEqual(sent[1]?.notification.data[0]?.['illuminance'], {
      type: 'Property',
      value: 300,
      previousValue: 120,
    });
    const kvSent = await t.notifications.waitFor(2, kv.uri);
    assert.deepEqual(kvSent[1]?.notification.data, [
      { id, type: 'Streetlight', powerState: 'on', illuminance: 300 },
    ]);
    assert.equal(kvSent[1]?.message.contentType, 'application/ld+json');
    assert.deepEqual(kvSent[1]?.notification['@context'], [
      TEST_CONTEXT_URL,
      'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.9.jsonld',
    ]);
    assert.equal(kvSent[1]?.message.headers['Link'], undefined);
  });

  it('a subscription made without the context notifies full IRIs whatever the updater used', async () => {
    const { uri } = await subscribe(
      { entities: [{ type: 'https://city.example.org/ns#Streetlight', idPattern: `:${n + 1}:` }] },
      {},
    );
    await createLight(lightId(1));
    const [sent] = await t.notifications.waitFor(1, uri);
    assert.equal(sent?.notification.data[0]?.['type'], 'https://city.example.org/ns#Streetlight');
    assert.ok('https://city.example.org/ns#powerState' in (sent?.notification.data[0] ?? {}));
  });

  it('throttling drops notifications closer than its gap', async () => {
    const { uri } = await subscribe({ throttling: 3600 });
    await createLight(lightId(1));
    await write('PATCH', `/entities/${lightId(1)}/attrs`, { illuminance: 1 });
    await write('PATCH', `/entities/${lightId(1)}/attrs`, { illuminance: 2 });
    const other = await subscribe({ entities: [{ type: 'Streetlight', idPattern: `:${n}:` }] });
    await write('PATCH', `/entities/${lightId(1, n - 1)}/attrs`, { illuminance: 3 });
    await t.notifications.waitFor(1, other.uri);
    assert.equal(t.notifications.to(uri).length, 1);
  });

  it('paused and deleted subscriptions stay silent', async () => {
    const paused = await subscribe({ isActive: false });
    const deleted = await subscribe({
      entities: [{ type: 'Streetlight', idPattern: `:${n}:` }],
    });
    await write('DELETE', `/subscriptions/${deleted.id}`);
    const witness = await subscribe({
      entities: [{ type: 'Streetlight', idPattern: `:${n - 1}:` }],
    });
    await createLight(lightId(1, n - 2));
    await t.notifications.waitFor(1, witness.uri);
    assert.equal(t.notifications.to(paused.uri).length, 0);
    assert.equal(t.notifications.to(deleted.uri).length, 0);
  });

  it('notifications of a tenant carry NGSILD-Tenant and never cross tenants', async () => {
    const tenant = { ...CITY, 'ngsild-tenant': 'granada' };
    const inTenant = await subscribe({}, tenant);
    const inDefault = await subscribe({
      entities: [{ type: 'Streetlight', idPattern: `:${n}:` }],
    });
    await createLight(lightId(1, n - 1), {}, tenant);
    const [sent] = await t.notifications.waitFor(1, inTenant.uri);
    assert.equal(sent?.message.headers['NGSILD-Tenant'], 'granada');
    assert.equal(sent?.message.tenant, 'granada');
    await createLight(lightId(2, n - 1));
    await t.notifications.waitFor(1, inDefault.uri);
    assert.equal(t.notifications.to(inTenant.uri).length, 1);
  });

  it('GET shows timesSent, lastNotification, lastSuccess and status ok after deliveries', async () => {
    const { id, uri } = await subscribe();
    await createLight(lightId(1));
    await t.notifications.waitFor(1, uri);
    const got = await waitForStatus(id, (s) => s.timesSent === 1);
    assert.equal(got.status, 'ok');
    assert.equal(got.lastSuccess, got.lastNotification);
    assert.equal(got.timesFailed, undefined);
  });

  it('a failing endpoint is retried up to the cap and its subscription shows failed; others are not held up', async () => {
    const failing = await subscribe({ entities: [{ type: 'Streetlight', idPattern: ':shared:' }] });
    const healthy = await subscribe({ entities: [{ type: 'Streetlight', idPattern: ':shared:' }] });
    t.notifications.respond(failing.uri, { ok: false, reason: 'HTTP 500', retryable: true });
    await createLight('urn:ngsi-ld:Streetlight:shared:1');
    await t.notifications.waitFor(1, healthy.uri);
    // notificationMaxAttempts is 3 in tests.
    const attempts = await t.notifications.waitFor(3, failing.uri);
    assert.ok(attempts.every((a) => a.notification.id === attempts[0]?.notification.id));
    const got = await waitForStatus(failing.id, (s) => s.timesFailed === 3);
    assert.equal(got.status, 'failed');
    assert.equal(got.timesSent, 3);
    assert.ok(got.lastFailure);
    assert.equal(got.lastSuccess, undefined);
  });

  it('a refusal (4xx) is not retried', async () => {
    const { id, uri } = await subscribe();
    t.notifications.respond(uri, { ok: false, reason: 'HTTP 404', retryable: false });
    await createLight(lightId(1));
    await t.notifications.waitFor(1, uri);
    const got = await waitForStatus(id, (s) => s.timesFailed === 1);
    assert.equal(got.timesSent, 1);
  });

  it('a hanging endpoint holds only its own queue: others are notified meanwhile', async () => {
    const hanging = await subscribe({
      entities: [{ type: 'Streetlight', idPattern: ':slow:' }],
      notification: { endpoint: { timeout: 60_000 } },
    });
    const quick = await subscribe({ entities: [{ type: 'Streetlight', idPattern: ':slow:' }] });
    t.notifications.respond(hanging.uri, 'hang');
    for (let k = 1; k <= 6; k++) await createLight(`urn:ngsi-ld:Streetlight:slow:${k}`);
    const quickSent = await t.notifications.waitFor(6, quick.uri);
    assert.equal(quickSent.length, 6);
    // concurrencyPerEndpoint is 4 in tests: two wait behind the hanging four.
    assert.equal(t.notifications.to(hanging.uri).length, 4);
    assert.equal(t.notifications.to(hanging.uri)[0]?.timeoutMs, 60_000);
  });

  it('timeInterval subscriptions notify every matching entity periodically', async () => {
    const id = `urn:ngsi-ld:Streetlight:${n + 1}:1`;
    await createLight(id);
    const { uri } = await subscribe({ timeInterval: 1, q: 'illuminance>100' });
    const [sent] = await t.notifications.waitFor(1, uri);
    assert.deepEqual(
      sent?.notification.data.map((e) => e['id']),
      [id],
    );
  });

  async function waitForStatus(
    id: string,
    done: (notification: Record<string, unknown>) => boolean,
  ): Promise<Record<string, unknown>> {
    for (let i = 0; i < 250; i++) {
      const res = await t.request({ method: 'GET', url: `${NGSI}/subscriptions/${id}` });
      const notification = res.json().notification as Record<string, unknown>;
      if (done(notification)) return notification;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`subscription ${id} never reached the expected status`);
  }
});
