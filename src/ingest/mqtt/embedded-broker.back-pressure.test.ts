/**
 * The embedded broker's global back-pressure (issue #4): with the sink saturated, it takes
 * no more messages off the device connections than its permits allow, then every message
 * once the sink accepts again, over the same connections.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectAsync, type MqttClient } from 'mqtt';
import { createLogger } from '../../platform/logging/logger.js';
import { createEmbeddedBrokerAgent } from './embedded-broker.agent.js';
import { fakeRuntime, provisionedDevice } from './mqtt.fixtures.js';

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; !condition(); i++) {
    if (i === 500) assert.fail(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const DEVICES = ['d1', 'd2', 'd3'];
const PERMITS = 5;
const MESSAGES_PER_DEVICE = 300;

describe('embedded MQTT broker back-pressure', () => {
  it('stops reading device connections while the sink is saturated, and takes every message once it accepts again', async (t) => {
    const runtime = fakeRuntime(DEVICES.map((id) => provisionedDevice(id, 'key')));
    const agent = createEmbeddedBrokerAgent({
      port: 0,
      host: '127.0.0.1',
      maxPayloadBytes: 1024,
      verifyPassword: async () => false,
      log: createLogger('silent'),
      maxPendingMessages: PERMITS,
    });
    await agent.start(runtime);
    const clients: MqttClient[] = [];
    t.after(async () => {
      await Promise.all(clients.map((client) => client.endAsync(true)));
      await agent.stop();
    });
    const url = `mqtt://127.0.0.1:${agent.address()?.port}`;
    for (const id of DEVICES)
      clients.push(
        await connectAsync(url, { username: `key/${id}`, password: 'key', reconnectPeriod: 0 }),
      );
    let acked = 0;
    for (const client of clients)
      client.on('packetreceive', (packet) => void (packet.cmd === 'puback' && acked++));

    runtime.sink.hold = true;
    const published = clients.flatMap((client, c) =>
      Array.from({ length: MESSAGES_PER_DEVICE }, (_, n) =>
        client.publishAsync(`/key/${DEVICES[c]}/attrs`, JSON.stringify({ n }), { qos: 1 }),
      ),
    );
    await until(
      () => agent.backlog().waitingConnections === DEVICES.length,
      'every connection to wait for a permit',
    );
    await runtime.sink.waitForSubmitted(PERMITS);
    // However long the sink stays saturated, no connection gets another message through.
    await sleep(50);
    assert.equal(runtime.sink.submitted.length, PERMITS);
    assert.deepEqual(agent.backlog(), { messages: PERMITS, waitingConnections: DEVICES.length });
    assert.equal(acked, 0);

    runtime.sink.hold = false;
    runtime.sink.release();
    await Promise.all(published);
    assert.equal(acked, DEVICES.length * MESSAGES_PER_DEVICE);
    for (const id of DEVICES) {
      const numbers = runtime.sink.written
        .filter((m) => m.device.device.device_id === id)
        .map((m) => m.values['n'] as number);
      assert.equal(new Set(numbers).size, MESSAGES_PER_DEVICE, `every message of ${id} written`);
    }
    assert.ok(clients.every((client) => client.connected));
    assert.deepEqual(agent.backlog(), { messages: 0, waitingConnections: 0 });
  });
});
