import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { ChangeBus } from '../../context/ports/change-bus.port.js';
import type { EntityChange } from '../../context/ports/change-log.port.js';
import { requireService } from '../../../test/support/services.js';
import { startTcpProxy, type TcpProxy } from '../../../test/support/tcp-proxy.js';
import { createNatsChangeBus, type NatsChangeBusOptions } from './nats-change-bus.js';

const HOST = '127.0.0.1';
const PORT = 4222;
const URL = `nats://${HOST}:${PORT}`;

const nats = await requireService(
  'NATS',
  () => connect({ servers: URL }).then((nc) => nc.close()),
  {
    at: `${HOST}:${PORT}`,
  },
);

// Every run has its own stream and subjects, so runs (and other suites) never meet.
const run = randomBytes(6).toString('hex');
const streamName = `CIVIS_TEST_${run}`;
const subjectPrefix = `civis-test.${run}`;

let lastSeq = 0;
function changes(count: number, tenant = ''): EntityChange[] {
  return Array.from({ length: count }, () => {
    lastSeq += 1;
    return {
      seq: lastSeq,
      tenant,
      entityId: `urn:ngsi-ld:Streetlight:${lastSeq}`,
      at: new Date(0).toISOString(),
      previous: null,
      current: {
        id: `urn:ngsi-ld:Streetlight:${lastSeq}`,
        type: ['https://uri.fiware.org/ns/data-models#Streetlight'],
        createdAt: new Date(0).toISOString(),
        modifiedAt: new Date(0).toISOString(),
        attrs: {},
      },
    };
  });
}

