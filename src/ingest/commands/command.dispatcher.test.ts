import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { handBus } from '../../../test/support/change-fixtures.js';
import type { ChangeHandler } from '../../context/ports/change-bus.port.js';
import type { EntityChange } from '../../context/ports/change-log.port.js';
import type { Attribute, Entity, JsonValue } from '../../ngsi-ld/model.js';
import { resourceNotFound } from '../../ngsi-ld/problem-details.js';
import { createLogger } from '../../platform/logging/logger.js';
import type { ProvisionedDevice } from '../devices/device.model.js';
import type { CommandTransport } from '../ingest.types.js';
import { fakeDirectory, provisionedDevice } from '../mqtt/mqtt.fixtures.js';
import { createCommandDispatcher, type CommandDispatcher } from './command.dispatcher.js';

const NS = 'https://uri.etsi.org/ngsi-ld/default-context/';
const LAMP_ID = 'urn:ngsi-ld:Streetlight:lamp1';
const lamp = provisionedDevice('lamp1', 'key1', { commands: ['switch'] });
const pushed = provisionedDevice('lamp9', 'key1', {
  commands: ['switch'],
  endpoint: 'http://127.0.0.1:9/cmd',
});

/** An in-memory stand-in for the entity service, with a clock that ticks per write. */
function fakeEntities() {
  const entities = new Map<string, Entity>();
  let tick = 0;
  const stamp = () => new Date(Date.UTC(2026, 0, 1, 0, 0, 0, ++tick)).toISOString();
  return {
    entities,
    stamp,
    put(entity: Entity) {
      entities.set(entity.id, structuredClone(entity));
    },
    async retrieveEntity(_tenant: string, id: string): Promise<Entity> {
      const entity = entities.get(id);
      if (entity === undefined) throw resourceNotFound(`Entity ${id} does not exist`);
      return structuredClone(entity);
    },
    async appendAttributes(
      _tenant: string,
      id: string,
      fragment: { attrs: Record<string, Attribute[]> },
    ) {
      const entity = entities.get(id);
      if (entity === undefined) throw resourceNotFound(`Entity ${id} does not exist`);
      const at = stamp();
      for (const [iri, instances] of Object.entries(fragment.attrs))
        entity.attrs[iri] = instances.map((i) => ({ ...i, createdAt: at, modifiedAt: at }));
      return { updated: Object.keys(fragment.attrs), notUpdated: [] };
    },
  };
}

function property(value: JsonValue, at: string): Attribute[] {
  return [{ type: 'Property', value, createdAt: at, modifiedAt: at }];
}

function lampEntity(attrs: Record<string, Attribute[]>, id = LAMP_ID): Entity {
  return {
    id,
    type: [`${NS}Streetlight`],
    createdAt: '2026-01-01T00:00:00.000Z',
    modifiedAt: '2026-01-01T00:00:00.000Z',
    attrs,
  };
}

function recordingTransport(kind: 'MQTT' | 'HTTP', fail?: Error) {
  const sent: Array<{ deviceId: string; command: string; value: unknown }> = [];
  const transport: CommandTransport = {
    transport: kind,
    async send(device, command, value) {
      sent.push({ deviceId: device.device.device_id, command, value });
      if (fail) throw fail;
    },
  };
  return { sent, transport };
}

