/**
 * The simulator against the real platform: `civis simulate` provisions through the IoT Agent
 * API and sends over the embedded MQTT broker and the HTTP southbound API; the demo city of
 * `civis start` does the same in process. The entities show up in NGSI-LD queries.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCivis, startCivis, type CivisProcess } from '../support/civis-process.js';
import { freePort } from '../support/free-port.js';

async function entities(url: string, query: string): Promise<Array<Record<string, unknown>>> {
  const response = await fetch(`${url}/ngsi-ld/v1/entities?${query}`);
  assert.equal(response.status, 200);
  return (await response.json()) as Array<Record<string, unknown>>;
}

async function startPlatform(env: NodeJS.ProcessEnv = {}, args: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'civis-simulate-'));
  const mqttPort = await freePort();
  const civis = await startCivis(['--data-dir', dir, '--mqtt-port', String(mqttPort), ...args], {
    CIVIS_MQTT_HOST: '127.0.0.1',
    ...env,
  });
  return {
    civis,
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    close: async () => {
      await civis.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('civis simulate against Civis', () => {
  let platform: Awaited<ReturnType<typeof startPlatform>>;
  after(() => platform?.close());

  it('provisions the fleet and every message lands in the context, over MQTT and HTTP', async () => {
    platform = await startPlatform();
    const civis: CivisProcess = platform.civis;
    const child = runCivis([
      'simulate',
      '--url',
      civis.url,
      '--mqtt-url',
      platform.mqttUrl,
      '--devices',
      '24',
      '--rate',
      '48',
      '--duration',
      '1',
      '--seed',
      '11',
      '--prefix',
      'e2e',
    ]);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0, stderr);
    const summary = JSON.parse(stdout) as { acked: number; failed: number };
    assert.deepEqual([summary.acked, summary.failed], [48, 0]);

    const spots = await entities(civis.url, 'type=ParkingSpot&limit=100');
    assert.ok(spots.length > 0);
    const spot = spots[0] as Record<
      string,
      { value?: unknown; observedAt?: string; object?: string }
    >;
    assert.ok(['free', 'occupied'].includes(String(spot['status']?.value)));
    assert.match(String(spot['status']?.observedAt), /^\d{4}-/);
    assert.match(String(spot['refDistrict']?.object), /^urn:ngsi-ld:District:/);
    const lights = await entities(civis.url, 'type=Streetlight&limit=100&options=keyValues');
    assert.ok(lights.every((l) => ['on', 'off'].includes(String(l['powerState']))));
    // Each device reported twice (48 messages, 24 devices): every one has its readings.
    const types = [
      'ParkingSpot',
      'WasteContainer',
      'Streetlight',
      'AirQualityObserved',
      'TrafficFlowObserved',
      'WaterConsumptionObserved',
      'ThreePhaseAcMeasurement',
      'EVChargingStation',
    ];
    let total = 0;
    for (const type of types) total += (await entities(civis.url, `type=${type}&limit=100`)).length;
    assert.equal(total, 24);
    const rejections = (await (await fetch(`${civis.url}/api/ingest/rejections`)).json()) as {
      count: number;
    };
    assert.equal(rejections.count, 0);
  });

  it('devices the platform does not know are refused at CONNECT, counted, exit status 1', async () => {
    const child = runCivis([
      'simulate',
      '--url',
      platform.civis.url,
      '--mqtt-url',
      platform.mqttUrl,
      '--no-provision',
      '--transport',
      'mqtt',
      '--devices',
      '4',
      '--rate',
      '8',
      '--duration',
      '0.5',
      '--prefix',
      'ghost',
    ]);
    let stdout = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 1);
    const summary = JSON.parse(stdout) as {
      sent: number;
      acked: number;
      failed: number;
      failures: Record<string, number>;
    };
    assert.deepEqual([summary.sent, summary.acked, summary.failed], [4, 0, 4]);
    assert.match(Object.keys(summary.failures).join(), /Bad username or password|Not authorized/i);
    assert.equal((await entities(platform.civis.url, 'idPattern=ghost&limit=10')).length, 0);
  });
});

describe('the demo city of civis start', () => {
  let platform: Awaited<ReturnType<typeof startPlatform>>;
  after(() => platform?.close());

  it('fills the context with devices of every vertical', async () => {
    platform = await startPlatform({ CIVIS_DEMO: 'true' });
    const url = platform.civis.url;
    let meters: unknown[] = [];
    for (let i = 0; i < 100 && meters.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      meters = await entities(url, 'type=WaterConsumptionObserved&q=flow>=0&limit=5');
    }
    assert.ok(meters.length > 0, 'no water meter reported within 10 s');
    const devices = (await (await fetch(`${url}/iot/devices?limit=1000`)).json()) as {
      count: number;
    };
    assert.equal(devices.count, 120);
  });

  it('civis start --no-demo wins over CIVIS_DEMO=true', async () => {
    const quiet = await startPlatform({ CIVIS_DEMO: 'true' }, ['--no-demo']);
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const devices = (await (await fetch(`${quiet.civis.url}/iot/devices`)).json()) as {
        count: number;
      };
      assert.equal(devices.count, 0);
    } finally {
      await quiet.close();
    }
  });
});
