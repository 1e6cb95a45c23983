/**
 * Issue #3: two real Civis instances sharing one PostgreSQL database and one NATS
 * JetStream server. A change written through either instance notifies each matching
 * subscription exactly once, and an instance killed with SIGKILL and restarted resumes
 * without losing or duplicating notifications. Unreachable PostgreSQL or NATS: skipped
 * locally, a failure under CI=true.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { startCivis, type CivisProcess } from '../support/civis-process.js';
import { openPostgresTestDatabase } from '../support/postgres-test-database.js';
import { requireService } from '../support/services.js';
import { startTcpProxy } from '../support/tcp-proxy.js';

const NATS_URL = 'nats://127.0.0.1:4222';
const json = { 'content-type': 'application/json' };
const stream = `civis_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;

const postgres = await openPostgresTestDatabase();
const nats = await requireService(
  'NATS',
  () => connect({ servers: NATS_URL, timeout: 2_000 }).then((nc) => nc.close()),
  { at: '127.0.0.1:4222' },
);

/**
 * Records, for each token notified (the value of `n` in keyValues notifications), the ids
 * of the notifications that carried it. A notification whose delivery a crash cut short is
 * sent again with the same id (the outbox keeps the rendered notification): a receiver
 * recognises it as the same notification, as webhooks' idempotency keys work.
 */
