/**
 * `civis simulate` as a user runs it, against a stand-in of the platform's southbound side
 * (provisioning and HTTP measurements) and Mosquitto (MQTT).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { connectAsync, type MqttClient } from 'mqtt';
import {
  startFakeIotAgent,
  type FakeIotAgent,
} from '../../src/ingest/simulator/iot-agent.fixtures.js';
import { apikeyOf } from '../../src/ingest/simulator/fleet.js';
import { runCivis } from '../support/civis-process.js';
import { requireService } from '../support/services.js';

const BROKER = process.env['CIVIS_TEST_MQTT_URL'] ?? 'mqtt://127.0.0.1:1883';

function simulate(args: string[], onStderr?: (text: string) => void) {
  const child = runCivis(['simulate', ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
    onStderr?.(stderr);
  });
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, exited };
}

describe('civis simulate over HTTP', () => {
  let agent: FakeIotAgent;
  before(async () => (agent = await startFakeIotAgent()));
  after(() => agent.close());

  it('provisions the city and sends rate × duration messages, then prints a JSON summary', async () => {
    const { exited } = simulate([
      '--url',
      agent.url,
      '--transport',
      'http',
      '--devices',
      '40',
      '--rate',
      '100',
      '--duration',
      '1',
      '--seed',
      '7',
      '--prefix',
      'e2e',
    ]);
    const { code, stdout, stderr } = await exited;
    assert.equal(code, 0, stderr);
    const summary = JSON.parse(stdout) as Record<string, unknown>;
    assert.equal(summary['devices'], 40);
    assert.equal(summary['sent'], 100);
    assert.equal(summary['acked'], 100);
    assert.equal(summary['failed'], 0);
    assert.deepEqual(summary['provisioning'], {
      groupsCreated: 8,
      groupsExisting: 0,
      devicesCreated: 40,
      devicesExisting: 0,
    });
    assert.equal(agent.groups.length, 8);
    assert.equal(agent.devices.size, 40);
    assert.equal(agent.measurements.length, 100);
    const parking = apikeyOf('e2e', 7, 'parking');
    const spot = agent.measurements.find((m) => m.path.includes(`k=${parking}`))!;
    assert.match(spot.path, /^\/iot\/json\?k=e2e-parking-[0-9a-f]{8}&i=e2e-parking-\d{5}$/);
    assert.match(spot.body, /^\{"s":"(free|occupied)"\}$/);
    assert.ok(
      agent.measurements.some(
        (m) => m.path.startsWith('/iot/d?') && m.contentType === 'text/plain',
      ),
    );
  });

  it('a second run with the same seed reuses the provisioned devices', async () => {
    const { exited } = simulate([
      '--url',
      agent.url,
      '--transport',
      'http',
      '--devices',
      '40',
      '--rate',
      '50',
      '--duration',
      '0.2',
      '--seed',
      '7',
      '--prefix',
      'e2e',
    ]);
    const { code, stdout, stderr } = await exited;
    assert.equal(code, 0, stderr);
    const summary = JSON.parse(stdout) as { provisioning: Record<string, number> };
    assert.deepEqual(summary.provisioning, {
      groupsCreated: 0,
      groupsExisting: 8,
      devicesCreated: 0,
      devicesExisting: 40,
    });
  });

  it('stops cleanly on SIGINT and exits 1 when the platform refused messages', async () => {
    agent.measurementStatus = 503;
    const { child, exited } = simulate([
      '--url',
      agent.url,
      '--transport',
      'http',
      '--devices',
      '10',
      '--rate',
      '200',
      '--prefix',
      'sigint',
      '--no-provision',
    ]);
    while (agent.measurements.filter((m) => m.path.includes('sigint')).length < 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGINT');
    const { code, stdout } = await exited;
    agent.measurementStatus = 200;
    assert.equal(code, 1);
    const summary = JSON.parse(stdout) as {
      sent: number;
      failed: number;
      failures: Record<string, number>;
      inFlight: number;
    };
    assert.ok(summary.sent >= 20);
    assert.equal(summary.failed, summary.sent);
    assert.deepEqual(Object.keys(summary.failures), ['HTTP 503']);
    assert.equal(summary.inFlight, 0);
  });

  it('refuses bad options with every problem listed and exit status 2', async () => {
    const { code, stderr, stdout } = await simulate([
      '--devices',
      'many',
      '--prefix',
      'a/b',
      '--url',
      'file:///etc/passwd',
    ]).exited;
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /--devices must be a whole number/);
    assert.match(stderr, /--prefix/);
    assert.match(stderr, /--url/);
  });

  it('says when the platform refuses provisioning, with exit status 1', async () => {
    const { code, stderr } = await simulate([
      '--url',
      `${agent.url}/elsewhere`,
      '--devices',
      '8',
      '--duration',
      '1',
    ]).exited;
    assert.equal(code, 1);
    assert.match(stderr, /answered 404/);
  });
});

const mosquitto = await requireService(
  'Mosquitto',
  () => connectAsync(BROKER, { reconnectPeriod: 0 }).then((c) => c.endAsync()),
  { at: BROKER },
);

describe('civis simulate over MQTT', { skip: !mosquitto.available && mosquitto.reason }, () => {
  const prefix = `m${randomBytes(4).toString('hex')}`;
  let subscriber: MqttClient;
  const topics: string[] = [];

  before(async () => {
    subscriber = await connectAsync(BROKER);
    subscriber.on('message', (topic) => topics.push(topic));
    const apikeys = ['parking', 'streetlight', 'waste', 'water'].map((k) =>
      apikeyOf(prefix, 3, k as 'parking'),
    );
    await subscriber.subscribeAsync(
      apikeys.flatMap((k) => [`/${k}/+/attrs`, `/ul/${k}/+/attrs`]),
      { qos: 1 },
    );
  });
  after(() => subscriber.endAsync());

  it('publishes every device on its IoT Agent topic through a shared pool', async () => {
    const { code, stdout, stderr } = await simulate([
      '--mqtt-url',
      BROKER,
      '--mqtt-auth',
      'shared',
      '--mqtt-connections',
      '2',
      '--transport',
      'mqtt',
      '--devices',
      '30',
      '--rate',
      '60',
      '--duration',
      '1',
      '--seed',
      '3',
      '--prefix',
      prefix,
      '--kinds',
      'parking,streetlight,waste,water',
      '--no-provision',
    ]).exited;
    assert.equal(code, 0, stderr);
    assert.equal((JSON.parse(stdout) as { acked: number }).acked, 60);
    for (let i = 0; i < 100 && topics.length < 60; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(topics.length, 60);
    assert.ok(
      topics.some((t) => /^\/ul\/.+-streetlight-[0-9a-f]{8}\/.+-streetlight-\d{5}\/attrs$/.test(t)),
    );
    assert.ok(topics.some((t) => /^\/.+-parking-[0-9a-f]{8}\/.+-parking-\d{5}\/attrs$/.test(t)));
  });
});
