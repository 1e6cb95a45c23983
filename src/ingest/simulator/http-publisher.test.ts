import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testFleet } from './fleet.fixtures.js';
import { createHttpPublisher, HttpPublishError } from './http-publisher.js';
import { startFakeIotAgent, type FakeIotAgent } from './iot-agent.fixtures.js';
import { measurementPath, measurementTopic } from './publisher.js';

const fleet = testFleet({ devices: 20, transport: 'http' });
const json = fleet.devices.find((d) => d.kind.protocol === 'IoTA-JSON')!;
const ul = fleet.devices.find((d) => d.kind.protocol === 'IoTA-UL')!;

describe('southbound addresses', () => {
  it('measurementTopic and measurementPath follow the IoT Agent conventions', () => {
    assert.equal(measurementTopic(json), `/${json.apikey}/${json.deviceId}/attrs`);
    assert.equal(measurementTopic(ul), `/ul/${ul.apikey}/${ul.deviceId}/attrs`);
    assert.equal(measurementPath(json), `/iot/json?k=${json.apikey}&i=${json.deviceId}`);
    assert.equal(measurementPath(ul), `/iot/d?k=${ul.apikey}&i=${ul.deviceId}`);
  });
});

describe('createHttpPublisher', () => {
  let agent: FakeIotAgent;
  before(async () => (agent = await startFakeIotAgent()));
  after(() => agent.close());

  it('createHttpPublisher posts JSON and UltraLight payloads with their content types', async () => {
    const publisher = createHttpPublisher({ baseUrl: agent.url, connections: 2 });
    await publisher.publish(json, '{"s":"free"}');
    await publisher.publish(ul, 'p|on|l|1|w|60');
    await publisher.close();
    assert.deepEqual(agent.measurements, [
      { path: measurementPath(json), contentType: 'application/json', body: '{"s":"free"}' },
      { path: measurementPath(ul), contentType: 'text/plain', body: 'p|on|l|1|w|60' },
    ]);
  });

  it('createHttpPublisher rejects a message the platform refuses, with the status', async () => {
    agent.measurementStatus = 503;
    const publisher = createHttpPublisher({ baseUrl: agent.url });
    await assert.rejects(publisher.publish(json, '{}'), (error: unknown) => {
      assert.ok(error instanceof HttpPublishError);
      assert.equal(error.status, 503);
      assert.equal(error.message, 'HTTP 503');
      return true;
    });
    await publisher.close();
    agent.measurementStatus = 200;
  });
});
