/**
 * Notifications over real HTTP (subscriptions.md §8): Civis' HTTP sender posting to a
 * receiver on 127.0.0.1. Receivers that hang, answer 500 or reset the connection make
 * their subscription show `failed`, while a healthy receiver's notifications keep flowing.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createHttpNotificationSender } from '../../src/adapters/notify/http-notification-sender.js';
import type { NotificationSender } from '../../src/context/ports/notification-sender.port.js';
import {
  NGSI,
  TEST_CONTEXT_URL,
  createTestApp,
  jsonRequest,
  linkTo,
  type TestApp,
} from '../support/test-app.js';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: { subscriptionId: string; data: Array<Record<string, unknown>> };
}

describe('Notifications over HTTP to a local receiver', () => {
  let t: TestApp;
  let server: Server;
  let base: string;
  let sender: NotificationSender;
  const received: Received[] = [];
  const hanging = new Set<() => void>();

  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const path = req.url ?? '';
        if (path.startsWith('/ok')) {
          received.push({
            path,
            headers: req.headers,
            body: JSON.parse(Buffer.concat(chunks).toString()),
          });
          res.writeHead(204).end();
        } else if (path.startsWith('/fail')) res.writeHead(500).end();
        else if (path.startsWith('/reset')) req.socket.destroy();
        else hanging.add(() => res.destroy());
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    sender = createHttpNotificationSender();
    t = await createTestApp({}, { notificationSenders: [sender] });
  });

  after(async () => {
    await t.close();
    await sender.close();
    for (const end of hanging) end();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  async function subscribe(
    id: string,
    path: string,
    extra: Record<string, unknown> = {},
    headers = linkTo(TEST_CONTEXT_URL),
  ) {
    const res = await t.request(
      jsonRequest(
        'POST',
        `${NGSI}/subscriptions`,
        {
          id,
          type: 'Subscription',
          entities: [{ type: 'Streetlight' }],
          notification: { endpoint: { uri: `${base}${path}`, timeout: 300, ...extra } },
        },
        headers,
      ),
    );
    assert.equal(res.statusCode, 201, res.body);
  }

  async function status(
    id: string,
    done: (n: Record<string, unknown>) => boolean,
    headers: Record<string, string> = {},
  ) {
    for (let i = 0; i < 400; i++) {
      const n = (
        await t.request({ method: 'GET', url: `${NGSI}/subscriptions/${id}`, headers })
      ).json().notification;
      if (done(n)) return n as Record<string, unknown>;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(
      `${id} never reached the expected status: ${JSON.stringify((await t.request({ method: 'GET', url: `${NGSI}/subscriptions/${id}`, headers })).json().notification)} ${received.length}`,
    );
  }

  it('a healthy receiver gets the POST with Content-Type, Link, NGSILD-Tenant and receiverInfo headers', async () => {
    const tenant = { ...linkTo(TEST_CONTEXT_URL), 'ngsild-tenant': 'malaga' };
    await subscribe(
      'urn:ngsi-ld:Subscription:tenant-ok',
      '/ok/tenant',
      { receiverInfo: [{ key: 'X-Api-Key', value: 'k1' }] },
      tenant,
    );
    const created = await t.request(
      jsonRequest(
        'POST',
        `${NGSI}/entities`,
        { id: 'urn:ngsi-ld:Streetlight:h0', type: 'Streetlight', powerState: 'on' },
        tenant,
      ),
    );
    assert.equal(created.statusCode, 201);
    const n = await status('urn:ngsi-ld:Subscription:tenant-ok', (s) => s['timesSent'] === 1, {
      'ngsild-tenant': 'malaga',
    });
    assert.equal(n['status'], 'ok');
    const got = received.find((r) => r.path === '/ok/tenant');
    assert.ok(got);
    assert.equal(got.headers['content-type'], 'application/json');
    assert.match(String(got.headers['link']), /city\.jsonld/);
    assert.equal(got.headers['ngsild-tenant'], 'malaga');
    assert.equal(got.headers['x-api-key'], 'k1');
    assert.equal(
      got.body.data[0]?.['powerState'] &&
        (got.body.data[0]['powerState'] as { value: string }).value,
      'on',
    );
  });

  it('hanging, failing and resetting receivers fail their subscriptions; the healthy one is served', async () => {
    await subscribe('urn:ngsi-ld:Subscription:hang', '/hang');
    await subscribe('urn:ngsi-ld:Subscription:fail', '/fail');
    await subscribe('urn:ngsi-ld:Subscription:reset', '/reset');
    await subscribe('urn:ngsi-ld:Subscription:ok', '/ok/main');
    for (let k = 1; k <= 3; k++) {
      const res = await t.request(
        jsonRequest(
          'POST',
          `${NGSI}/entities`,
          { id: `urn:ngsi-ld:Streetlight:h${k}`, type: 'Streetlight', powerState: 'on' },
          linkTo(TEST_CONTEXT_URL),
        ),
      );
      assert.equal(res.statusCode, 201);
    }
    const ok = await status('urn:ngsi-ld:Subscription:ok', (s) => s['timesSent'] === 3);
    assert.equal(ok['status'], 'ok');
    assert.equal(received.filter((r) => r.path === '/ok/main').length, 3);
    for (const id of [
      'urn:ngsi-ld:Subscription:hang',
      'urn:ngsi-ld:Subscription:fail',
      'urn:ngsi-ld:Subscription:reset',
    ]) {
      // Three notifications, three attempts each (notificationMaxAttempts is 3 in tests).
      const failed = await status(id, (s) => s['timesFailed'] === 9);
      assert.equal(failed['status'], 'failed');
      assert.equal(failed['timesSent'], 9);
      assert.ok(failed['lastFailure']);
      assert.equal(failed['lastSuccess'], undefined);
    }
  });
});
