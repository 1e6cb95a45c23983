import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProblemDetails } from '../../ngsi-ld/problem-details.js';
import { provisionedDevice } from '../mqtt/mqtt.fixtures.js';
import { devicePayloadFormat, encodeCommand, parseCommandResults } from './command-payloads.js';

describe('devicePayloadFormat', () => {
  it('devicePayloadFormat is UltraLight for IoTA-UL devices and JSON otherwise', () => {
    assert.equal(devicePayloadFormat(provisionedDevice('d', 'k', { protocol: 'IoTA-UL' })), 'ul');
    assert.equal(
      devicePayloadFormat(provisionedDevice('d', 'k', { protocol: 'IoTA-JSON' })),
      'json',
    );
    assert.equal(devicePayloadFormat(provisionedDevice('d', 'k')), 'json');
  });
});

describe('encodeCommand', () => {
  it('encodeCommand writes {"<cmd>": value} for JSON devices', () => {
    assert.equal(encodeCommand('json', 'd1', 'switch', 'on'), '{"switch":"on"}');
    assert.equal(encodeCommand('json', 'd1', 'dim', { level: 40 }), '{"dim":{"level":40}}');
    assert.equal(encodeCommand('json', 'd1', 'reset', undefined), '{"reset":null}');
  });

  it('encodeCommand refuses UL values that would smuggle in another command', () => {
    for (const value of ['on#d1@reboot|now', 'on|x', 'on\nd1@reboot|', ['a', 'b|c'], { 'k|': 1 }])
      assert.throws(() => encodeCommand('ul', 'd1', 'switch', value), /no escaping/);
    assert.equal(encodeCommand('json', 'd1', 'switch', 'on#x|y'), '{"switch":"on#x|y"}');
  });

  it('encodeCommand writes <device_id>@<cmd>|<value> for UL devices', () => {
    assert.equal(encodeCommand('ul', 'd1', 'switch', 'on'), 'd1@switch|on');
    assert.equal(encodeCommand('ul', 'd1', 'dim', 40), 'd1@dim|40');
    assert.equal(encodeCommand('ul', 'd1', 'move', [1, 2]), 'd1@move|1|2');
    assert.equal(encodeCommand('ul', 'd1', 'set', { a: 1, b: 'x' }), 'd1@set|a=1|b=x');
    assert.equal(encodeCommand('ul', 'd1', 'reset', null), 'd1@reset|');
  });
});

describe('parseCommandResults', () => {
  it('parseCommandResults reads JSON results, several at once', () => {
    assert.deepEqual(parseCommandResults('json', 'd1', '{"switch":"done","dim":{"ok":true}}'), [
      { key: 'switch', result: 'done' },
      { key: 'dim', result: { ok: true } },
    ]);
  });

  it('parseCommandResults reads UL results whose result may hold bars', () => {
    assert.deepEqual(parseCommandResults('ul', 'd1', 'd1@switch|on|at 10'), [
      { key: 'switch', result: 'on|at 10' },
    ]);
    assert.deepEqual(parseCommandResults('ul', 'd1', 'd1@reset'), [{ key: 'reset', result: '' }]);
  });

  it('parseCommandResults refuses malformed results with a 400 that says why', () => {
    for (const [format, payload, message] of [
      ['json', '{', /not JSON/],
      ['json', '[1]', /JSON object/],
      ['json', '"x"', /JSON object/],
      ['json', '{}', /names no command/],
      ['ul', 'switch|on', /<device>@<command>\|<result>/],
      ['ul', 'd1@|on', /<device>@<command>\|<result>/],
      ['ul', 'd2@switch|on', /names device 'd2'/],
    ] as const) {
      assert.throws(
        () => parseCommandResults(format, 'd1', payload),
        (error: unknown) =>
          error instanceof ProblemDetails && error.status === 400 && message.test(error.message),
        payload,
      );
    }
  });
});
