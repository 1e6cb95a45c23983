import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { connectAsync } from 'mqtt';
import type { NotificationMessage } from '../../context/ports/notification-sender.port.js';
import { DEFAULT_DENIED_NETWORKS } from '../../platform/config/network-list.js';
import { requireService } from '../../../test/support/services.js';
import { createHttpNotificationSender } from './http-notification-sender.js';
import { createMqttNotificationSender } from './mqtt-notification-sender.js';

const LOOPBACK = ['127.0.0.0/8', '::1/128'];
const message: NotificationMessage = {
  tenant: '',
  subscriptionId: 'urn:ngsi-ld:Subscription:1',
  body: '{"id":"urn:ngsi-ld:Notification:1","type":"Notification","data":[]}',
  contentType: 'application/json',
  headers: {},
};
const options = { timeoutMs: 2_000 };

describe('HTTP notifications to denied networks', () => {
  let server: Server;
  let port: number;
  let received = 0;
  before(async () => {
    server = createServer((_request, response) => {
      received += 1;
      response.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  it('send refuses, not retryable, a literal address or a host name in a denied network', async () => {
    const sender = createHttpNotificationSender({ deniedNetworks: LOOPBACK });
    for (const host of ['127.0.0.1', 'localhost']) {
      const outcome = await sender.send({ uri: `http://${host}:${port}/n` }, message, options);
      assert.equal(outcome.ok, false, host);
      assert.equal(!outcome.ok && outcome.retryable, false, host);
      assert.match(!outcome.ok ? outcome.reason : '', /notificationDeniedNetworks/);
    }
    assert.equal(received, 0);
    assert.match(
      sender.validate?.({ uri: `http://127.0.0.1:${port}/n` }) ?? '',
      /notificationDeniedNetworks/,
    );
    await sender.close();
  });

  it('send reaches a host name outside the denied networks (checked after DNS)', async () => {
    const sender = createHttpNotificationSender({ deniedNetworks: [...DEFAULT_DENIED_NETWORKS] });
    const outcome = await sender.send({ uri: `http://localhost:${port}/n` }, message, options);
    assert.deepEqual(outcome, { ok: true });
    assert.equal(received, 1);
    const metadata = await sender.send({ uri: 'http://169.254.169.254/latest' }, message, options);
    assert.equal(!metadata.ok && metadata.retryable, false);
    await sender.close();
  });
});

describe('MQTT notifications to denied networks', () => {
  it('send refuses, not retryable, a literal broker address or a host name in a denied network', async () => {
    const sender = createMqttNotificationSender({ deniedNetworks: LOOPBACK });
    for (const host of ['127.0.0.1', 'localhost']) {
      const outcome = await sender.send({ uri: `mqtt://${host}:1883/civis/t` }, message, options);
      assert.equal(!outcome.ok && outcome.retryable, false, host);
      assert.match(!outcome.ok ? outcome.reason : '', /notificationDeniedNetworks/, host);
    }
    await sender.close();
  });
});

const BROKER = process.env['CIVIS_TEST_MQTT_URL'] ?? 'mqtt://127.0.0.1:1883';
const mosquitto = await requireService(
  'Mosquitto',
  () => connectAsync(BROKER).then((c) => c.endAsync()),
  { at: BROKER },
);

describe(
  'MQTT notifications outside the denied networks',
  { skip: !mosquitto.available && mosquitto.reason },
  () => {
    it('send publishes to a broker named by host name (its address checked after DNS)', async () => {
      const sender = createMqttNotificationSender({ deniedNetworks: [...DEFAULT_DENIED_NETWORKS] });
      const broker = new URL(BROKER);
      const host = broker.hostname === '127.0.0.1' ? 'localhost' : broker.hostname;
      const outcome = await sender.send(
        { uri: `mqtt://${host}:${broker.port || '1883'}/civis-test/guard` },
        message,
        options,
      );
      assert.deepEqual(outcome, { ok: true });
      await sender.close();
    });
  },
);
