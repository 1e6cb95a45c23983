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

  /** A runtime with devices of a fresh apikey, and an agent factory on a fresh session. */
  function setUp(t: TestContext, options: { devices?: number; maxInFlight?: number } = {}) {
    const apikey = `k${randomUUID().slice(0, 8)}`;
    const device = provisionedDevice('dev1', apikey, { commands: ['switch'] });
    const others = Array.from({ length: (options.devices ?? 1) - 1 }, (_, i) =>
      provisionedDevice(`dev${i + 2}`, apikey),
    );
    const runtime: FakeRuntime = fakeRuntime([device, ...others]);
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
        ...(options.maxInFlight === undefined ? {} : { maxInFlight: options.maxInFlight }),
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
    // Devices are handled concurrently: only one device's messages keep their order.
    assert.deepEqual([...runtime.rejections.reasons()].sort(), [
      'malformed-payload',
      'oversized',
      'unknown-device',
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

  it('handles devices at once up to maxInFlight, each device in order (bounded memory under overload)', async (t) => {
    if (skip) return t.skip(skip);
    const { apikey, runtime, agent } = setUp(t, { devices: 3, maxInFlight: 2 });
    await agent().start(runtime);
    runtime.sink.hold = true;
    for (let n = 0; n < 10; n++)
      for (const id of ['dev1', 'dev2', 'dev3'])
        await publisher?.publishAsync(`/${apikey}/${id}/attrs`, JSON.stringify({ n }), {
          qos: 1,
        });
    await runtime.sink.waitForSubmitted(2);
    // Two messages of two devices wait for the sink; mqtt.js hands over nothing more (the
    // third device's first message waits in it), and reads its socket no more.
    await sleep(50);
    assert.equal(runtime.sink.submitted.length, 2);
    assert.deepEqual(
      runtime.sink.submitted.map((m) => m.device.device.device_id),
      ['dev1', 'dev2'],
    );
    runtime.sink.hold = false;
    runtime.sink.release();
    await until(() => runtime.sink.written.length === 30, 'all 30 measurements');
    for (const id of ['dev1', 'dev2', 'dev3'])
      assert.deepEqual(
        runtime.sink.written
          .filter((m) => m.device.device.device_id === id)
          .map((m) => m.values['n']),
        Array.from({ length: 10 }, (_, n) => n),
        `${id} in order`,
      );
  });

  it("keeps one device's messages in order while its writes take different times", async (t) => {
    if (skip) return t.skip(skip);
    const { apikey, runtime, agent } = setUp(t);
    await agent().start(runtime);
    const submit = runtime.sink.submit.bind(runtime.sink);
    // Even messages take longer: handled all at once, odd ones would overtake them.
    runtime.sink.submit = async (measurement) => {
      if ((measurement.values['n'] as number) % 2 === 0) await sleep(20);
      return submit(measurement);
    };
    for (let n = 0; n < 10; n++)
      await publisher?.publishAsync(`/${apikey}/dev1/attrs`, JSON.stringify({ n }), {
        qos: n % 3 === 0 ? 0 : 1,
      });
    await until(() => runtime.sink.written.length === 10, 'all 10 measurements');
    assert.deepEqual(
      runtime.sink.written.map((m) => m.values['n']),
      Array.from({ length: 10 }, (_, n) => n),
    );
  });

  it('goes on with a window of one message', async (t) => {
    if (skip) return t.skip(skip);
    const { apikey, runtime, agent } = setUp(t, { devices: 2, maxInFlight: 1 });
    await agent().start(runtime);
    for (let n = 0; n < 6; n++)
      await publisher?.publishAsync(`/${apikey}/dev${(n % 2) + 1}/attrs`, JSON.stringify({ n }), {
        qos: 1,
      });
    await until(() => runtime.sink.written.length === 6, 'all 6 measurements');
  });

  it('acknowledges in the order messages came: one handled after a pending one is not acknowledged', async (t) => {
    if (skip) return t.skip(skip);
    const { apikey, runtime, agent } = setUp(t, { devices: 2 });
    const first = agent();
    await first.start(runtime);
    // dev1's message waits for the sink; dev2's, published after it, is written.
    runtime.sink.failWith = (measurement) => {
      runtime.sink.hold = measurement.device.device.device_id === 'dev1';
      return undefined;
    };
    await publisher?.publishAsync(`/${apikey}/dev1/attrs`, '{"n":1}', { qos: 1 });
    await publisher?.publishAsync(`/${apikey}/dev2/attrs`, '{"n":2}', { qos: 1 });
    await until(() => runtime.sink.written.length === 1, "dev2's measurement");
    await first.stop();
    runtime.sink.failWith = undefined;
    runtime.sink.hold = false;
    runtime.sink.release();

    // Neither was acknowledged: both come again.
    await agent().start(runtime);
    await until(() => runtime.sink.written.length === 4, 'both measurements again');
    assert.deepEqual(
      runtime.sink.written
        .map((m) => `${m.device.device.device_id}:${String(m.values['n'])}`)
        .sort(),
      ['dev1:1', 'dev1:1', 'dev2:2', 'dev2:2'],
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
