import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { connectAsync, type MqttClient } from 'mqtt';
import { requireService } from '../../../test/support/services.js';
import { testFleet } from './fleet.fixtures.js';
import { createMqttPublisher } from './mqtt-publisher.js';
import { measurementTopic } from './publisher.js';

const BROKER = process.env['CIVIS_TEST_MQTT_URL'] ?? 'mqtt://127.0.0.1:1883';
const mosquitto = await requireService(
  'Mosquitto',
  () => connectAsync(BROKER, { reconnectPeriod: 0 }).then((c) => c.endAsync()),
  { at: BROKER },
);

describe(
  'createMqttPublisher with Mosquitto',
  { skip: !mosquitto.available && mosquitto.reason },
  () => {
    // A prefix of our own: topics and client ids do not meet those of other test runs.
    const prefix = `t${randomBytes(4).toString('hex')}`;
    const fleet = testFleet({ devices: 12, transport: 'mqtt', prefix });
    const received: Array<{ topic: string; payload: string }> = [];
    let subscriber: MqttClient;

    before(async () => {
      subscriber = await connectAsync(BROKER);
      subscriber.on('message', (topic, payload) =>
        received.push({ topic, payload: payload.toString() }),
      );
      const filters = fleet.groups.flatMap((g) => [
        `/${g.apikey}/+/attrs`,
        `/ul/${g.apikey}/+/attrs`,
      ]);
      await subscriber.subscribeAsync(filters, { qos: 1 });
    });
    after(() => subscriber.endAsync());

    async function waitFor(count: number) {
      for (let i = 0; i < 100 && received.length < count; i++)
        await new Promise((r) => setTimeout(r, 20));
    }

    it('createMqttPublisher in device mode connects once per device and publishes on its topics', async () => {
      received.length = 0;
      const publisher = createMqttPublisher({ url: BROKER, auth: { mode: 'device' }, qos: 1 });
      const devices = fleet.devices.slice(0, 4);
      for (const device of devices) {
        await publisher.publish(device, `{"n":1}`);
        await publisher.publish(device, `{"n":2}`);
      }
      assert.equal(publisher.connections, 4);
      await publisher.close();
      await waitFor(8);
      assert.deepEqual(
        received.map((m) => m.topic).sort(),
        devices.flatMap((d) => [measurementTopic(d), measurementTopic(d)]).sort(),
      );
    });

    it('createMqttPublisher in shared mode spreads devices over the pool, QoS 0 too', async () => {
      received.length = 0;
      const publisher = createMqttPublisher({
        url: BROKER,
        auth: { mode: 'shared', connections: 3 },
        qos: 0,
        clientIdPrefix: prefix,
      });
      await Promise.all(fleet.devices.map((device) => publisher.publish(device, 'x|1')));
      assert.equal(publisher.connections, 3);
      await publisher.close();
      await waitFor(12);
      assert.equal(received.length, 12);
      await assert.rejects(publisher.publish(fleet.devices[0]!, '{}'), /publisher closed/);
    });
  },
);

describe('createMqttPublisher without a broker', () => {
  it('createMqttPublisher fails the messages of a connection that is not accepted in time', async () => {
    // A TCP server that never answers CONNECT.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const publisher = createMqttPublisher({
      url: `mqtt://127.0.0.1:${port}`,
      auth: { mode: 'shared', connections: 1 },
      qos: 1,
      connectTimeoutMs: 200,
    });
    const fleet = testFleet({ devices: 2, transport: 'mqtt' });
    await assert.rejects(publisher.publish(fleet.devices[0]!, '{}'));
    await publisher.close();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });
});
