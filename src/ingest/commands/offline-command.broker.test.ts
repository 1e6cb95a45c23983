import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect as connectMqtt, connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { createLogger } from '../../platform/logging/logger.js';
import {
  createEmbeddedBrokerAgent,
  type EmbeddedBrokerAgent,
} from '../mqtt/embedded-broker.agent.js';
import { fakeRuntime, provisionedDevice, type FakeRuntime } from '../mqtt/mqtt.fixtures.js';

const lamp = provisionedDevice('lamp1', 'key1', { commands: ['switch'] });
const pump = provisionedDevice('pump1', 'key1', { commands: ['start'] });
const asLamp = { username: 'key1/lamp1', password: 'key1', clientId: 'lamp1-session' };

describe('embedded MQTT broker: commands for devices that are not connected', () => {
  let runtime: FakeRuntime;
  let agent: EmbeddedBrokerAgent;
  let url = '';

  const send = (device = lamp, command = 'switch') =>
    runtime.transports[0]?.send(device, command, 'on') ?? Promise.reject(new Error('no transport'));

  function connect(options: IClientOptions): Promise<MqttClient> {
    return connectAsync(url, { reconnectPeriod: 0, connectTimeout: 2_000, ...options });
  }

  /** The device takes `count` commands waiting in its persistent session, then leaves. */
  async function takeWaitingCommands(count: number): Promise<string[]> {
    const received: string[] = [];
    // Listening before the connection opens: aedes hands the session's commands over at once.
    const device = connectMqtt(url, { ...asLamp, clean: false, reconnectPeriod: 0 });
    const all = new Promise<void>((resolve) =>
      device.on('message', (_topic, payload) => {
        received.push(payload.toString());
        if (received.length === count) resolve();
      }),
    );
    await all;
    await device.endAsync();
    return received;
  }

  before(async () => {
    runtime = fakeRuntime([lamp, pump]);
    agent = createEmbeddedBrokerAgent({
      port: 0,
      host: '127.0.0.1',
      maxPayloadBytes: 64 * 1024,
      verifyPassword: async () => false,
      log: createLogger('silent'),
      offlineCommands: { perDevice: 2, total: 3 },
    });
    await agent.start(runtime);
    url = `mqtt://127.0.0.1:${agent.address()?.port}`;
  });

  after(() => agent.stop());

  it('send refuses a command beyond offlineCommandsPerDevice, then beyond offlineCommandsTotal', async () => {
    // A persistent session subscribed to the command topic: aedes keeps the commands for it.
    const device = await connect({ ...asLamp, clean: false });
    await device.subscribeAsync('/key1/lamp1/cmd', { qos: 1 });
    await device.endAsync();

    await send();
    await send();
    await assert.rejects(send(), {
      message:
        'Device lamp1 is not connected and already has 2 commands waiting (offlineCommandsPerDevice)',
    });
    await send(pump, 'start');
    await assert.rejects(
      send(pump, 'start'),
      /already have 3 commands waiting \(offlineCommandsTotal\)/,
    );
  });

  it('commands the device took (PUBACK) make room again', async () => {
    assert.deepEqual(await takeWaitingCommands(2), ['{"switch":"on"}', '{"switch":"on"}']);
    await send();
    await send(pump, 'start');
    await assert.rejects(send(), /offlineCommandsTotal/);
  });
});
