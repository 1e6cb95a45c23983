import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CORE_JSON_LD_CONTEXT } from '../ngsi-ld/context/json-ld-context-impl.js';
import type { ParsedEntity } from '../ngsi-ld/entity/operations/index.js';
import { createLogger } from '../platform/logging/logger.js';
import type { ProvisionedDevice } from './devices/device.model.js';
import { createIngestRuntime } from './ingest-runtime.js';
import type { DeviceAgent } from './ingest.types.js';

function setup() {
  const writes: Array<{ tenant: string; input: ParsedEntity }> = [];
  const handle = createIngestRuntime({
    entities: {
      async batchUpsert(tenant, items) {
        for (const item of items) if ('input' in item) writes.push({ tenant, input: item.input });
        return { success: items.map((i) => i.id), errors: [], created: [] };
      },
      retrieveEntity: async () => assert.fail('no entity is read'),
    },
    contexts: { resolve: async () => CORE_JSON_LD_CONTEXT },
    directory: {
      findByApikey: async () => undefined,
      findByDevEui: async () => undefined,
      findCommandDevice: async () => undefined,
      listAll: async () => [],
    },
    clock: () => new Date('2024-05-01T00:00:00Z'),
    log: createLogger('silent'),
    settings: { capacity: 10, batchSize: 10, lingerMs: 1 },
  });
  return { handle, writes };
}

const lamp: ProvisionedDevice = {
  device: {
    tenant: 'city',
    servicePath: '/',
    device_id: 'lamp1',
    entity_name: 'urn:ngsi-ld:Streetlight:lamp1',
    entity_type: 'Streetlight',
    apikey: 'k',
    createdAt: '2024-01-01T00:00:00Z',
    modifiedAt: '2024-01-01T00:00:00Z',
  },
  group: undefined,
  attributes: [],
  static_attributes: [],
  commands: [{ name: 'dim', type: 'command' }],
  explicitAttrs: false,
};

function agent(name: string, log: string[], failStart = false): DeviceAgent {
  return {
    name,
    start: async () => {
      if (failStart) throw new Error(`${name} cannot start`);
      log.push(`start ${name}`);
    },
    stop: async () => void log.push(`stop ${name}`),
  };
}

describe('IngestRuntime', () => {
  it('registerCommandTransport makes a transport findable by kind', () => {
    const { handle } = setup();
    const mqtt = { transport: 'MQTT' as const, send: async () => undefined };
    handle.runtime.registerCommandTransport(mqtt);
    assert.equal(handle.runtime.commandTransport('MQTT'), mqtt);
    assert.equal(handle.runtime.commandTransport('HTTP'), undefined);
  });

  it('start starts agents in order and stop stops them in reverse before the sink drains', async () => {
    const { handle, writes } = setup();
    const log: string[] = [];
    await handle.start([agent('a', log), agent('b', log)]);
    const pending = handle.runtime.sink.submit({
      device: { ...lamp, commands: [] },
      values: { level: 1 },
      receivedAt: '2024-05-01T00:00:00.000Z',
      transport: 'mqtt',
    });
    await handle.stop();
    await pending;
    assert.deepEqual(log, ['start a', 'start b', 'stop b', 'stop a']);
    assert.equal(writes.length, 1);
  });

  it('start stops the agents already started when one fails', async () => {
    const { handle } = setup();
    const log: string[] = [];
    await assert.rejects(handle.start([agent('a', log), agent('b', log, true)]), /b cannot start/);
    assert.deepEqual(log, ['start a', 'stop a']);
  });
});
