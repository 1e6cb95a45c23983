import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CITY_KINDS } from './device-kinds.js';
import { parseSimulateOptions } from './simulate.options.js';
import { SimulatorError } from './simulator-error.js';

function problems(raw: Parameters<typeof parseSimulateOptions>[0]): string {
  try {
    parseSimulateOptions(raw);
  } catch (error) {
    assert.ok(error instanceof SimulatorError);
    assert.equal(error.exitCode, 2);
    return error.message;
  }
  assert.fail('expected the options to be refused');
}

describe('parseSimulateOptions', () => {
  it('parseSimulateOptions has working defaults', () => {
    const options = parseSimulateOptions({});
    assert.equal(options.url, 'http://localhost:1026');
    assert.equal(options.mqttUrl, 'mqtt://localhost:1883');
    assert.equal(options.devices, 1000);
    assert.equal(options.rate, 100);
    assert.equal(options.durationSec, undefined);
    assert.equal(options.transport, 'mixed');
    assert.deepEqual(options.kinds, [...CITY_KINDS]);
    assert.equal(options.provision, true);
    assert.equal(options.qos, 1);
    assert.deepEqual(options.mqttAuth, { mode: 'device' });
  });

  it('parseSimulateOptions reads the flags of a large run', () => {
    const options = parseSimulateOptions({
      devices: '10000',
      rate: '20000',
      duration: '60',
      transport: 'mqtt',
      seed: '42',
      kinds: 'benchmark, parking,benchmark',
      url: 'http://civis:1026/',
      provision: false,
      qos: '0',
      timeScale: '60',
    });
    assert.equal(options.devices, 10_000);
    assert.equal(options.rate, 20_000);
    assert.equal(options.durationSec, 60);
    assert.deepEqual(options.kinds, ['benchmark', 'parking']);
    assert.equal(options.url, 'http://civis:1026');
    assert.equal(options.provision, false);
    assert.equal(options.qos, 0);
    assert.equal(options.timeScale, 60);
  });

  it('parseSimulateOptions uses a shared MQTT pool when a username is given', () => {
    const options = parseSimulateOptions({
      mqttUsername: 'ingest',
      mqttPassword: 's3cret',
      mqttConnections: '4',
    });
    assert.deepEqual(options.mqttAuth, {
      mode: 'shared',
      connections: 4,
      username: 'ingest',
      password: 's3cret',
    });
    assert.match(problems({ mqttAuth: 'device', mqttUsername: 'x' }), /need --mqtt-auth shared/);
    assert.match(problems({ mqttAuth: 'root' }), /--mqtt-auth must be device or shared/);
  });

  it('parseSimulateOptions lists every bad value at once', () => {
    const message = problems({
      devices: '0',
      rate: 'fast',
      duration: '-1',
      seed: '1.5',
      transport: 'carrier-pigeon',
      kinds: 'parking,unicorns',
      timeScale: '1e9',
      qos: '2',
    });
    for (const flag of [
      '--devices',
      '--rate',
      '--duration',
      '--seed',
      '--transport',
      '--kinds',
      '--time-scale',
      '--qos',
    ])
      assert.ok(message.includes(flag), `${flag} missing from:\n${message}`);
    assert.match(message, /unknown: unicorns/);
  });

  it('parseSimulateOptions refuses URLs of other schemes', () => {
    assert.match(
      problems({ url: 'file:///etc/passwd' }),
      /--url must be a http:\/\/ or https:\/\/ URL/,
    );
    assert.match(problems({ url: 'javascript:alert(1)' }), /--url/);
    assert.match(problems({ mqttUrl: 'http://broker' }), /--mqtt-url/);
    assert.match(problems({ url: 'not a url' }), /--url/);
  });

  it('parseSimulateOptions refuses prefixes and tenants that would break topics or URLs', () => {
    for (const prefix of ['a/b', 'a+b', 'x#', '', ' ', 'é', 'a'.repeat(33), '../etc'])
      assert.match(problems({ prefix }), /--prefix/, prefix);
    for (const tenant of ['a/b', 'x y', 'a'.repeat(65)])
      assert.match(problems({ tenant }), /--tenant/);
    assert.equal(parseSimulateOptions({ tenant: 'city_1' }).tenant, 'city_1');
  });

  it('parseSimulateOptions refuses an empty or oversized number', () => {
    assert.match(problems({ devices: '' }), /--devices/);
    assert.match(problems({ devices: '1000001' }), /--devices/);
    assert.match(problems({ kinds: ',' }), /--kinds/);
  });
});