describe('createCommandDispatcher', () => {
  let store: ReturnType<typeof fakeEntities>;
  let handler: ChangeHandler;
  let dispatcher: CommandDispatcher;
  let seq = 0;
  const initial = '2026-01-01T00:00:00.000Z';

  let transports: Map<string, CommandTransport>;

  async function startDispatcher(devices: ProvisionedDevice[] = [lamp, pushed]) {
    const bus = handBus();
    transports = new Map();
    dispatcher = createCommandDispatcher({
      bus,
      directory: fakeDirectory(devices),
      entities: store,
      contexts: { resolve: async () => ({ expandTerm: (term: string) => NS + term }) },
      transports: (kind) => transports.get(kind),
      clock: () => new Date(),
      log: createLogger('silent'),
    });
    await dispatcher.start();
    handler = bus.handler();
  }

  function register(transport: CommandTransport) {
    transports.set(transport.transport, transport);
  }

  /** Writes `attrs` onto the stored entity and returns the change it makes. */
  function write(attrs: Record<string, JsonValue>, id = LAMP_ID): EntityChange {
    const previous = store.entities.get(id) as Entity;
    const at = store.stamp();
    const current = structuredClone(previous);
    for (const [name, value] of Object.entries(attrs))
      current.attrs[NS + name] = property(value, at);
    store.put(current);
    return { seq: ++seq, tenant: '', entityId: id, at, previous, current };
  }

  function status(id = LAMP_ID) {
    const attrs = store.entities.get(id)?.attrs;
    return {
      status: attrs?.[`${NS}switch_status`]?.[0]?.value,
      info: attrs?.[`${NS}switch_info`]?.[0]?.value,
    };
  }

  beforeEach(async () => {
    store = fakeEntities();
    for (const id of [LAMP_ID, 'urn:ngsi-ld:Streetlight:lamp9'])
      store.put(
        lampEntity(
          {
            [`${NS}switch`]: property('', initial),
            [`${NS}switch_status`]: property('UNKNOWN', initial),
            [`${NS}switch_info`]: property('', initial),
          },
          id,
        ),
      );
    await startDispatcher();
  });

  it('sends a written command through the MQTT transport and sets it PENDING', async () => {
    const mqtt = recordingTransport('MQTT');
    register(mqtt.transport);
    await handler(write({ switch: 'on' }));
    assert.deepEqual(mqtt.sent, [{ deviceId: 'lamp1', command: 'switch', value: 'on' }]);
    assert.deepEqual(status(), { status: 'PENDING', info: '' });
  });

  it('sends the same value again when it is written again', async () => {
    const mqtt = recordingTransport('MQTT');
    register(mqtt.transport);
    await handler(write({ switch: 'on' }));
    await handler(write({ switch: 'on' }));
    assert.equal(mqtt.sent.length, 2);
  });

  it('sends the commands of a device with an endpoint through the HTTP transport', async () => {
    const mqtt = recordingTransport('MQTT');
    const http = recordingTransport('HTTP');
    register(mqtt.transport);
    register(http.transport);
    await handler(write({ switch: { level: 3 } }, 'urn:ngsi-ld:Streetlight:lamp9'));
    assert.deepEqual(http.sent, [{ deviceId: 'lamp9', command: 'switch', value: { level: 3 } }]);
    assert.deepEqual(mqtt.sent, []);
  });

  it('issues nothing for writes of <cmd>_status, <cmd>_info or other attributes', async () => {
    const mqtt = recordingTransport('MQTT');
    register(mqtt.transport);
    await handler(write({ switch_status: 'OK', switch_info: 'done', illuminance: 40 }));
    assert.deepEqual(mqtt.sent, []);
  });

  it('issues nothing when the entity is created or a command attribute appears empty', async () => {
    const mqtt = recordingTransport('MQTT');
    register(mqtt.transport);
    const created = store.entities.get(LAMP_ID) as Entity;
    await handler({
      seq: ++seq,
      tenant: '',
      entityId: LAMP_ID,
      at: initial,
      previous: null,
      current: created,
    });
    const bare = lampEntity({});
    await handler({
      seq: ++seq,
      tenant: '',
      entityId: LAMP_ID,
      at: initial,
      previous: bare,
      current: created,
    });
    assert.deepEqual(mqtt.sent, []);
  });

  it('ignores entities of no device and devices of another tenant', async () => {
    const mqtt = recordingTransport('MQTT');
    register(mqtt.transport);
    const change = write({ switch: 'on' });
    await handler({ ...change, tenant: 'other' });
    await handler({ ...change, seq: ++seq, entityId: 'urn:ngsi-ld:Streetlight:ghost' });
    assert.deepEqual(mqtt.sent, []);
  });

  it('sends a change delivered twice once, also after a restart once the device answered', async () => {
    const mqtt = recordingTransport('MQTT');
    register(mqtt.transport);
    const change = write({ switch: 'on' });
    await handler(change);
    await handler(change);
    assert.equal(mqtt.sent.length, 1);
    // The device's answer, as IngestRuntime.acknowledgeCommand writes it.
    write({ switch_status: 'OK', switch_info: 'done' });

    await startDispatcher();
    register(mqtt.transport);
    await handler(change);
    assert.equal(mqtt.sent.length, 1);
  });

  it('sends again a redelivered change whose status stayed PENDING (the sender may have died)', async () => {
    const mqtt = recordingTransport('MQTT');
    register(mqtt.transport);
    const change = write({ switch: 'on' });
    await handler(change);
    await startDispatcher();
    register(mqtt.transport);
    await handler(change);
    assert.equal(mqtt.sent.length, 2);
  });

  it('does not send a change superseded by a later write of the command', async () => {
    const mqtt = recordingTransport('MQTT');
    register(mqtt.transport);
    const stale = write({ switch: 'on' });
    write({ switch: 'off' });
    await handler(stale);
    assert.deepEqual(mqtt.sent, []);
  });

  it('sets ERROR with the reason when no transport runs or the sending fails', async () => {
    await handler(write({ switch: 'on' }));
    assert.deepEqual(status(), { status: 'ERROR', info: 'No MQTT command transport is running' });
    register(recordingTransport('MQTT', new Error('broker down')).transport);
    await handler(write({ switch: 'off' }));
    assert.deepEqual(status(), { status: 'ERROR', info: 'broker down' });
  });

  it('lets a failing entity read fail the change, so that it is delivered again', async () => {
    register(recordingTransport('MQTT').transport);
    const change = write({ switch: 'on' });
    store.retrieveEntity = async () => {
      throw new Error('database down');
    };
    await assert.rejects(handler(change), /database down/);
  });
});
