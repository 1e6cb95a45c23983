/**
 * For end-to-end MQTT tests through the civis process: counter devices (IoTA-JSON,
 * `n` → `count`, tenant `city`) provisioned over the IoT Agent API.
 */
import assert from 'node:assert/strict';

export const COUNTER_HEADERS = {
  'content-type': 'application/json',
  'fiware-service': 'city',
  'fiware-servicepath': '/',
};

/** A service group of `apikey` and its devices, each measuring `count` of its entity. */
export async function provisionCounters(
  url: string,
  apikey: string,
  devices: ReadonlyArray<{ id: string; entity: string }>,
): Promise<void> {
  const group = await fetch(`${url}/iot/services`, {
    method: 'POST',
    headers: COUNTER_HEADERS,
    body: JSON.stringify({
      services: [
        {
          apikey,
          entity_type: 'Counter',
          resource: '/iot/json',
          attributes: [{ object_id: 'n', name: 'count', type: 'Integer' }],
        },
      ],
    }),
  });
  assert.equal(group.status, 201, await group.text());
  const provisioned = await fetch(`${url}/iot/devices`, {
    method: 'POST',
    headers: COUNTER_HEADERS,
    body: JSON.stringify({
      devices: devices.map((d) => ({ device_id: d.id, entity_name: d.entity, transport: 'MQTT' })),
    }),
  });
  assert.equal(provisioned.status, 201, await provisioned.text());
}
