import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDevicePassword, parseDeviceUsername } from './mqtt-credentials.js';
import { provisionedDevice } from './mqtt.fixtures.js';

const never = async () => assert.fail('no hash to verify');

describe('mqtt credentials', () => {
  it('accepts the apikey as the password of a device without one, whatever its length', async () => {
    const device = provisionedDevice('d1', 'apikey123');
    assert.equal(await checkDevicePassword(device, Buffer.from('apikey123'), never), true);
    for (const wrong of ['apikey12', 'apikey1234', 'APIKEY123', 'x'])
      assert.equal(await checkDevicePassword(device, Buffer.from(wrong), never), false, wrong);
    assert.equal(await checkDevicePassword(device, undefined, never), false);
    assert.equal(await checkDevicePassword(device, Buffer.alloc(0), never), false);
  });

  it('checks a device password against its hash only', async () => {
    const device = provisionedDevice('d1', 'k', { passwordHash: 'hash:pw' });
    const verify = async (password: string, hash: string) => hash === `hash:${password}`;
    assert.equal(await checkDevicePassword(device, Buffer.from('pw'), verify), true);
    assert.equal(await checkDevicePassword(device, Buffer.from('k'), verify), false);
  });

  it('reads <apikey>/<device_id> user names only', () => {
    assert.deepEqual(parseDeviceUsername('k/d'), { apikey: 'k', deviceId: 'd' });
    for (const name of [undefined, 'kd', '/d', 'k/', 'k/d/e'])
      assert.equal(parseDeviceUsername(name), undefined, String(name));
  });
});
