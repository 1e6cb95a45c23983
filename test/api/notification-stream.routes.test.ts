import assert from 'node:assert/strict';
import { get, type IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { NotificationMessage } from '../../src/context/ports/notification-sender.port.js';
import { streetlight } from '../support/sample-entities.js';
import { NGSI, createTestApp, jsonRequest, type TestApp } from '../support/test-app.js';

const STREAMS = '/api/notifications/streams';

interface EventStream {
  response: IncomingMessage;
  text(): string;
  ended: Promise<void>;
  close(): void;
}

/** Opens a stream with a real HTTP client; resolves once the head and first comment arrived. */
function openStream(base: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<EventStream>((resolve, reject) => {
    const request = get(`${base}${path}`, { headers }, (response) => {
      let text = '';
      const ended = new Promise<void>((done) => response.once('close', done));
      response.setEncoding('utf8');
      response.once('data', () => resolve({ response, text: () => text, ended, close }));
      response.on('data', (chunk: string) => (text += chunk));
    });
    const close = () => request.destroy();
    request.on('error', reject);
  });
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

function notification(tenant: string, id: string): NotificationMessage {
  const body = JSON.stringify({ id, type: 'Notification', subscriptionId: 'urn:s', data: [] });
  return { tenant, subscriptionId: 'urn:s', body, contentType: 'application/json', headers: {} };
}

describe('GET /api/notifications/streams/{name} (server-sent events)', () => {
  let t: TestApp;
  let base: string;
  before(async () => {
    t = await createTestApp();
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const created = await t.request(
      jsonRequest('POST', `${NGSI}/entities`, streetlight(1), { 'ngsild-tenant': 'valencia' }),
    );
    assert.equal(created.statusCode, 201);
  });
  after(() => t.close());

  it('streams the notifications of urn:civis:stream:{name} as notification events', async () => {
    const stream = await openStream(base, `${STREAMS}/operations`);
    assert.equal(stream.response.statusCode, 200);
    assert.equal(stream.response.headers['content-type'], 'text/event-stream; charset=utf-8');
    assert.equal(stream.response.headers['cache-control'], 'no-store');

    const outcome = await t.notificationHub.send(
      { uri: 'urn:civis:stream:operations' },
      notification('', 'urn:ngsi-ld:Notification:1'),
      { timeoutMs: 1_000 },
    );
    assert.deepEqual(outcome, { ok: true });
    await until(() => /event:[^]*\n\n/.test(stream.text()));
    const event = stream.text().slice(stream.text().indexOf('event:'));
    const [kind, id, data] = event.trim().split('\n');
    assert.equal(kind, 'event: notification');
    assert.match(id ?? '', /^id: \d+$/);
    assert.deepEqual(JSON.parse((data ?? '').replace(/^data: /, '')), {
      id: 'urn:ngsi-ld:Notification:1',
      type: 'Notification',
      subscriptionId: 'urn:s',
      data: [],
    });
    stream.close();
    await stream.ended;
  });

  it('a stream of a tenant gets only that tenant’s notifications', async () => {
    const stream = await openStream(base, `${STREAMS}/lighting`, { 'NGSILD-Tenant': 'valencia' });
    assert.equal(stream.response.headers['ngsild-tenant'], 'valencia');
    const send = (tenant: string, id: string) =>
      t.notificationHub.send({ uri: 'urn:civis:stream:lighting' }, notification(tenant, id), {
        timeoutMs: 1_000,
      });
    assert.deepEqual(await send('', 'urn:ngsi-ld:Notification:default'), {
      ok: false,
      retryable: true,
      reason: 'no listener',
    });
    assert.deepEqual(await send('valencia', 'urn:ngsi-ld:Notification:valencia'), { ok: true });
    await until(() => stream.text().includes('Notification:valencia'));
    assert.ok(!stream.text().includes('Notification:default'));
    stream.close();
    await stream.ended;
  });

  it('a client that disconnected is no longer a listener', async () => {
    const stream = await openStream(base, `${STREAMS}/short-lived`);
    stream.close();
    await stream.ended;
    const uri = { uri: 'urn:civis:stream:short-lived' };
    for (;;) {
      const outcome = await t.notificationHub.send(uri, notification('', 'urn:n'), {
        timeoutMs: 1_000,
      });
      if (!outcome.ok) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });

  it('rejects malformed, oversized and hostile stream names with 400', async () => {
    for (const name of ['a%20b', 'x'.repeat(65), '%0d%0aSet-Cookie:%20a=b', '..%2F..%2Fetc']) {
      const res = await t.request({ method: 'GET', url: `${STREAMS}/${name}` });
      assert.equal(res.statusCode, 400, name);
      assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
      assert.match(res.json().detail, /stream name/);
    }
  });

  it('rejects a malformed NGSILD-Tenant with 400 and an unknown tenant with 404', async () => {
    const bad = await t.request({
      method: 'GET',
      url: `${STREAMS}/operations`,
      headers: { 'ngsild-tenant': 'no such tenant!' },
    });
    assert.equal(bad.statusCode, 400);
    const unknown = await t.request({
      method: 'GET',
      url: `${STREAMS}/operations`,
      headers: { 'ngsild-tenant': 'nowhere' },
    });
    assert.equal(unknown.statusCode, 404);
    assert.match(unknown.json().type, /NonexistentTenant$/);
  });

  it('answers 406 to a client that does not accept text/event-stream', async () => {
    const res = await t.request({
      method: 'GET',
      url: `${STREAMS}/operations`,
      headers: { accept: 'application/json' },
    });
    assert.equal(res.statusCode, 406);
  });

  it('closing the app ends the open streams', async () => {
    const other = await createTestApp();
    const otherBase = await other.app.listen({ port: 0, host: '127.0.0.1' });
    const stream = await openStream(otherBase, `${STREAMS}/operations`);
    await other.close();
    await stream.ended;
  });
});