/** Waits (bounded) until `condition` holds; the bound is a hang guard, not a speed check. */
async function eventually(condition: () => boolean, what: string, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) assert.fail(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe(
  'createNatsChangeBus with NATS JetStream',
  { skip: !nats.available && nats.reason },
  () => {
    const buses: ChangeBus[] = [];
    function bus(options: Partial<NatsChangeBusOptions> = {}): ChangeBus {
      const created = createNatsChangeBus({
        url: URL,
        streamName,
        subjectPrefix,
        ackWaitMs: 1_000,
        retryDelayMs: 50,
        publishTimeoutMs: 2_000,
        ...options,
      });
      buses.push(created);
      return created;
    }
    let publisher: ChangeBus;

    before(() => {
      publisher = bus();
    });
    after(async () => {
      await Promise.all(buses.map((b) => b.close()));
      const nc = await connect({ servers: URL });
      await (await jetstreamManager(nc)).streams.delete(streamName).catch(() => false);
      await nc.close();
    });

    it('consume delivers published changes in publish order, whatever the tenant', async () => {
      const seen: EntityChange[] = [];
      await bus().consume('order', async (change) => {
        seen.push(change);
      });
      const sent = [...changes(5, ''), ...changes(5, 'a.b*c > d'), ...changes(5, 'valencia')];
      await publisher.publish(sent);
      await eventually(() => seen.length === sent.length, 'all changes handled');
      assert.deepEqual(seen, sent);
    });

    it('publish of a change already published is dropped as a duplicate (same seq)', async () => {
      const seen: number[] = [];
      await bus().consume('duplicates', async (change) => {
        seen.push(change.seq);
      });
      const [a, b, c, d] = changes(4) as [EntityChange, EntityChange, EntityChange, EntityChange];
      await publisher.publish([a, b, c]);
      await bus().publish([b, c, d]); // another instance's relay, after a crash
      await eventually(() => seen.includes(d.seq), 'last change handled');
      assert.deepEqual(seen, [a.seq, b.seq, c.seq, d.seq]);
    });

    it('a change larger than max_payload goes deflated; one too large even so is left out, not retried', async () => {
      const seen: EntityChange[] = [];
      await bus().consume('large', async (change) => {
        seen.push(change);
      });
      const [compressible, incompressible, after] = changes(3) as [
        EntityChange,
        EntityChange,
        EntityChange,
      ];
      const withText = (change: EntityChange, text: string): EntityChange => ({
        ...change,
        current: {
          ...(change.current as NonNullable<EntityChange['current']>),
          attrs: {
            'https://city.example.org/ns#note': [{ type: 'Property', value: text }],
          },
        },
      });
      const nc = await connect({ servers: URL });
      const maxPayload = nc.info?.max_payload ?? 1024 * 1024;
      await nc.close();
      // Three times max_payload of repetitive text, then about as much noise.
      const large = withText(compressible, 'ok '.repeat(maxPayload));
      const noise = withText(incompressible, randomBytes(2 * maxPayload).toString('base64'));
      await publisher.publish([large, noise, after]);
      await eventually(() => seen.some((c) => c.seq === after.seq), 'the change after them');
      assert.deepEqual(
        seen.map((c) => c.seq),
        [large.seq, after.seq],
      );
      assert.deepEqual(seen[0], large);
    });

    it('two instances in one group handle every change exactly once in total', async () => {
      const seenBy: [number[], number[]] = [[], []];
      await bus().consume('shared', async (change) => {
        seenBy[0].push(change.seq);
      });
      await bus().consume('shared', async (change) => {
        seenBy[1].push(change.seq);
      });
      const sent = changes(60);
      await publisher.publish(sent);
      const total = () => seenBy[0].length + seenBy[1].length;
      await eventually(() => total() >= sent.length, 'all changes handled');
      const all = [...seenBy[0], ...seenBy[1]].sort((x, y) => x - y);
      assert.deepEqual(
        all,
        sent.map((change) => change.seq),
      );
      for (const seen of seenBy)
        assert.deepEqual(
          seen,
          [...seen].sort((x, y) => x - y),
        );
    });

    it('a change whose handler rejects is delivered again, and later ones still arrive', async () => {
      const attempts: number[] = [];
      const [flaky, next] = changes(2) as [EntityChange, EntityChange];
      await bus().consume('retry', async (change) => {
        attempts.push(change.seq);
        if (change.seq === flaky.seq && attempts.filter((s) => s === flaky.seq).length < 3)
          throw new Error('database busy');
      });
      await publisher.publish([flaky, next]);
      await eventually(
        () => attempts.filter((s) => s === flaky.seq).length === 3 && attempts.includes(next.seq),
        'redeliveries',
      );
    });

    it('a group resumes after a restart with the changes published while it was away', async () => {
      const first = bus();
      const seen: number[] = [];
      const consumer = await first.consume('restart', async (change) => {
        seen.push(change.seq);
      });
      const [before, during] = [changes(1), changes(2)];
      await publisher.publish(before);
      await eventually(() => seen.length === 1, 'first change handled');
      await consumer.stop();
      await publisher.publish(during);
      await bus().consume('restart', async (change) => {
        seen.push(change.seq);
      });
      await eventually(() => seen.length === 3, 'changes published while away handled');
      assert.deepEqual(
        seen,
        [...before, ...during].map((change) => change.seq),
      );
    });

    it('a stream deleted under running instances is set up again, with its consumers', async () => {
      const lost = { streamName: `${streamName}_LOST`, subjectPrefix: `${subjectPrefix}-lost` };
      const seen: number[] = [];
      const instance = bus(lost);
      await instance.consume('lost', async (change) => {
        seen.push(change.seq);
      });
      const [first] = changes(1) as [EntityChange];
      await instance.publish([first]);
      await eventually(() => seen.length === 1, 'first change handled');
      const nc = await connect({ servers: URL });
      try {
        const jsm = await jetstreamManager(nc);
        await jsm.streams.delete(lost.streamName);
        // As the relay would, publish on; the group starts again at "now", so what was
        // published before its consumer was back is not seen: probe with new changes.
        const end = Date.now() + 5_000;
        while (seen.length === 1) {
          if (Date.now() > end) assert.fail('no change handled after the stream was lost');
          await instance.publish(changes(1)).catch(() => undefined);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await instance.close(); // or it would set the stream up again
        await jsm.streams.delete(lost.streamName);
      } finally {
        await nc.close();
      }
    });

    describe('when an instance or NATS goes away', () => {
      let proxy: TcpProxy;
      const viaProxy: ChangeBus[] = [];
      function busViaProxy(options: Partial<NatsChangeBusOptions> = {}): ChangeBus {
        const created = bus({ url: `nats://${HOST}:${proxy.port}`, ...options });
        viaProxy.push(created);
        return created;
      }
      before(async () => {
        proxy = await startTcpProxy({ host: HOST, port: PORT });
      });
      after(async () => {
        proxy.restore();
        await Promise.all(viaProxy.map((b) => b.close()));
        await proxy.close();
      });

      it('the change an instance was handling when it died goes to another instance', async () => {
        let release: () => void = () => undefined;
        const held: number[] = [];
        const doomed = busViaProxy();
        await doomed.consume('takeover', (change) => {
          held.push(change.seq);
          return new Promise<void>((resolve) => (release = resolve));
        });
        const [change] = changes(1) as [EntityChange];
        await publisher.publish([change]);
        await eventually(() => held.length === 1, 'the first instance got the change');
        const seen: number[] = [];
        await bus().consume('takeover', async (c) => {
          seen.push(c.seq);
        });
        proxy.cut(); // the first instance's link dies with it: no more acks or progress
        await eventually(() => seen.includes(change.seq), 'the other instance got it');
        release();
        await doomed.close();
        proxy.restore();
      });

      it('publish rejects during an outage and consumption resumes after it', async () => {
        const seen: number[] = [];
        const remote = busViaProxy({ publishTimeoutMs: 500 });
        await remote.consume('outage', async (change) => {
          seen.push(change.seq);
        });
        const [beforeOutage, duringOutage, afterOutage] = changes(3) as [
          EntityChange,
          EntityChange,
          EntityChange,
        ];
        await remote.publish([beforeOutage]);
        await eventually(() => seen.length === 1, 'change before the outage handled');

        proxy.cut();
        await assert.rejects(remote.publish([duringOutage]), /could not publish 1 change/);
        await publisher.publish([duringOutage]); // another instance still reaches NATS
        proxy.restore();

        // As the relay would: try again until NATS takes it.
        await eventually(() => seen.includes(duringOutage.seq), 'change from the outage handled');
        for (;;) {
          try {
            await remote.publish([afterOutage]);
            break;
          } catch {
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
        await eventually(() => seen.includes(afterOutage.seq), 'change after the outage handled');
        assert.deepEqual(seen, [beforeOutage.seq, duringOutage.seq, afterOutage.seq]);
      });
    });

    it('publish to a server that is not there rejects within its timeout; close still ends', async () => {
      const nowhere = bus({ url: `nats://${HOST}:${await closedPort()}`, publishTimeoutMs: 300 });
      await assert.rejects(nowhere.publish(changes(1)), /could not publish 1 change/);
      const consumer = await nowhere.consume('nowhere', async () => undefined);
      await consumer.stop();
      await nowhere.close();
      await assert.rejects(nowhere.publish(changes(1)), /closed/);
    });
  },
);
