/**
 * The external broker agent against the real Mosquitto (127.0.0.1:1883; required under
 * CI=true). Every test uses its own apikey, client id and shared subscription group, and
 * removes its persistent session at the end.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectAsync, type MqttClient } from 'mqtt';
import { requireService } from '../../../test/support/services.js';
import { createLogger } from '../../platform/logging/logger.js';
import type { DeviceAgent } from '../ingest.types.js';
import { createExternalBrokerAgent } from './external-broker.agent.js';
import { fakeRuntime, provisionedDevice, type FakeRuntime } from './mqtt.fixtures.js';

const MOSQUITTO = 'mqtt://127.0.0.1:1883';

async function until(condition: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('external MQTT broker agent (Mosquitto)', () => {
  let skip: string | undefined;
  let publisher: MqttClient | undefined;

  before(async () => {
    const availability = await requireService(
      'Mosquitto',
      async () => (await connectAsync(MOSQUITTO, { reconnectPeriod: 0 })).endAsync(),
      { at: '127.0.0.1:1883' },
    );
    if (!availability.available) skip = availability.reason;
    else publisher = await connectAsync(MOSQUITTO, { reconnectPeriod: 0 });
  });

  after(async () => {
    await publisher?.endAsync();
  });

  /** A runtime with one device of a fresh apikey, and an agent factory on a fresh session. */
  function setUp(t: TestContext) {
    const apikey = `k${randomUUID().slice(0, 8)}`;
    const device = provisionedDevice('dev1', apikey, { commands: ['switch'] });
    const runtime: FakeRuntime = fakeRuntime([device]);
    const clientId = `civis-test-${randomUUID().slice(0, 8)}`;
    const group = `g${randomUUID().slice(0, 8)}`;
    const agents: DeviceAgent[] = [];
    const agent = () => {
      const created = createExternalBrokerAgent({
        url: MOSQUITTO,
        clientId,
        sharedGroup: group,
        maxPayloadBytes: 1024,
        log: createLogger('silent'),
        connectTimeoutMs: 3_000,
        reconnectPeriodMs: 100,
        retryDelaysMs: [5, 10],
      });
      agents.push(created);
      return created;
    };
    t.after(async () => {
      for (const created of agents) await created.stop();
      // Removes the persistent session this test left in Mosquitto.
      const cleaner = await connectAsync(MOSQUITTO, { clientId, clean: true, reconnectPeriod: 0 });
      await cleaner.endAsync();
    });
    return { apikey, device, runtime, agent };
  }

  it('takes measurements of provisioned devices and records the others', async (t) => {
    if (skip) return t.skip(skip);
    const { apikey, runtime, agent } = setUp(t);
    await agent().start(runtime);
    await publisher?.publishAsync(`/${apikey}/dev1/attrs`, '{"t":1}', { qos: 1 });
    await publisher?.publishAsync(`${apikey}/dev1/attrs/h`, '40', { qos: 1 });
    await publisher?.publishAsync(`/json/${apikey}/dev1/attrs`, '{"t":', { qos: 1 });
    await publisher?.publishAsync(`/${apikey}/ghost/attrs`, '{"t":1}', { qos: 1 });
    await publisher?.publishAsync(`/${apikey}/dev1/attrs`, 'x'.repeat(2_000), { qos: 1 });
    await until(() => runtime.rejections.rejections.length === 3, 'three rejections');
    assert.deepEqual(
      runtime.sink.written.map((m) => m.values),
      [{ t: 1 }, { h: 40 }],
    );
    assert.deepEqual(runtime.rejections.reasons(), [
      'malformed-payload',
      'unknown-device',
      'oversized',
    ]);
  });

  it('hands command results to acknowledgeCommand and publishes commands', async (t) => {
    if (skip) return t.skip(skip);
    const { apikey, device, runtime, agent } = setUp(t);
    await agent().start(runtime);
    const received: string[] = [];
    const deviceClient = await connectAsync(MOSQUITTO, { reconnectPeriod: 0 });
    t.after(() => deviceClient.endAsync());
    await deviceClient.subscribeAsync(`/${apikey}/dev1/cmd`, { qos: 1 });
    deviceClient.on('message', (_topic, payload) => received.push(payload.toString()));
    await runtime.transports[0]?.send(device, 'switch', 'on');
    await until(() => received.length === 1, 'the command');
    assert.deepEqual(received, ['{"switch":"on"}']);
    await deviceClient.publishAsync(`/${apikey}/dev1/cmdexe`, '{"switch":"done"}', { qos: 1 });
    await until(() => runtime.acknowledged.length === 1, 'the command result');
    assert.deepEqual(runtime.acknowledged, [
      { deviceId: 'dev1', command: 'switch', result: 'done' },
    ]);
  });

  it('does not acknowledge a message before the sink resolved: it comes again after a restart', async (t) => {
    if (skip) return t.skip(skip);
    const { apikey, runtime, agent } = setUp(t);
    const first = agent();
    await first.start(runtime);
    runtime.sink.hold = true;
    await publisher?.publishAsync(`/${apikey}/dev1/attrs`, '{"n":1}', { qos: 1 });
    await runtime.sink.waitForSubmitted(1);
    await first.stop();
    runtime.sink.hold = false;
    runtime.sink.release();

    await agent().start(runtime);
    await runtime.sink.waitForSubmitted(2);
    assert.deepEqual(
      runtime.sink.submitted.map((m) => m.values),
      [{ n: 1 }, { n: 1 }],
    );
  });

  it('takes no further message while one waits for the sink (bounded memory under overload)', async (t) => {
    if (skip) return t.skip(skip);
    const { apikey, runtime, agent } = setUp(t);
    await agent().start(runtime);
    runtime.sink.hold = true;
    await Promise.all(
      Array.from({ length: 50 }, (_, n) =>
        publisher?.publishAsync(`/${apikey}/dev1/attrs`, JSON.stringify({ n }), { qos: 1 }),
      ),
    );
    await runtime.sink.waitForSubmitted(1);
    // mqtt.js hands over nothing more until the message settled, and reads its socket no more.
    await sleep(50);
    assert.equal(runtime.sink.submitted.length, 1);
    runtime.sink.hold = false;
    runtime.sink.release();
    await until(() => runtime.sink.written.length === 50, 'all 50 measurements');
    assert.deepEqual(
      runtime.sink.written.map((m) => m.values['n']),
      Array.from({ length: 50 }, (_, n) => n),
    );
  });

  it('loses nothing of a stream when the agent stops in the middle of it', async (t) => {
    if (skip) return t.skip(skip);
    const { apikey, runtime, agent } = setUp(t);
    const first = agent();
    await first.start(runtime);
    runtime.sink.failWith = () => {
      if (runtime.sink.submitted.length > 5) runtime.sink.hold = true;
      return undefined;
    };
    await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        publisher?.publishAsync(`/${apikey}/dev1/attrs`, JSON.stringify({ n }), { qos: 1 }),
      ),
    );
    await runtime.sink.waitForSubmitted(6);
    await first.stop();
    runtime.sink.failWith = undefined;
    runtime.sink.hold = false;
    runtime.sink.release();

    await agent().start(runtime);
    await until(
      () => new Set(runtime.sink.written.map((m) => m.values['n'])).size === 20,
      'all 20 measurements',
    );
  });
});
