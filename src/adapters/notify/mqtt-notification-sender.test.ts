import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { connectAsync, type IPublishPacket, type MqttClient } from 'mqtt';
import type {
  NotificationEndpoint,
  NotificationMessage,
} from '../../context/ports/notification-sender.port.js';
import { requireService } from '../../../test/support/services.js';
import { createMqttNotificationSender } from './mqtt-notification-sender.js';

const BROKER = process.env['CIVIS_TEST_MQTT_URL'] ?? 'mqtt://127.0.0.1:1883';
const LINK =
  '<https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.9.jsonld>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"';
const notification = {
  id: 'urn:ngsi-ld:Notification:7',
  type: 'Notification',
  subscriptionId: 'urn:ngsi-ld:Subscription:1',
  notifiedAt: '2026-11-24T20:00:00.000Z',
  data: [{ id: 'urn:ngsi-ld:Streetlight:42', type: 'Streetlight', powerState: 'on' }],
};
const message: NotificationMessage = {
  tenant: 'valencia',
  subscriptionId: 'urn:ngsi-ld:Subscription:1',
  body: JSON.stringify(notification),
  contentType: 'application/json',
  headers: { Link: LINK, 'NGSILD-Tenant': 'valencia' },
};

const mosquitto = await requireService(
  'Mosquitto',
  () => connectAsync(BROKER).then((c) => c.endAsync()),
  {
    at: BROKER,
  },
);

