import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import type { NotificationMessage } from '../../context/ports/notification-sender.port.js';
import { createSseNotificationHub } from './sse-notification-hub.js';

const options = { timeoutMs: 1_000 };

function messageOf(tenant: string, body: string): NotificationMessage {
  return { tenant, subscriptionId: 's1', body, contentType: 'application/json', headers: {} };
}

/** A client stream that records what it is sent. */
function listener() {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { out, text: () => text };
}

/** A client that never reads: nothing it is sent ever drains. */
function stalledClient() {
  return new Writable({ highWaterMark: 64, write: () => undefined });
}

describe('createSseNotificationHub', () => {
  it('send fails retryably when no client listens to the stream', async () => {
    const hub = createSseNotificationHub();
    const outcome = await hub.send({ uri: 'urn:civis:stream:ops' }, messageOf('', '{}'), options);
    assert.deepEqual(outcome, { ok: false, retryable: true, reason: 'no listener' });
  });

  it('send refuses urn URIs that do not name a stream', async () => {
    const hub = createSseNotificationHub();
    for (const uri of ['urn:ngsi-ld:Thing:1', 'urn:civis:stream:', 'urn:civis:stream:a b']) {
      const outcome = await hub.send({ uri }, messageOf('', '{}'), options);
      assert.equal(!outcome.ok && outcome.retryable, false, uri);
    }
  });

  it('validate accepts stream URIs only, so other urn endpoints are refused at create', () => {
    const hub = createSseNotificationHub();
    assert.equal(hub.validate?.({ uri: 'urn:civis:stream:ops.room_1-a' }), undefined);
    for (const uri of [
      'urn:ngsi-ld:Thing:1',
      'urn:civis:stream:',
      `urn:civis:stream:${'a'.repeat(65)}`,
    ])
      assert.match(hub.validate?.({ uri }) ?? '', /not a stream of Civis/, uri);
  });

  it('send writes one notification event to every client of the stream and tenant', async () => {
    const hub = createSseNotificationHub();
    const first = listener();
    const second = listener();
    const otherTenant = listener();
    const otherStream = listener();
    hub.connect('', 'ops', first.out);
    hub.connect('', 'ops', second.out);
    hub.connect('valencia', 'ops', otherTenant.out);
    hub.connect('', 'citizens', otherStream.out);

    const outcome = await hub.send(
      { uri: 'urn:civis:stream:ops' },
      messageOf('', '{"id":"urn:ngsi-ld:Notification:1"}'),
      options,
    );
    assert.deepEqual(outcome, { ok: true });
    const event = 'event: notification\nid: 1\ndata: {"id":"urn:ngsi-ld:Notification:1"}\n\n';
    assert.equal(first.text(), event);
    assert.equal(second.text(), event);
    assert.equal(otherTenant.text(), '');
    assert.equal(otherStream.text(), '');
  });

  it('send splits a body of several lines into several data fields', async () => {
    const hub = createSseNotificationHub();
    const client = listener();
    hub.connect('t', 'ops', client.out);
    await hub.send({ uri: 'urn:civis:stream:ops' }, messageOf('t', '{\n"a": 1\r\n}'), options);
    assert.equal(client.text(), 'event: notification\nid: 1\ndata: {\ndata: "a": 1\ndata: }\n\n');
  });

  it('send disconnects a client whose buffer is full without waiting for it', async () => {
    const hub = createSseNotificationHub({ maxBufferedEvents: 5 });
    const slow = stalledClient();
    const healthy = listener();
    hub.connect('', 'ops', slow);
    hub.connect('', 'ops', healthy.out);
    for (let i = 0; i < 10; i++) {
      const outcome = await hub.send({ uri: 'urn:civis:stream:ops' }, messageOf('', '{}'), options);
      assert.deepEqual(outcome, { ok: true });
    }
    assert.equal(slow.destroyed, true);
    assert.equal(healthy.text().match(/event: notification/g)?.length, 10);
  });

  it('send disconnects a client holding more than maxBufferedBytes', async () => {
    const hub = createSseNotificationHub({ maxBufferedBytes: 1_000 });
    const slow = stalledClient();
    hub.connect('', 'ops', slow);
    const big = messageOf('', JSON.stringify({ text: 'x'.repeat(600) }));
    assert.deepEqual(await hub.send({ uri: 'urn:civis:stream:ops' }, big, options), { ok: true });
    const second = await hub.send({ uri: 'urn:civis:stream:ops' }, big, options);
    assert.deepEqual(second, { ok: false, retryable: true, reason: 'no listener' });
    assert.equal(slow.destroyed, true);
  });

  it('connect sends heartbeat comments while the client listens', async () => {
    const hub = createSseNotificationHub({ heartbeatMs: 5 });
    const client = listener();
    hub.connect('', 'ops', client.out);
    while (!client.text().includes(': heartbeat\n\n')) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await hub.close();
  });

  it('a closed client stream is forgotten; close ends every stream', async () => {
    const hub = createSseNotificationHub();
    const gone = listener();
    const staying = listener();
    hub.connect('', 'ops', gone.out);
    hub.connect('', 'ops', staying.out);
    gone.out.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    await hub.send({ uri: 'urn:civis:stream:ops' }, messageOf('', '{}'), options);
    await hub.close();
    assert.equal(staying.out.writableEnded, true);
    const outcome = await hub.send({ uri: 'urn:civis:stream:ops' }, messageOf('', '{}'), options);
    assert.deepEqual(outcome, { ok: false, retryable: true, reason: 'no listener' });
  });
});