function startReceiver(): Promise<{
  server: Server;
  url: string;
  seen: Map<string, Set<string>>;
}> {
  const seen = new Map<string, Set<string>>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as {
        id: string;
        data: Array<{ n?: string }>;
      };
      for (const entity of body.data) {
        if (typeof entity.n !== 'string') continue;
        const ids = seen.get(entity.n) ?? new Set<string>();
        ids.add(body.id);
        seen.set(entity.n, ids);
      }
      response.writeHead(204).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/notify`, seen });
    }),
  );
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

if (!postgres.available || !nats.available) {
  const reason = !postgres.available ? postgres.reason : !nats.available ? nats.reason : '';
  it('two instances on PostgreSQL and NATS', (t) => t.skip(reason));
} else {
  describe('two instances on PostgreSQL and NATS', { timeout: 150_000 }, () => {
    const { database } = postgres;
    let schema: { url: string; drop(): Promise<void> };
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    const running: CivisProcess[] = [];
    const start = async () => {
      const instance = await startCivis(['--database-url', schema.url], {
        CIVIS_BUS_URL: NATS_URL,
        CIVIS_BUS_STREAM: stream,
      });
      running.push(instance);
      return instance;
    };

    before(async () => {
      schema = await database.createSchema();
      receiver = await startReceiver();
    });

    after(async () => {
      await Promise.all(running.map((instance) => instance.stop().catch(() => undefined)));
      receiver.server.closeAllConnections();
      receiver.server.close();
      await schema.drop();
      await database.close();
      const nc = await connect({ servers: NATS_URL });
      await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
      await nc.close();
    });

    it('notifies every change written through either instance once, across a kill -9 and restart', async () => {
      // One instance first: it migrates the schema and creates the stream.
      const a = await start();
      let b = await start();
      const created = await fetch(`${a.url}/ngsi-ld/v1/subscriptions`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({
          type: 'Subscription',
          entities: [{ type: 'Counter' }],
          watchedAttributes: ['n'],
          notification: {
            attributes: ['n'],
            format: 'keyValues',
            endpoint: { uri: receiver.url },
          },
        }),
      });
      assert.equal(created.status, 201);
      const entity = (i: number) => `urn:ngsi-ld:Counter:${i % 5}`;
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${a.url}/ngsi-ld/v1/entities`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ id: entity(i), type: 'Counter', n: { value: `create-${i}` } }),
        });
        assert.equal(res.status, 201);
      }
      // B learns of the subscription from the database within its refresh period.
      await until(() => receiver.seen.size >= 5, 10_000);

      const written: string[] = [];
      const write = async (through: CivisProcess, token: string) => {
        const res = await fetch(
          `${through.url}/ngsi-ld/v1/entities/${entity(written.length)}/attrs/n`,
          { method: 'PATCH', headers: json, body: JSON.stringify({ value: token }) },
        );
        assert.equal(res.status, 204, `${token}: ${await res.text()}`);
        written.push(token);
      };
      for (let i = 0; i < 40; i++) await write(i % 2 === 0 ? a : b, `before-${i}`);

      // B dies while changes flow through A; a new B starts and takes its share again.
      const writesDuringKill = (async () => {
        for (let i = 0; i < 40; i++) await write(a, `during-${i}`);
      })();
      await new Promise((r) => setTimeout(r, 50));
      await b.kill9();
      running.splice(running.indexOf(b), 1);
      await writesDuringKill;
      b = await start();
      for (let i = 0; i < 40; i++) await write(i % 2 === 0 ? a : b, `after-${i}`);

      // A notification left in flight by the dead instance waits for its lease (30 s).
      await until(() => written.every((token) => receiver.seen.has(token)), 90_000);
      const missing = written.filter((token) => !receiver.seen.has(token));
      assert.deepEqual(missing, [], 'every change notified');
      // Exactly one notification per change; a delivery a kill cut short may be repeated
      // with the same notification id, nothing else.
      const duplicated = [...receiver.seen].filter(([, ids]) => ids.size > 1);
      assert.deepEqual(duplicated, [], 'no change notified by two notifications');
      assert.equal(receiver.seen.size, written.length + 5);
    });

    it('accepts writes while NATS is unreachable and notifies them once it is back', async () => {
      const proxy = await startTcpProxy({ host: '127.0.0.1', port: 4222 });
      const outageStream = `${stream}_outage`;
      // A database of its own: the instances of the other test would otherwise publish this
      // instance's logged changes (their sweep) over their own, reachable, stream.
      const ownSchema = await database.createSchema();
      const instance = await startCivis(['--database-url', ownSchema.url], {
        CIVIS_BUS_URL: `nats://127.0.0.1:${proxy.port}`,
        CIVIS_BUS_STREAM: outageStream,
      });
      running.push(instance);
      try {
        const created = await fetch(`${instance.url}/ngsi-ld/v1/subscriptions`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({
            type: 'Subscription',
            entities: [{ type: 'Gauge' }],
            notification: {
              attributes: ['n'],
              format: 'keyValues',
              endpoint: { uri: receiver.url },
            },
          }),
        });
        assert.equal(created.status, 201);
        const res = await fetch(`${instance.url}/ngsi-ld/v1/entities`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({
            id: 'urn:ngsi-ld:Gauge:1',
            type: 'Gauge',
            n: { value: 'outage-0' },
          }),
        });
        assert.equal(res.status, 201);
        await until(() => receiver.seen.has('outage-0'), 10_000);
        assert.ok(receiver.seen.has('outage-0'), 'notified before the outage');

        proxy.cut();
        const written: string[] = [];
        for (let i = 1; i <= 10; i++) {
          const patch = await fetch(
            `${instance.url}/ngsi-ld/v1/entities/urn:ngsi-ld:Gauge:1/attrs/n`,
            {
              method: 'PATCH',
              headers: json,
              body: JSON.stringify({ value: `outage-${i}` }),
            },
          );
          assert.equal(patch.status, 204, 'a write succeeds while NATS is unreachable');
          written.push(`outage-${i}`);
        }
        await new Promise((r) => setTimeout(r, 500));
        assert.ok(
          written.every((token) => !receiver.seen.has(token)),
          'nothing notified while NATS is unreachable',
        );
        proxy.restore();
        await until(() => written.every((token) => receiver.seen.has(token)), 60_000);
        assert.deepEqual(
          written.filter((token) => receiver.seen.get(token)?.size !== 1),
          [],
          'every write notified once after NATS came back',
        );
      } finally {
        await instance.stop();
        running.splice(running.indexOf(instance), 1);
        await proxy.close();
        await ownSchema.drop();
        const nc = await connect({ servers: NATS_URL });
        await (await jetstreamManager(nc)).streams.delete(outageStream).catch(() => undefined);
        await nc.close();
      }
    });
  });
}
