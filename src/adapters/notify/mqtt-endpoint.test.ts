import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMqttEndpoint, type MqttTarget } from '../../ngsi-ld/subscription/mqtt-endpoint.js';
import { brokerKey, renderMqttPayload } from './mqtt-endpoint.js';

function target(
  uri: string,
  notifierInfo = [] as Array<{ key: string; value: string }>,
): MqttTarget {
  const parsed = parseMqttEndpoint({ uri, notifierInfo });
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed.target;
}

describe('brokerKey', () => {
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
