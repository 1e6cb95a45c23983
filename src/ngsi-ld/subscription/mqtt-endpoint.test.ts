import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMqttEndpoint, type MqttTarget } from './mqtt-endpoint.js';

function target(
  uri: string,
  notifierInfo = [] as Array<{ key: string; value: string }>,
): MqttTarget {
  const parsed = parseMqttEndpoint({ uri, notifierInfo });
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed.target;
}

function problem(uri: string, notifierInfo = [] as Array<{ key: string; value: string }>) {
  const parsed = parseMqttEndpoint({ uri, notifierInfo });
  return 'problem' in parsed ? parsed.problem : undefined;
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

  it('parseMqttEndpoint refuses a missing topic and wildcards, also where a URL parser cuts', () => {
    assert.match(problem('mqtt://h') ?? '', /no topic/);
    assert.match(problem('mqtt://h/') ?? '', /no topic/);
    assert.match(problem('mqtt://h/a/+') ?? '', /wildcards/);
    assert.match(problem('mqtt://h/a/%23') ?? '', /wildcards/);
    // '#' starts a URL fragment: the topic would silently be 'a/'.
    assert.match(problem('mqtt://h/a/#') ?? '', /'#'/);
    assert.match(problem('mqtt://h/a?b') ?? '', /'\?'/);
    assert.match(problem('mqtt://h/a%00b') ?? '', /U\+0000/);
  });

  it('parseMqttEndpoint refuses unknown MQTT-QoS and MQTT-Version values', () => {
    assert.match(problem('mqtt://h/t', [{ key: 'MQTT-QoS', value: '3' }]) ?? '', /MQTT-QoS/);
    assert.match(problem('mqtt://h/t', [{ key: 'MQTT-Version', value: 'x' }]) ?? '', /Version/);
  });

  it('parseMqttEndpoint never shows the password in a problem', () => {
    const text = problem('mqtt://user:s3cret@h/a/+') ?? '';
    assert.match(text, /user:\*\*\*@h/);
    assert.doesNotMatch(text, /s3cret/);
  });
});
