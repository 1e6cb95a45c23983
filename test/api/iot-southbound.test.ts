/**
 * The HTTP southbound API (docs/ingest.md) end to end: a device's measurement lands in its
 * entity, in the temporal API and in a subscription's notification; UltraLight groups and
 * command results; the tenant is always the device's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NGSI, createTestApp, jsonRequest, type TestApp } from '../support/test-app.js';
import {
  LAMP_ID,
  OTHER_WEATHER_ID,
  WEATHER_ID,
  jsonMeasure,
  provisionSouthboundDevices,
  ulMeasure,
} from '../support/southbound-devices.js';

const OPENIOT_TENANT = { 'NGSILD-Tenant': 'openiot' };
const OTHER_TENANT = { 'NGSILD-Tenant': 'other' };

describe('HTTP southbound API', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    await provisionSouthboundDevices(t);
  });
  after(() => t.close());

  const entity = async (id: string, headers = OPENIOT_TENANT) => {
    const res = await t.request(jsonRequest('GET', `${NGSI}/entities/${id}`, undefined, headers));
    return { status: res.statusCode, body: res.json() };
  };
  const history = async (id: string, attrs: string, headers = OPENIOT_TENANT) => {
    const res = await t.request(
      jsonRequest('GET', `${NGSI}/temporal/entities/${id}?attrs=${attrs}`, undefined, headers),
    );
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };

  it('POST /iot/json writes a measurement into the entity, the history and a subscription', async () => {
    const subscribed = await t.request(
      jsonRequest(
        'POST',
        `${NGSI}/subscriptions`,
        {
          id: 'urn:ngsi-ld:Subscription:weather',
          type: 'Subscription',
          entities: [{ type: 'WeatherObserved' }],
          watchedAttributes: ['temperature'],
          notification: { endpoint: { uri: 'http://127.0.0.1:9/weather' } },
        },
        OPENIOT_TENANT,
      ),
    );
    assert.equal(subscribed.statusCode, 201, subscribed.body);

    const first = await t.request(
      jsonMeasure('k=json-key&i=ws1', {
        t: '21.5',
        humidity: 40,
        TimeInstant: '2024-05-01T10:00:00Z',
      }),
    );
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.body, '');

    const { body } = await entity(WEATHER_ID);
    assert.deepEqual(body.temperature, {
      type: 'Property',
      value: 21.5,
      observedAt: '2024-05-01T10:00:00.000Z',
      unitCode: 'CEL',
    });
    assert.equal(body.humidity.value, 40);
    assert.equal(body.type, 'WeatherObserved');

    const [sent] = await t.notifications.waitFor(1, 'http://127.0.0.1:9/weather');
    assert.equal(sent?.notification.data[0]?.['id'], WEATHER_ID);
    assert.equal(sent?.message.headers['NGSILD-Tenant'], 'openiot');

    const second = await t.request(
      jsonMeasure('k=json-key&i=ws1&t=2024-05-01T11:00:00Z', { t: 22 }),
    );
    assert.equal(second.statusCode, 200, second.body);
    const temporal = await history(WEATHER_ID, 'temperature');
    const instances = temporal.temperature as Array<{ value: number; observedAt: string }>;
    assert.deepEqual(instances.map((i) => [i.observedAt, i.value]).sort(), [
      ['2024-05-01T10:00:00.000Z', 21.5],
      ['2024-05-01T11:00:00.000Z', 22],
    ]);
  });

  it('POST /iot/json with an array writes each measurement, so history keeps every one', async () => {
    const res = await t.request(
      jsonMeasure('k=json-key&i=ws1', [
        { t: 10, TimeInstant: '2024-05-02T00:00:00Z' },
        { t: 11, TimeInstant: '2024-05-02T00:01:00Z' },
        { t: 12, TimeInstant: '2024-05-02T00:02:00Z' },
      ]),
    );
    assert.equal(res.statusCode, 200, res.body);
    const values = (await history(WEATHER_ID, 'temperature')).temperature.map(
      (i: { value: number }) => i.value,
    );
    for (const v of [10, 11, 12]) assert.ok(values.includes(v), `history lacks ${v}: ${values}`);
    assert.equal((await entity(WEATHER_ID)).body.temperature.value, 12);
  });

  it('POST /iot/d writes UltraLight measure groups, with their timestamps', async () => {
    const res = await t.request(
      ulMeasure(
        'k=ul-key&i=lamp1',
        '2024-05-03T00:00:00Z|l|100|state|on#2024-05-03T00:05:00Z|l|80',
      ),
    );
    assert.equal(res.statusCode, 200, res.body);
    const { body } = await entity(LAMP_ID);
    assert.deepEqual(body.illuminance, {
      type: 'Property',
      value: 80,
      observedAt: '2024-05-03T00:05:00.000Z',
    });
    assert.equal(body.state.value, 'on');
    const values = (await history(LAMP_ID, 'illuminance')).illuminance.map(
      (i: { value: number }) => i.value,
    );
    assert.deepEqual(
      values.sort((a: number, b: number) => a - b),
      [80, 100],
    );
  });

  it('POST /iot/d accepts getCmd and the text/plain charset parameter', async () => {
    const res = await t.request(
      ulMeasure('k=ul-key&i=lamp1&getCmd=1', 'l|5', {
        'content-type': 'text/plain; charset=utf-8',
      }),
    );
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((await entity(LAMP_ID)).body.illuminance.value, 5);
  });

  it('POST /iot/d applies a command result as <command>_status and <command>_info', async () => {
    // As the command dispatcher leaves it once it sent the command.
    const pending = await t.request(
      jsonRequest(
        'POST',
        `${NGSI}/entities/${LAMP_ID}/attrs`,
        { on_status: { type: 'Property', value: 'PENDING' } },
        OPENIOT_TENANT,
      ),
    );
    assert.equal(pending.statusCode, 204, pending.body);
    const res = await t.request(ulMeasure('k=ul-key&i=lamp1', 'lamp1@on|switched on'));
    assert.equal(res.statusCode, 200, res.body);
    const { body } = await entity(LAMP_ID);
    assert.equal(body.on_status.value, 'OK');
    assert.equal(body.on_info.value, 'switched on');
  });

  it('POST /iot/d records a result of a command that is not pending, and applies nothing', async () => {
    const res = await t.request(ulMeasure('k=ul-key&i=lamp1', 'lamp1@on|switched on twice'));
    assert.equal(res.statusCode, 200, res.body);
    const { body } = await entity(LAMP_ID);
    assert.equal(body.on_status.value, 'OK');
    assert.equal(body.on_info.value, 'switched on');
    const listed = await t.request(
      jsonRequest(
        'GET',
        '/api/ingest/rejections?reason=no-pending-command',
        undefined,
        OPENIOT_TENANT,
      ),
    );
    assert.equal(listed.statusCode, 200, listed.body);
    const [rejection] = (listed.json() as { rejections: Array<Record<string, string>> }).rejections;
    assert.equal(rejection?.['deviceId'], 'lamp1');
    assert.equal(rejection?.['transport'], 'http');
    assert.match(rejection?.['detail'] ?? '', /command 'on', which is not pending/);
  });

  it("a device's apikey decides the tenant: headers cannot redirect its writes", async () => {
    const res = await t.request(jsonMeasure('k=other-key&i=ws1', { t: 99 }, OPENIOT_TENANT));
    assert.equal(res.statusCode, 200, res.body);
    const other = await entity(OTHER_WEATHER_ID, OTHER_TENANT);
    assert.equal(other.status, 200);
    assert.equal(other.body.t.value, 99);
    assert.equal((await entity(OTHER_WEATHER_ID)).status, 404);
    assert.notEqual((await entity(WEATHER_ID)).body.temperature.value, 99);
  });

  it("another tenant's apikey cannot write into this tenant's devices", async () => {
    const res = await t.request(jsonMeasure('k=other-key&i=lamp1', { l: 1 }));
    assert.equal(res.statusCode, 404, res.body);
    assert.equal((await entity(LAMP_ID, OTHER_TENANT)).status, 404);
    assert.notEqual((await entity(LAMP_ID)).body.l?.value, 1);
  });
});
