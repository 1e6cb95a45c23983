/**
 * Hostile requests to the IoT Agent provisioning API that once slipped through: prototype
 * keys in PUT bodies, secrets repeated in errors, apikeys taken over by another tenant and
 * concurrent provisioning of one device id. Each is refused and changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, jsonRequest, type TestApp } from '../support/test-app.js';

const CITY = { 'fiware-service': 'city', 'fiware-servicepath': '/' };
const RIVAL = { 'fiware-service': 'rival', 'fiware-servicepath': '/' };

describe('IoT Agent provisioning API: hostile input', () => {
  let t: TestApp;
  const registry = async () =>
    JSON.stringify({
      devices: await t.deviceStore.listAllDevices(),
      groups: await t.deviceStore.listAllGroups(),
    });

  before(async () => {
    t = await createTestApp();
    const groups = await t.request(
      jsonRequest(
        'POST',
        '/iot/services',
        { services: [{ apikey: 'ck', resource: '/iot/json', entity_type: 'Thing' }] },
        CITY,
      ),
    );
    assert.equal(groups.statusCode, 201, groups.body);
    const devices = await t.request(
      jsonRequest('POST', '/iot/devices', { devices: [{ device_id: 'd1' }] }, CITY),
    );
    assert.equal(devices.statusCode, 201, devices.body);
  });
  after(() => t.close());

  const put = (url: string, payload: string, headers: Record<string, string> = CITY) =>
    t.request({
      method: 'PUT',
      url,
      headers: { ...headers, 'content-type': 'application/json' },
      payload,
    });

  for (const [name, url] of [
    ['a device', '/iot/devices/d1'],
    ['a service group', '/iot/services?apikey=ck&resource=/iot/json'],
  ] as const) {
    it(`PUT of ${name} with a __proto__ member is 400 and changes nothing`, async () => {
      const before = await registry();
      const res = await put(
        url,
        '{"__proto__": {"polling": true, "token": "t", "devEui": "0011223344556677", "stalePeriod": 5}}',
      );
      assert.equal(res.statusCode, 400, res.body);
      assert.match(res.json().detail, /unknown field '__proto__'/);
      assert.equal(await registry(), before);
      assert.equal(({} as Record<string, unknown>)['polling'], undefined);
    });
  }

  it('a password that is refused is not repeated in the error', async () => {
    const password = `Sup3r-secret-${'x'.repeat(200)}`;
    for (const body of [
      { devices: [{ device_id: 'p1', password }] },
      { devices: [{ device_id: 'p1', password: `${password.slice(0, 20)}\n` }] },
    ]) {
      const res = await t.request(jsonRequest('POST', '/iot/devices', body, CITY));
      assert.equal(res.statusCode, 400, res.body);
      assert.match(res.json().detail, /password must be a string/);
      assert.doesNotMatch(res.body, /Sup3r-secret/);
    }
    const update = await t.request(
      jsonRequest('PUT', '/iot/devices/d1', { password: { value: password } }, CITY),
    );
    assert.equal(update.statusCode, 400);
    assert.doesNotMatch(update.body, /Sup3r-secret/);
  });

  it('another tenant cannot take an apikey: 409 that names no tenant, nothing written', async () => {
    const before = await registry();
    for (const [url, body] of [
      ['/iot/services', { services: [{ apikey: 'ck', resource: '/iot/json' }] }],
      ['/iot/services', { services: [{ apikey: 'ck', resource: '/iot/d' }] }],
      ['/iot/devices', { devices: [{ device_id: 'r1', apikey: 'ck', entity_type: 'Thing' }] }],
    ] as const) {
      const res = await t.request(jsonRequest('POST', url, body, RIVAL));
      assert.equal(res.statusCode, 409, res.body);
      assert.match(res.json().detail, /apikey 'ck' is already used by another tenant/);
      assert.doesNotMatch(res.body, /city/);
    }
    assert.equal(await registry(), before);
    const rivalDevices = await t.request(jsonRequest('GET', '/iot/devices', undefined, RIVAL));
    assert.equal(rivalDevices.json().count, 0);
  });

  it('a deleted device is refused at once, and a changed apikey takes effect at once', async () => {
    const measure = (apikey: string) =>
      t.request({
        method: 'POST',
        url: `/iot/json?k=${apikey}&i=gone`,
        headers: { 'content-type': 'application/json' },
        payload: '{"t": 1}',
      });
    const created = await t.request(
      jsonRequest('POST', '/iot/devices', { devices: [{ device_id: 'gone' }] }, CITY),
    );
    assert.equal(created.statusCode, 201, created.body);
    assert.equal((await measure('ck')).statusCode, 200, 'accepted (and now cached)');
    const moved = await t.request(jsonRequest('PUT', '/iot/devices/gone', { apikey: 'ck2' }, CITY));
    assert.equal(moved.statusCode, 204, moved.body);
    assert.equal((await measure('ck')).statusCode, 404, 'the old apikey no longer works');
    assert.equal((await measure('ck2')).statusCode, 200);
    const deleted = await t.request(jsonRequest('DELETE', '/iot/devices/gone', undefined, CITY));
    assert.equal(deleted.statusCode, 204);
    assert.equal((await measure('ck2')).statusCode, 404, 'refused by the next message');
  });

  it('concurrent provisioning of one device id in two service paths creates it once', async () => {
    const results = await Promise.all(
      ['/', '/north', '/south'].map((path, i) =>
        t.request(
          jsonRequest(
            'POST',
            '/iot/devices',
            { devices: [{ device_id: 'race', apikey: `rk${i}`, entity_type: 'Thing' }] },
            { ...CITY, 'fiware-servicepath': path },
          ),
        ),
      ),
    );
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [201, 409, 409]);
    const all = await t.request(
      jsonRequest('GET', '/iot/devices?limit=100', undefined, {
        ...CITY,
        'fiware-servicepath': '/*',
      }),
    );
    const races = all.json().devices.filter((d: { device_id: string }) => d.device_id === 'race');
    assert.equal(races.length, 1);
  });
});