describe(
  'createMqttNotificationSender with Mosquitto',
  { skip: !mosquitto.available && mosquitto.reason },
  () => {
    const sender = createMqttNotificationSender();
    const prefix = `civis-test/${randomUUID()}`;
    const received: IPublishPacket[] = [];
    let subscriber: MqttClient;

    before(async () => {
      subscriber = await connectAsync(BROKER);
      subscriber.on('message', (_topic, _payload, packet) => received.push(packet));
      await subscriber.subscribeAsync(`${prefix}/#`, { qos: 2 });
    });
    after(async () => {
      await sender.close();
      await subscriber.endAsync();
    });

    async function nextMessage(topic: string): Promise<IPublishPacket> {
      for (;;) {
        const packet = received.find((p) => p.topic === topic);
        if (packet !== undefined) return packet;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }

    it('send publishes {metadata, body} to the topic of the URI (NGSI-LD 7.2)', async () => {
      const outcome = await sender.send(
        {
          uri: `${BROKER}/${prefix}/streetlights`,
          receiverInfo: [{ key: 'H1', value: '123' }],
          notifierInfo: [{ key: 'MQTT-QoS', value: '1' }],
        },
        message,
        { timeoutMs: 5_000 },
      );
      assert.deepEqual(outcome, { ok: true });
      const packet = await nextMessage(`${prefix}/streetlights`);
      assert.equal(packet.qos, 1);
      assert.deepEqual(JSON.parse(packet.payload.toString()), {
        metadata: {
          'Content-Type': 'application/json',
          Link: LINK,
          'NGSILD-Tenant': 'valencia',
          H1: '123',
        },
        body: notification,
      });
    });

    it('send publishes with QoS 2 over MQTT 3.1.1 when notifierInfo asks', async () => {
      const outcome = await sender.send(
        {
          uri: `${BROKER}/${prefix}/v311`,
          notifierInfo: [
            { key: 'MQTT-QoS', value: '2' },
            { key: 'MQTT-Version', value: 'mqtt3.1.1' },
          ],
        },
        { ...message, contentType: 'application/ld+json', headers: {} },
        { timeoutMs: 5_000 },
      );
      assert.deepEqual(outcome, { ok: true });
      const packet = await nextMessage(`${prefix}/v311`);
      assert.equal(packet.qos, 2);
      const payload = JSON.parse(packet.payload.toString()) as { metadata: unknown };
      assert.deepEqual(payload.metadata, { 'Content-Type': 'application/ld+json' });
    });

    it('send publishes with QoS 0 by default, to the URL-decoded topic', async () => {
      const outcome = await sender.send({ uri: `${BROKER}/${prefix}/caf%C3%A9%20bar/x` }, message, {
        timeoutMs: 5_000,
      });
      assert.deepEqual(outcome, { ok: true });
      const packet = await nextMessage(`${prefix}/café bar/x`);
      assert.equal(packet.qos, 0);
    });

    it('send refuses bad notifierInfo and topics with wildcards, publishing nothing', async () => {
      const cases: Array<[NotificationEndpoint, RegExp]> = [
        [
          { uri: `${BROKER}/${prefix}/q`, notifierInfo: [{ key: 'MQTT-QoS', value: '3' }] },
          /MQTT-QoS/,
        ],
        [
          { uri: `${BROKER}/${prefix}/q`, notifierInfo: [{ key: 'MQTT-Version', value: '3' }] },
          /MQTT-Version/,
        ],
        [{ uri: `${BROKER}/${prefix}/%23` }, /wildcards/],
        [{ uri: `${BROKER}/${prefix}/+/x` }, /wildcards/],
        [{ uri: BROKER }, /no topic/],
        [{ uri: `${BROKER}/${prefix}/%FF` }, /UTF-8/],
      ];
      for (const [endpoint, problem] of cases) {
        const outcome = await sender.send(endpoint, message, { timeoutMs: 1_000 });
        assert.equal(outcome.ok, false);
        assert.equal(!outcome.ok && outcome.retryable, false);
        assert.match(!outcome.ok ? outcome.reason : '', problem);
      }
    });
  },
);

describe('createMqttNotificationSender without a working broker', () => {
  const sender = createMqttNotificationSender({ reconnectPeriodMs: 100 });
  const servers: Server[] = [];
  const sockets = new Set<Socket>();

  async function listen(onConnection: (socket: Socket) => void): Promise<number> {
    const server = createServer((socket) => {
      sockets.add(socket);
      onConnection(socket);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  after(async () => {
    await sender.close();
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('send reports a broker that is down as retryable', async () => {
    const port = await listen(() => undefined);
    await new Promise((resolve) => servers.pop()?.close(resolve));
    const outcome = await sender.send({ uri: `mqtt://127.0.0.1:${port}/t` }, message, {
      timeoutMs: 5_000,
    });
    assert.equal(outcome.ok, false);
    assert.equal(!outcome.ok && outcome.retryable, true);
    assert.match(!outcome.ok ? outcome.reason : '', /ECONNREFUSED|not delivered/);
  });

  it('send gives up after timeoutMs on a broker that never answers CONNECT', async () => {
    const port = await listen(() => undefined);
    const outcome = await sender.send({ uri: `mqtt://127.0.0.1:${port}/t` }, message, {
      timeoutMs: 200,
    });
    assert.deepEqual(outcome, {
      ok: false,
      retryable: true,
      reason: 'not delivered to the broker within 200 ms',
    });
  });

  it('send reports a broker refusing the credentials as not retryable', async () => {
    // CONNACK of MQTT 3.1.1 with return code 5 (not authorised), whatever the CONNECT said.
    const port = await listen((socket) =>
      socket.once('data', () => socket.write(Buffer.from([0x20, 2, 0, 5]))),
    );
    const endpoint = {
      uri: `mqtt://mallory:guess@127.0.0.1:${port}/t`,
      notifierInfo: [{ key: 'MQTT-Version', value: 'mqtt3.1.1' }],
    };
    const outcome = await sender.send(endpoint, message, { timeoutMs: 5_000 });
    assert.equal(outcome.ok, false);
    assert.equal(!outcome.ok && outcome.retryable, false);
    assert.match(!outcome.ok ? outcome.reason : '', /refused/);
  });

  it('send after close is a retryable failure', async () => {
    const closing = createMqttNotificationSender();
    await closing.close();
    const outcome = await closing.send({ uri: 'mqtt://127.0.0.1/t' }, message, { timeoutMs: 100 });
    assert.deepEqual(outcome, { ok: false, retryable: true, reason: 'the MQTT sender is closed' });
  });
});
