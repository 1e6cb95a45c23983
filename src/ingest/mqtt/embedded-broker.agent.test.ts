import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  connectAsync,
  type ErrorWithSubackPacket,
  type IClientOptions,
  type MqttClient,
} from 'mqtt';
import { ProblemDetails } from '../../ngsi-ld/problem-details.js';
import type { ServiceGroup } from '../devices/device.model.js';
import { createLogger } from '../../platform/logging/logger.js';
import { createEmbeddedBrokerAgent, type EmbeddedBrokerAgent } from './embedded-broker.agent.js';
import { fakeRuntime, provisionedDevice, type FakeRuntime } from './mqtt.fixtures.js';

const lamp = provisionedDevice('lamp1', 'key1', { commands: ['switch'] });
const ulLamp = provisionedDevice('lamp2', 'key1', { protocol: 'IoTA-UL', commands: ['switch'] });
const secret = provisionedDevice('vault', 'key2', { passwordHash: 'hash:s3cret' });
const verifyPassword = async (password: string, hash: string) => hash === `hash:${password}`;

describe('embedded MQTT broker agent', () => {
  let runtime: FakeRuntime;
  let agent: EmbeddedBrokerAgent;
  let url: string;
  const clients: MqttClient[] = [];

  async function startAgent(port = 0): Promise<void> {
    agent = createEmbeddedBrokerAgent({
      port,
      host: '127.0.0.1',
      maxPayloadBytes: 256 * 1024,
      verifyPassword,
      log: createLogger('silent'),
      retryDelaysMs: [5, 10],
    });
    await agent.start(runtime);
    url = `mqtt://127.0.0.1:${agent.address()?.port}`;
  }

  async function connect(options: IClientOptions): Promise<MqttClient> {
    const client = await connectAsync(url, {
      reconnectPeriod: 0,
      connectTimeout: 2_000,
      ...options,
    });
    clients.push(client);
    return client;
  }

  const asLamp = { username: 'key1/lamp1', password: 'key1' };

  before(async () => {
    runtime = fakeRuntime([lamp, ulLamp, secret]);
    await startAgent();
  });

  beforeEach(() => {
    runtime.sink.submitted.length = 0;
    runtime.sink.written.length = 0;
    runtime.sink.hold = false;
    runtime.sink.failWith = undefined;
    runtime.rejections.rejections.length = 0;
  });

  after(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true)));
    await agent.stop();
  });

  it('refuses a CONNECT without credentials', async () => {
    await assert.rejects(connect({}), /Bad username or password/);
    assert.deepEqual(runtime.rejections.reasons(), ['not-authorized']);
  });

  it('refuses a wrong password, an unknown device and a malformed user name', async () => {
    await assert.rejects(connect({ username: 'key1/lamp1', password: 'key2' }), /Bad username/);
    await assert.rejects(connect({ username: 'key1/ghost', password: 'key1' }), /Bad username/);
    await assert.rejects(connect({ username: 'lamp1', password: 'key1' }), /Bad username/);
    // A device with its own password does not accept the apikey.
    await assert.rejects(connect({ username: 'key2/vault', password: 'key2' }), /Bad username/);
    assert.deepEqual(runtime.rejections.reasons(), [
      'not-authorized',
      'unknown-device',
      'not-authorized',
      'not-authorized',
    ]);
    const vault = await connect({ username: 'key2/vault', password: 's3cret' });
    assert.equal(vault.connected, true);
  });

  it('refuses CONNECT with code 3 while the device registry is unreachable', async () => {
    const { directory } = runtime;
    const original = directory.findByApikey;
    directory.findByApikey = async () => {
      throw new Error('database down');
    };
    try {
      await assert.rejects(connect(asLamp), /Server unavailable/);
    } finally {
      directory.findByApikey = original;
    }
  });

  it('tells an unknown apikey from an unknown device of a known group', async () => {
    const directory = runtime.directory as typeof runtime.directory & {
      findGroupByApikey?: (apikey: string) => Promise<ServiceGroup | undefined>;
    };
    directory.findGroupByApikey = async (apikey) =>
      apikey === 'key1' ? ({ tenant: 'city' } as ServiceGroup) : undefined;
    try {
      await assert.rejects(connect({ username: 'nokey/lamp1', password: 'nokey' }), /Bad username/);
      await assert.rejects(connect({ username: 'key1/ghost', password: 'key1' }), /Bad username/);
    } finally {
      delete directory.findGroupByApikey;
    }
    assert.deepEqual(
      runtime.rejections.rejections.map((r) => [r.reason, r.tenant]),
      [
        ['unknown-apikey', undefined],
        ['unknown-device', 'city'],
      ],
    );
  });

  it('submits a JSON measurement and acknowledges QoS 1 only once the sink resolved', async () => {
    const client = await connect(asLamp);
    runtime.sink.hold = true;
    let acked = false;
    const published = client
      .publishAsync('/key1/lamp1/attrs', '{"temperature":21.5}', { qos: 1 })
      .then(() => (acked = true));
    await runtime.sink.waitForSubmitted(1);
    await sleep(50);
    assert.equal(acked, false, 'PUBACK before the write was durable');
    runtime.sink.release();
    await published;
    const [measurement] = runtime.sink.written;
    assert.deepEqual(measurement?.values, { temperature: 21.5 });
    assert.equal(measurement?.device.device.device_id, 'lamp1');
    assert.equal(measurement?.transport, 'mqtt');
  });

  it('reads UL, prefixed and single-attribute topics', async () => {
    const ul = await connect({ username: 'key1/lamp2', password: 'key1' });
    await ul.publishAsync('key1/lamp2/attrs', 't|20|h|40', { qos: 1 });
    await ul.publishAsync('/json/key1/lamp2/attrs', '{"t":21}', { qos: 1 });
    await ul.publishAsync('/key1/lamp2/attrs/t', '22', { qos: 1 });
    assert.deepEqual(
      runtime.sink.written.map((m) => ({ ...m.values })),
      [{ t: '20', h: '40' }, { t: 21 }, { t: '22' }],
    );
  });

  it('records malformed payloads and acknowledges them without closing the connection', async () => {
    const client = await connect(asLamp);
    await client.publishAsync('/key1/lamp1/attrs', '{"temperature":', { qos: 1 });
    await client.publishAsync('/ul/key1/lamp1/attrs', 't|1|h', { qos: 1 });
    await client.publishAsync('/key1/lamp1/attrs', Buffer.from([0xff, 0xfe]), { qos: 1 });
    await client.publishAsync('/key1/lamp1/status', '{}', { qos: 1 });
    assert.deepEqual(runtime.rejections.reasons(), [
      'malformed-payload',
      'malformed-payload',
      'malformed-payload',
      'topic-not-in-convention',
    ]);
    assert.equal(runtime.sink.submitted.length, 0);
    assert.equal(client.connected, true);
    await client.publishAsync('/key1/lamp1/attrs', '{"t":1}', { qos: 1 });
    assert.equal(runtime.sink.written.length, 1);
  });

  it('refuses a 1 MB payload as oversized, and closes a connection whose packet is far larger', async () => {
    const client = await connect(asLamp);
    await client.publishAsync('/key1/lamp1/attrs', Buffer.alloc(1_000_000, 0x20), { qos: 1 });
    assert.deepEqual(runtime.rejections.reasons(), ['oversized']);
    assert.equal(runtime.sink.submitted.length, 0);
    assert.equal(client.connected, true);

    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish('/key1/lamp1/attrs', Buffer.alloc(2_000_000, 0x20), { qos: 1 });
    await closed;
    assert.deepEqual(runtime.rejections.reasons(), ['oversized', 'oversized']);
    assert.equal(runtime.sink.submitted.length, 0);
  });

  it("closes the connection of a device that publishes to another device's topic", async () => {
    const client = await connect(asLamp);
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish('/key1/lamp2/attrs', '{"t":1}', { qos: 1 });
    await closed;
    assert.deepEqual(runtime.rejections.reasons(), ['not-authorized']);
    assert.equal(runtime.sink.submitted.length, 0);
  });

  it('lets a device subscribe only to its own command topic', async () => {
    const client = await connect(asLamp);
    const refusal = await client
      .subscribeAsync(['/key1/lamp1/cmd', '/key1/lamp2/cmd', '#'], { qos: 1 })
      .then(
        () => assert.fail('subscriptions to other topics were granted'),
        (error: unknown) => error as ErrorWithSubackPacket,
      );
    assert.deepEqual(refusal.packet.granted, [1, 128, 128]);
    assert.deepEqual(runtime.rejections.reasons(), ['not-authorized', 'not-authorized']);
  });

  it('does not route device messages to other clients', async () => {
    const spy = await connect({ username: 'key1/lamp2', password: 'key1' });
    await spy.subscribeAsync('/key1/lamp2/cmd', { qos: 1 });
    const received: string[] = [];
    spy.on('message', (topic) => received.push(topic));
    const client = await connect(asLamp);
    // Its own command topic is not writable by the device either.
    await client.publishAsync('/key1/lamp1/attrs', '{"t":1}', { qos: 1 });
    await sleep(50);
    assert.deepEqual(received, []);
  });

  it('delivers commands to the subscribed device only, in its payload format', async () => {
    const [transport] = runtime.transports;
    assert.equal(transport?.transport, 'MQTT');
    const json = await connect(asLamp);
    const ul = await connect({ username: 'key1/lamp2', password: 'key1' });
    await json.subscribeAsync('/key1/lamp1/cmd', { qos: 1 });
    await ul.subscribeAsync('/key1/lamp2/cmd', { qos: 1 });
    const got: Array<[string, string, string]> = [];
    json.on('message', (topic, payload) => got.push(['lamp1', topic, payload.toString()]));
    ul.on('message', (topic, payload) => got.push(['lamp2', topic, payload.toString()]));
    await transport?.send(lamp, 'switch', 'on');
    await transport?.send(ulLamp, 'switch', 'off');
    for (let i = 0; i < 100 && got.length < 2; i++) await sleep(10);
    assert.deepEqual(got.sort(), [
      ['lamp1', '/key1/lamp1/cmd', '{"switch":"on"}'],
      ['lamp2', '/key1/lamp2/cmd', 'lamp2@switch|off'],
    ]);
  });

  it('keeps another device from taking over a connection and its commands by client id', async () => {
    const victim = await connect({ ...asLamp, clientId: 'shared-id', clean: false });
    await victim.subscribeAsync('/key1/lamp1/cmd', { qos: 1 });
    let closed = false;
    victim.on('close', () => (closed = true));
    const got: string[] = [];
    victim.on('message', (_topic, payload) => got.push(payload.toString()));
    await connect({
      username: 'key1/lamp2',
      password: 'key1',
      clientId: 'shared-id',
      clean: false,
    });
    await sleep(30);
    assert.equal(closed, false);
    await runtime.transports[0]?.send(lamp, 'switch', 'on');
    for (let i = 0; i < 100 && got.length < 1; i++) await sleep(10);
    assert.deepEqual(got, ['{"switch":"on"}']);
  });

  it('hands command results (cmdexe) to acknowledgeCommand', async () => {
    runtime.acknowledged.length = 0;
    const json = await connect(asLamp);
    await json.publishAsync('/key1/lamp1/cmdexe', '{"switch":"done"}', { qos: 1 });
    const ul = await connect({ username: 'key1/lamp2', password: 'key1' });
    await ul.publishAsync('/key1/lamp2/cmdexe', 'lamp2@switch|ok', { qos: 1 });
    await ul.publishAsync('/key1/lamp2/cmdexe', 'lamp2@reboot|ok', { qos: 1 });
    assert.deepEqual(runtime.acknowledged, [
      { deviceId: 'lamp1', command: 'switch', result: 'done' },
      { deviceId: 'lamp2', command: 'switch', result: 'ok' },
    ]);
    assert.deepEqual(runtime.rejections.reasons(), ['malformed-payload']);
  });

  it('waits while the sink is saturated instead of dropping the message', async () => {
    let refusals = 2;
    runtime.sink.failWith = () =>
      refusals-- > 0
        ? new ProblemDetails({
            type: 'https://civis.city/errors/IngestSaturated',
            title: 'Ingest saturated',
            detail: 'queue full',
            status: 503,
            extras: { retryAfterSeconds: 0.01 },
          })
        : undefined;
    const client = await connect(asLamp);
    await client.publishAsync('/key1/lamp1/attrs', '{"t":7}', { qos: 1 });
    assert.equal(runtime.sink.submitted.length, 3);
    assert.deepEqual(
      runtime.sink.written.map((m) => m.values),
      [{ t: 7 }],
    );
    assert.deepEqual(runtime.rejections.reasons(), []);
  });

  it('acknowledges a measurement the sink refused (it records the refusal itself)', async () => {
    runtime.sink.failWith = () =>
      new ProblemDetails({ type: 'x', title: 'Bad', detail: 'type mismatch', status: 400 });
    const client = await connect(asLamp);
    await client.publishAsync('/key1/lamp1/attrs', '{"t":"x"}', { qos: 1 });
    assert.equal(runtime.sink.written.length, 0);
    assert.equal(client.connected, true);
  });

  it('loses no acknowledged message when it stops during a stream, and takes the rest after a restart', async () => {
    const port = agent.address()?.port as number;
    const client = await connectAsync(url, {
      ...asLamp,
      reconnectPeriod: 50,
      connectTimeout: 2_000,
    });
    clients.push(client);
    const acked = new Set<number>();
    client.on('packetreceive', (packet) => {
      if (packet.cmd === 'puback' && packet.messageId !== undefined) acked.add(packet.messageId);
    });
    const sent = new Map<number, number>();
    client.on('packetsend', (packet) => {
      if (packet.cmd === 'publish' && packet.messageId !== undefined)
        sent.set(packet.messageId, JSON.parse(packet.payload.toString()).n);
    });
    const all = Array.from({ length: 20 }, (_, n) =>
      client.publishAsync('/key1/lamp1/attrs', JSON.stringify({ n }), { qos: 1 }),
    );
    // The sink holds every write from the 6th on: those are in flight when the agent stops.
    runtime.sink.failWith = () => {
      if (runtime.sink.submitted.length > 5) runtime.sink.hold = true;
      return undefined;
    };
    await runtime.sink.waitForSubmitted(7);
    await agent.stop();
    runtime.sink.release();
    const writtenBefore = new Set(runtime.sink.written.map((m) => m.values['n']));
    assert.ok(acked.size < 20, 'some messages were still unacknowledged');
    for (const id of acked)
      assert.ok(writtenBefore.has(sent.get(id)), `message ${id} acked, not written`);

    runtime.sink.hold = false;
    runtime.sink.failWith = undefined;
    await startAgent(port);
    await Promise.all(all);
    const written = new Set(runtime.sink.written.map((m) => m.values['n']));
    assert.equal(written.size, 20);
  });
});
