import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  brokerKey,
  parseMqttEndpoint,
  renderMqttPayload,
  type MqttTarget,
} from './mqtt-endpoint.js';

function target(
  uri: string,
  notifierInfo = [] as Array<{ key: string; value: string }>,
): MqttTarget {
  const parsed = parseMqttEndpoint({ uri, notifierInfo });
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed.target;
}

describe('parseMqttEndpoint (NGSI-LD 7.2)', () => {
  it('parseMqttEndpoint defaults port 1883, QoS 0 and MQTT 5.0', () => {
    assert.deepEqual(target('mqtt://broker.example.org/city/lights'), {
      protocol: 'mqtt',
      host: 'broker.example.org',
      port: 1883,
      username: undefined,
      password: undefined,
      protocolVersion: 5,
      topic: 'city/lights',
      qos: 0,
    });
  });

  it('parseMqttEndpoint reads mqtts port 8883, credentials, IPv6 hosts and notifierInfo', () => {
    const parsed = target('mqtts://us%40er:p%3Ass@[::1]/a%2Fb', [
      { key: 'MQTT-QoS', value: '2' },
      { key: 'MQTT-Version', value: 'mqtt3.1.1' },
    ]);
    assert.equal(parsed.port, 8883);
    assert.equal(parsed.host, '::1');
    assert.equal(parsed.username, 'us@er');
    assert.equal(parsed.password, 'p:ss');
    assert.equal(parsed.topic, 'a/b');
    assert.equal(parsed.qos, 2);
    assert.equal(parsed.protocolVersion, 4);
  });

  it('brokerKey is shared by topics of one broker and differs by credentials and version', () => {
    const a = brokerKey(target('mqtt://h:1884/x'));
    assert.equal(brokerKey(target('mqtt://h:1884/y/z')), a);
    assert.notEqual(brokerKey(target('mqtt://u:p@h:1884/x')), a);
    assert.notEqual(
      brokerKey(target('mqtt://h:1884/x', [{ key: 'MQTT-Version', value: 'mqtt3.1.1' }])),
      a,
    );
  });
});

describe('renderMqttPayload', () => {
  it('renderMqttPayload keeps Content-Type from the message over receiverInfo', () => {
    const payload = renderMqttPayload(
      {
        uri: 'mqtt://h/t',
        receiverInfo: [
          { key: 'Content-Type', value: 'text/plain' },
          { key: 'H1', value: '1' },
        ],
      },
      {
        tenant: '',
        subscriptionId: 's',
        body: '{"a":[1.50]}',
        contentType: 'application/ld+json',
        headers: {},
      },
    );
    assert.deepEqual(JSON.parse(payload), {
      metadata: { 'Content-Type': 'application/ld+json', H1: '1' },
      body: { a: [1.5] },
    });
  });
});
