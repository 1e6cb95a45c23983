import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { testFleet } from './fleet.fixtures.js';
import { startFakeIotAgent, type FakeIotAgent } from './iot-agent.fixtures.js';
import { provisionFleet } from './provisioning.client.js';
import { SimulatorError } from './simulator-error.js';

describe('provisionFleet', () => {
  let agent: FakeIotAgent;
  before(async () => (agent = await startFakeIotAgent()));
  after(() => agent.close());

  it('provisionFleet creates a group per kind and every device in batches', async () => {
    const fleet = testFleet({ devices: 120 });
    const progress: number[] = [];
    const result = await provisionFleet(fleet, {
      baseUrl: `${agent.url}/`,
      batchSize: 50,
      onProgress: (done) => progress.push(done),
    });
    assert.deepEqual(result, {
      groupsCreated: 8,
      groupsExisting: 0,
      devicesCreated: 120,
      devicesExisting: 0,
    });
    assert.deepEqual(progress, [50, 100, 120]);
    const water = agent.groups.find((g) => g['entity_type'] === 'WaterConsumptionObserved');
    assert.deepEqual(water, {
      apikey: fleet.groups.find((g) => g.kind.name === 'water')!.apikey,
      entity_type: 'WaterConsumptionObserved',
      resource: '/iot/d',
      protocol: 'IoTA-UL',
      attributes: [
        { object_id: 'f', name: 'flow', type: 'Number', unitCode: 'E32' },
        { object_id: 'c', name: 'waterConsumption', type: 'Number', unitCode: 'MTQ' },
      ],
    });
    const device = fleet.devices[0]!;
    assert.deepEqual(agent.devices.get(device.deviceId), {
      device_id: device.deviceId,
      entity_name: device.entityId,
      entity_type: device.kind.entityType,
      apikey: device.apikey,
      transport: device.transport,
      protocol: device.kind.protocol,
      static_attributes: JSON.parse(JSON.stringify(device.staticAttributes)),
    });
    assert.equal(agent.provisioningHeaders[0]?.['fiware-service'], undefined);
    assert.equal(agent.provisioningHeaders[0]?.['fiware-servicepath'], '/');
  });

  it('provisionFleet keeps what exists and creates the rest one by one', async () => {
    const fleet = testFleet({ devices: 150 });
    const result = await provisionFleet(fleet, { baseUrl: agent.url, batchSize: 100 });
    assert.deepEqual(result, {
      groupsCreated: 0,
      groupsExisting: 8,
      devicesCreated: 30,
      devicesExisting: 120,
    });
    assert.equal(agent.devices.size, 150);
  });

  it('provisionFleet sends the tenant as the FIWARE service', async () => {
    const fleet = testFleet({ devices: 8, prefix: 'tenant' });
    agent.provisioningHeaders.length = 0;
    await provisionFleet(fleet, { baseUrl: agent.url, tenant: 'city_1' });
    for (const headers of agent.provisioningHeaders)
      assert.equal(headers['fiware-service'], 'city_1');
  });

  it('provisionFleet reports a refusal with the status and the answer', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ title: 'Bad request', detail: 'attributes[0].type unknown' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await assert.rejects(
        provisionFleet(testFleet({ devices: 8 }), { baseUrl: url }),
        (error: unknown) => {
          assert.ok(error instanceof SimulatorError);
          assert.match(
            error.message,
            /POST .*\/iot\/services answered 400: .*attributes\[0\]\.type unknown/,
          );
          return true;
        },
      );
    } finally {
      server.close();
    }
  });

  it('provisionFleet says when the platform has no provisioning API', async () => {
    await assert.rejects(
      provisionFleet(testFleet({ devices: 8 }), { baseUrl: `${agent.url}/nothing-here` }),
      /answered 404.*IoT Agent provisioning API/,
    );
  });

  it('provisionFleet says when the platform cannot be reached', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await assert.rejects(
      provisionFleet(testFleet({ devices: 8 }), { baseUrl: `http://127.0.0.1:${port}` }),
      (error: unknown) => error instanceof SimulatorError && /failed/.test(error.message),
    );
  });
});
