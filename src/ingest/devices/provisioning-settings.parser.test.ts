import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isProblemDetails } from '../../ngsi-ld/problem-details.js';
import { readSettings, settingFields, SETTING_FIELDS } from './provisioning-settings.parser.js';

const ALL = {
  attributes: [{ object_id: 't', name: 'temperature', type: 'Number' }],
  static_attributes: [{ name: 'category', type: 'Text', value: 'sensor' }],
  commands: [{ name: 'reset', type: 'command' }],
  explicitAttrs: true,
  timezone: 'Europe/Madrid',
  stalePeriod: 600,
  protocol: 'IoTA-JSON',
  transport: 'HTTP',
  endpoint: 'http://device.example/cmd',
  ldContext: 'https://example.org/context.jsonld',
};

describe('readSettings', () => {
  it('readSettings reads every setting field and renders them back unchanged', () => {
    const settings = readSettings(ALL, 'devices[0]');
    assert.deepEqual(Object.keys(settings).sort(), [...SETTING_FIELDS].sort());
    assert.deepEqual(settingFields(settings), ALL);
  });

  it('readSettings leaves out the fields not given', () => {
    assert.deepEqual(readSettings({ device_id: 'd1' }, 'devices[0]'), {});
    assert.deepEqual(settingFields({}), {});
  });

  it('readSettings names the field and its place when a value is wrong', () => {
    assert.throws(
      () => readSettings({ transport: 'CoAP' }, 'services[2]'),
      (error: unknown) =>
        isProblemDetails(error) &&
        error.status === 400 &&
        /^services\[2\]\.transport must be one of MQTT, HTTP, LoRaWAN/.test(error.detail),
    );
  });
});
