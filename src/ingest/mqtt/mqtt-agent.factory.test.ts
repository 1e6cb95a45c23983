import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coerceSetting, SETTINGS } from '../../platform/config/config.schema.js';
import { createLogger } from '../../platform/logging/logger.js';
import { createMqttAgent, type MqttAgentConfig } from './mqtt-agent.factory.js';

const config: MqttAgentConfig = {
  mqttPort: 0,
  mqttHost: '127.0.0.1',
  mqttUrl: undefined,
  mqttClientId: undefined,
  mqttSharedGroup: 'civis',
  ingestMaxPayloadBytes: 1024,
  ingestQueueCapacity: 100,
};

describe('createMqttAgent', () => {
  it('createMqttAgent runs the embedded broker unless an external broker is configured', () => {
    const log = createLogger('silent');
    assert.equal(createMqttAgent(config, log).name, 'mqtt-embedded-broker');
    assert.equal(
      createMqttAgent({ ...config, mqttUrl: 'mqtt://broker:1883' }, log).name,
      'mqtt-external-broker',
    );
  });

  it('CIVIS_MQTT_URL accepts mqtt:// and mqtts:// URLs only', () => {
    const spec = SETTINGS.find((s) => s.key === 'mqttUrl');
    assert.ok(spec);
    assert.deepEqual(coerceSetting(spec, 'mqtts://user:pw@broker:8883'), {
      value: 'mqtts://user:pw@broker:8883',
    });
    for (const bad of ['http://broker', 'broker:1883', 'mqtt://', ''])
      assert.ok('error' in coerceSetting(spec, bad), bad);
  });
});
