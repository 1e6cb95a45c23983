import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CORE_JSON_LD_CONTEXT } from '../../ngsi-ld/context/json-ld-context-impl.js';
import type { ParsedEntity } from '../../ngsi-ld/entity/operations/index.js';
import type { Entity } from '../../ngsi-ld/model.js';
import { isProblemDetails, resourceNotFound } from '../../ngsi-ld/problem-details.js';
import type { Rejection } from '../ingest.types.js';
import { provisionedDevice } from '../mqtt/mqtt.fixtures.js';
import { createCommandAcknowledgement } from './command-acknowledgement.js';

const NS = 'https://uri.etsi.org/ngsi-ld/default-context/';
const lamp = provisionedDevice('lamp1', 'key1', { tenant: 'city', commands: ['dim'] });

/** `dimStatus`: the entity's dim_status, or undefined for an entity without it; null: no entity. */
function setup(dimStatus: string | undefined | null) {
  const writes: Array<{ tenant: string; input: ParsedEntity }> = [];
  const rejections: Array<Omit<Rejection, 'at'>> = [];
  const entity: Entity = {
    id: lamp.device.entity_name,
    type: [`${NS}Streetlight`],
    createdAt: '2024-01-01T00:00:00.000Z',
    modifiedAt: '2024-01-01T00:00:00.000Z',
    attrs:
      dimStatus === undefined || dimStatus === null
        ? {}
        : { [`${NS}dim_status`]: [{ type: 'Property', value: dimStatus }] },
  };
  const acknowledge = createCommandAcknowledgement({
    entities: {
      async batchUpsert(tenant, items) {
        for (const item of items) if ('input' in item) writes.push({ tenant, input: item.input });
        return { success: items.map((i) => i.id), errors: [], created: [] };
      },
      async retrieveEntity(_tenant, id) {
        if (dimStatus === null) throw resourceNotFound(`Entity ${id} does not exist`);
        return entity;
      },
    },
    contexts: { resolve: async () => CORE_JSON_LD_CONTEXT },
    rejections: { record: (rejection) => void rejections.push(rejection) },
    clock: () => new Date('2024-05-01T00:00:00Z'),
  });
  return { acknowledge, writes, rejections };
}

describe('createCommandAcknowledgement', () => {
  it('acknowledgeCommand writes <cmd>_status OK and <cmd>_info when the command is PENDING', async () => {
    const { acknowledge, writes, rejections } = setup('PENDING');
    await acknowledge(lamp, 'dim', { level: 40 });
    assert.equal(writes[0]?.tenant, 'city');
    assert.deepEqual(writes[0]?.input.attrs, {
      [`${NS}dim_status`]: [
        { type: 'Property', value: 'OK', observedAt: '2024-05-01T00:00:00.000Z' },
      ],
      [`${NS}dim_info`]: [
        { type: 'Property', value: { level: 40 }, observedAt: '2024-05-01T00:00:00.000Z' },
      ],
    });
    assert.deepEqual(rejections, []);
  });

  it('acknowledgeCommand records no-pending-command, and writes nothing, for a command never sent', async () => {
    for (const status of ['UNKNOWN', 'OK', 'ERROR', undefined, null]) {
      const { acknowledge, writes, rejections } = setup(status);
      await acknowledge(lamp, 'dim', 'done');
      assert.deepEqual(writes, [], String(status));
      assert.equal(rejections.length, 1, String(status));
      assert.deepEqual(
        { ...rejections[0], detail: undefined },
        {
          reason: 'no-pending-command',
          transport: 'mqtt',
          tenant: 'city',
          apikey: 'key1',
          deviceId: 'lamp1',
          detail: undefined,
          payloadExcerpt: 'done',
        },
      );
    }
    const { acknowledge, rejections } = setup('OK');
    await acknowledge(lamp, 'dim', { level: 1 });
    assert.equal(
      rejections[0]?.detail,
      `Device lamp1 answered command 'dim', which is not pending (dim_status is "OK"); not applied`,
    );
    assert.equal(rejections[0]?.payloadExcerpt, '{"level":1}');
  });

  it('acknowledgeCommand refuses a command the device does not have (404)', async () => {
    const { acknowledge, writes } = setup('PENDING');
    await assert.rejects(
      acknowledge(lamp, 'explode', 'ok'),
      (error) => isProblemDetails(error) && error.status === 404,
    );
    assert.equal(writes.length, 0);
  });
});
