import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { NotificationMessage } from '../../context/ports/notification-sender.port.js';
import { createHttpNotificationSender, outcomeOfStatus } from './http-notification-sender.js';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A local receiver whose path says how to answer. */
async function startReceiver() {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  const held: ServerResponse[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let hugeBytesWritten = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString() });
      const status = /^\/status\/(\d+)$/.exec(path)?.[1];
      if (status !== undefined) return void response.writeHead(Number(status)).end('{}');
      switch (path) {
        case '/hang':
          return void held.push(response);
        case '/hold':
          inFlight += 1;
          maxInFlight = Math.max(maxInFlight, inFlight);
          return void held.push(response);
        case '/reset':
          return void request.socket.destroy();
        case '/huge':
          return void writeEndlessly(response);
        case '/redirect':
          return void response.writeHead(302, { location: 'http://127.0.0.2:9/elsewhere' }).end();
        default:
          return void response.writeHead(204).end();
      }
    });
  });
  // Writes up to 256 MiB, far more than the sender may read, until the client goes away.
  function writeEndlessly(response: ServerResponse) {
    response.writeHead(200, { 'content-type': 'application/octet-stream' });
    const chunk = Buffer.alloc(64 * 1024, 120);
    const pump = () => {
      while (hugeBytesWritten < 256 * 1024 * 1024 && !response.destroyed) {
        hugeBytesWritten += chunk.length;
        if (!response.write(chunk)) return void response.once('drain', pump);
      }
      response.end();
    };
    pump();
  }
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    received,
    connectionsSeen: () => sockets.size,
    maxInFlight: () => maxInFlight,
    hugeBytesWritten: () => hugeBytesWritten,
    releaseHeld() {
      for (const response of held.splice(0)) {
        if (!response.destroyed) response.writeHead(200).end();
      }
      inFlight = 0;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const message: NotificationMessage = {
  tenant: 'valencia',
  subscriptionId: 'urn:ngsi-ld:Subscription:1',
  body: '{"id":"urn:ngsi-ld:Notification:1","type":"Notification","data":[]}',
  contentType: 'application/json',
  headers: {
    Link: '<https://example.org/ctx.jsonld>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"',
    'NGSILD-Tenant': 'valencia',
  },
};

describe('createHttpNotificationSender', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const sender = createHttpNotificationSender({ connectionsPerOrigin: 2 });
  const options = { timeoutMs: 2_000 };

  before(async () => {
    receiver = await startReceiver();
  });
  after(async () => {
    receiver.releaseHeld();
    await sender.close();
    await receiver.close();
  });

  it('send posts the body with Content-Type, the message headers and receiverInfo', async () => {
    const outcome = await sender.send(
      {
        uri: `${receiver.base}/notify?x=1`,
        receiverInfo: [{ key: 'X-Auth-Token', value: 'abc 123' }],
      },
      message,
      options,
    );
    assert.deepEqual(outcome, { ok: true });
    const got = receiver.received.at(-1);
    assert.equal(got?.path, '/notify?x=1');
    assert.equal(got.body, message.body);
    assert.equal(got.headers['content-type'], 'application/json');
    assert.equal(got.headers['link'], message.headers['Link']);
    assert.equal(got.headers['ngsild-tenant'], 'valencia');
    assert.equal(got.headers['x-auth-token'], 'abc 123');
  });

  it('send keeps the message Content-Type over a receiverInfo Content-Type', async () => {
    await sender.send(
      {
        uri: `${receiver.base}/ct`,
        receiverInfo: [{ key: 'content-type', value: 'text/plain' }],
      },
      { ...message, contentType: 'application/ld+json' },
      options,
    );
    assert.equal(receiver.received.at(-1)?.headers['content-type'], 'application/ld+json');
  });

  it('send turns user information of the URI into Basic authorization', async () => {
    const base = new URL(receiver.base);
    const outcome = await sender.send(
      { uri: `http://alice:s%3Acret@${base.host}/auth` },
      message,
      options,
    );
    assert.deepEqual(outcome, { ok: true });
    const expected = `Basic ${Buffer.from('alice:s:cret').toString('base64')}`;
    assert.equal(receiver.received.at(-1)?.headers['authorization'], expected);
  });

  it('send reuses kept-alive connections', async () => {
    for (let i = 0; i < 20; i++) {
      assert.deepEqual(await sender.send({ uri: `${receiver.base}/seq` }, message, options), {
        ok: true,
      });
    }
    assert.ok(receiver.connectionsSeen() <= 2, `${receiver.connectionsSeen()} connections`);
  });

  it('send reports 5xx and 429 as retryable, other 4xx as refusals', async () => {
    for (const [status, retryable] of [
      [500, true],
      [503, true],
      [429, true],
      [400, false],
      [404, false],
    ] as const) {
      const outcome = await sender.send(
        { uri: `${receiver.base}/status/${status}` },
        message,
        options,
      );
      assert.deepEqual(outcome, {
        ok: false,
        retryable,
        reason: `the endpoint answered ${status}`,
      });
    }
  });

  it('send does not follow redirects', async () => {
    const outcome = await sender.send({ uri: `${receiver.base}/redirect` }, message, options);
    assert.equal(outcome.ok, false);
    assert.equal(!outcome.ok && outcome.retryable, false);
    assert.match(!outcome.ok ? outcome.reason : '', /302 \(redirects are not followed\)/);
    assert.equal(receiver.received.at(-1)?.path, '/redirect');
  });

  it('send gives up after timeoutMs on a receiver that never answers (retryable)', async () => {
    const outcome = await sender.send({ uri: `${receiver.base}/hang` }, message, {
      timeoutMs: 200,
    });
    assert.deepEqual(outcome, { ok: false, retryable: true, reason: 'no answer within 200 ms' });
  });

  it('send reports a reset connection as retryable', async () => {
    const outcome = await sender.send({ uri: `${receiver.base}/reset` }, message, options);
    assert.equal(outcome.ok, false);
    assert.equal(!outcome.ok && outcome.retryable, true);
  });

  it('send reports a refused connection as retryable', async () => {
    const port = await closedPort();
    const outcome = await sender.send({ uri: `http://127.0.0.1:${port}/` }, message, options);
    assert.equal(outcome.ok, false);
    assert.equal(!outcome.ok && outcome.retryable, true);
    assert.match(!outcome.ok ? outcome.reason : '', /ECONNREFUSED/);
  });

  it('send reads at most a bounded part of a huge response body', async () => {
    const outcome = await sender.send({ uri: `${receiver.base}/huge` }, message, options);
    assert.deepEqual(outcome, { ok: true });
    // The sender hung up long before the receiver could write its 256 MiB.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(receiver.hugeBytesWritten() < 256 * 1024 * 1024);
  });

  it('send holds at most connectionsPerOrigin requests in flight to one origin', async () => {
    const sends = Array.from({ length: 5 }, () =>
      sender.send({ uri: `${receiver.base}/hold` }, message, options),
    );
    while (receiver.received.filter((r) => r.path === '/hold').length < 2) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // Release until every queued request went through, two at a time.
    let outcomes: unknown[] | undefined;
    void Promise.all(sends).then((all) => (outcomes = all));
    while (outcomes === undefined) {
      receiver.releaseHeld();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(receiver.maxInFlight(), 2);
    assert.deepEqual(outcomes, Array(5).fill({ ok: true }));
  });

  it('send gives up a request still queued for a connection after timeoutMs, and never sends it', async () => {
    const holding = Array.from({ length: 2 }, () =>
      sender.send({ uri: `${receiver.base}/hold` }, message, options),
    );
    while (receiver.received.filter((r) => r.path === '/hold').length < 2) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const queued = await sender.send({ uri: `${receiver.base}/queued` }, message, {
      timeoutMs: 100,
    });
    assert.deepEqual(queued, { ok: false, retryable: true, reason: 'no answer within 100 ms' });
    receiver.releaseHeld();
    assert.deepEqual(await Promise.all(holding), [{ ok: true }, { ok: true }]);
    // The connections are free again: the next request goes through, the queued one did not.
    assert.deepEqual(await sender.send({ uri: `${receiver.base}/after` }, message, options), {
      ok: true,
    });
    assert.equal(receiver.received.filter((r) => r.path === '/queued').length, 0);
  });

  it('send refuses receiverInfo that would inject headers, and sends nothing', async () => {
    const before = receiver.received.length;
    for (const [key, value, problem] of [
      ['X-A', 'a\r\nX-Injected: 1', /control character/],
      ['X-A', 'a\nb', /control character/],
      ['X-A', 'a\u0000b', /control character/],
      ['X-A', 'caf\u20ac', /above U\+00FF/],
      ['X-A\r\nX-Injected', '1', /not a valid HTTP header name/],
      ['Bad Name', '1', /not a valid HTTP header name/],
      ['', '1', /not a valid HTTP header name/],
      ['Content-Length', '0', /may not be set/],
      ['Transfer-Encoding', 'chunked', /may not be set/],
      ['Host', 'evil.example.org', /may not be set/],
    ] as const) {
      const outcome = await sender.send(
        { uri: `${receiver.base}/injected`, receiverInfo: [{ key, value }] },
        message,
        options,
      );
      assert.equal(outcome.ok, false, `${JSON.stringify(key)}: ${JSON.stringify(value)}`);
      assert.equal(!outcome.ok && outcome.retryable, false);
      assert.match(!outcome.ok ? outcome.reason : '', problem);
    }
    assert.equal(receiver.received.length, before);
  });

  it('send refuses a URI that is not http(s)', async () => {
    const outcome = await sender.send({ uri: 'ftp://example.org/x' }, message, options);
    assert.equal(!outcome.ok && outcome.retryable, false);
  });

  it('send never shows the password of the endpoint URI in a reason', async () => {
    const port = await closedPort();
    for (const uri of [
      'ftp://user:s3cret@example.org/x',
      `http://user:s3cret@127.0.0.1:${port}/`,
    ]) {
      const outcome = await sender.send({ uri }, message, options);
      assert.equal(outcome.ok, false, uri);
      assert.doesNotMatch(!outcome.ok ? outcome.reason : '', /s3cret/, uri);
    }
  });
});

describe('outcomeOfStatus', () => {
  it('outcomeOfStatus treats every 2xx as success', () => {
    for (const status of [200, 201, 202, 204, 299]) {
      assert.deepEqual(outcomeOfStatus(status), { ok: true });
    }
  });
});
