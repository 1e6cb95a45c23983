import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandTopic, deviceMessageFilters, parseDeviceTopic } from './mqtt-topics.js';

describe('parseDeviceTopic', () => {
  it('parseDeviceTopic reads measurements with and without the leading slash', () => {
    const expected = { kind: 'attrs', apikey: 'k1', deviceId: 'd1', format: undefined };
    assert.deepEqual(parseDeviceTopic('/k1/d1/attrs'), expected);
    assert.deepEqual(parseDeviceTopic('k1/d1/attrs'), expected);
  });

  it('parseDeviceTopic takes the payload format from the /json and /ul prefixes', () => {
    assert.deepEqual(parseDeviceTopic('/json/k1/d1/attrs'), {
      kind: 'attrs',
      apikey: 'k1',
      deviceId: 'd1',
      format: 'json',
    });
    assert.equal(parseDeviceTopic('ul/k1/d1/attrs')?.format, 'ul');
    assert.equal(parseDeviceTopic('/ul/k1/d1/cmdexe')?.kind, 'cmdexe');
  });

  it('parseDeviceTopic reads the attribute of a single-value topic', () => {
    assert.deepEqual(parseDeviceTopic('/k1/d1/attrs/temperature'), {
      kind: 'attrs',
      apikey: 'k1',
      deviceId: 'd1',
      format: undefined,
      attribute: 'temperature',
    });
    assert.equal(parseDeviceTopic('/json/k1/d1/attrs/t')?.attribute, 't');
  });

  it('parseDeviceTopic reads command and command result topics', () => {
    assert.equal(parseDeviceTopic('/k1/d1/cmd')?.kind, 'cmd');
    assert.equal(parseDeviceTopic('/k1/d1/cmdexe')?.kind, 'cmdexe');
  });

  it('parseDeviceTopic keeps an apikey named like a prefix readable', () => {
    assert.deepEqual(parseDeviceTopic('/json/d1/attrs'), {
      kind: 'attrs',
      apikey: 'json',
      deviceId: 'd1',
      format: undefined,
    });
  });

  it('parseDeviceTopic refuses topics outside the conventions', () => {
    for (const topic of [
      '',
      '/',
      'k1/d1',
      '/k1/d1/status',
      '/k1//attrs',
      '//d1/attrs',
      '/k1/d1/attrs/',
      '/k1/d1/attrs/t/extra',
      '/k1/d1/cmdexe/t',
      '/k1/d1/cmd/t',
      '/xml/k1/d1/attrs/t/u',
      '/k1/+/attrs',
      '/k1/d1/attrs/#',
      '$SYS/broker/uptime',
    ]) {
      assert.equal(parseDeviceTopic(topic), undefined, topic);
    }
  });
});

describe('commandTopic', () => {
  it('commandTopic is /<apikey>/<device_id>/cmd', () => {
    assert.equal(commandTopic('k1', 'd1'), '/k1/d1/cmd');
    assert.equal(parseDeviceTopic(commandTopic('k1', 'd1'))?.kind, 'cmd');
  });
});

describe('deviceMessageFilters', () => {
  it('deviceMessageFilters covers every spelling of measurements and command results', () => {
    const filters = deviceMessageFilters(undefined);
    assert.equal(filters.length, 18);
    assert.ok(filters.includes('/+/+/attrs'));
    assert.ok(filters.includes('+/+/attrs/+'));
    assert.ok(filters.includes('/ul/+/+/cmdexe'));
    assert.ok(!filters.some((filter) => filter.endsWith('/cmd')));
  });

  it('deviceMessageFilters makes shared subscriptions of a group', () => {
    assert.ok(deviceMessageFilters('civis').every((filter) => filter.startsWith('$share/civis/')));
  });
});
