import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodePayload, encodeUltraLight } from './payload-encoding.js';

describe('payload encoding', () => {
  it('encodePayload writes IoTA-JSON as an object of payload keys', () => {
    assert.equal(encodePayload('IoTA-JSON', { s: 'free', n: 3 }), '{"s":"free","n":3}');
  });

  it('encodePayload writes UltraLight 2.0 as key|value pairs', () => {
    assert.equal(encodePayload('IoTA-UL', { p: 'on', l: 0.5, w: 60.2 }), 'p|on|l|0.5|w|60.2');
  });

  it('encodeUltraLight refuses separators in keys or values', () => {
    assert.throws(() => encodeUltraLight({ a: 'x|y' }), RangeError);
    assert.throws(() => encodeUltraLight({ 'a#': 1 }), RangeError);
    assert.throws(() => encodeUltraLight({ a: 'line\nbreak' }), RangeError);
    assert.throws(() => encodeUltraLight({ '': 1 }), RangeError);
  });
});
