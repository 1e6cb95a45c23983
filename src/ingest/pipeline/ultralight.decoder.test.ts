import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isProblemDetails } from '../../ngsi-ld/problem-details.js';
import { decodeUltralight, decodeUltralightCommandResult } from './ultralight.decoder.js';

function problem(run: () => unknown): { status: number; detail: string } {
  try {
    run();
  } catch (error) {
    assert.ok(isProblemDetails(error));
    return { status: error.status, detail: error.detail };
  }
  assert.fail('expected a ProblemDetails');
}

const plain = (values: Record<string, unknown>) => Object.assign(Object.create(null), values);

describe('decodeUltralight', () => {
  it('decodeUltralight reads key|value pairs as one measurement of text values', () => {
    assert.deepEqual(decodeUltralight('t|23.5|h|61'), {
      measures: [{ values: plain({ t: '23.5', h: '61' }) }],
      commandResults: [],
    });
  });

  it('decodeUltralight splits measure groups on # and on line breaks', () => {
    const { measures } = decodeUltralight('t|1#t|2\r\nt|3\n');
    assert.deepEqual(
      measures.map((m) => m.values['t']),
      ['1', '2', '3'],
    );
  });

  it('decodeUltralight takes a leading timestamp element as the group observedAt', () => {
    const { measures } = decodeUltralight('2016-06-13T00:35:30Z|lle|100#t|5');
    assert.equal(measures[0]?.observedAt, '2016-06-13T00:35:30.000Z');
    assert.deepEqual(measures[0]?.values, plain({ lle: '100' }));
    assert.equal(measures[1]?.observedAt, undefined);
  });

  it('decodeUltralight ignores a leading | and keeps the last value of a repeated key', () => {
    assert.deepEqual(decodeUltralight('|t|1|t|2').measures, [{ values: plain({ t: '2' }) }]);
  });

  it('decodeUltralight reads <device>@<command>|<result> groups as command results', () => {
    assert.deepEqual(decodeUltralight('t|1#lamp1@on|switched on'), {
      measures: [{ values: plain({ t: '1' }) }],
      commandResults: [{ deviceId: 'lamp1', command: 'on', result: 'switched on' }],
    });
  });

  it('decodeUltralight makes __proto__ an ordinary key', () => {
    const [measure] = decodeUltralight('__proto__|x|t|1').measures;
    assert.equal(measure?.values['__proto__'], 'x');
  });

  it('decodeUltralight refuses malformed payloads with 400 and says why', () => {
    assert.match(problem(() => decodeUltralight('')).detail, /no measure group/);
    assert.match(problem(() => decodeUltralight('#\n#')).detail, /no measure group/);
    assert.match(problem(() => decodeUltralight('t|1|h')).detail, /must be an ISO 8601 timestamp/);
    assert.match(problem(() => decodeUltralight('t||h|2')).detail, /empty value/);
    assert.match(problem(() => decodeUltralight('|t|1|')).detail, /timestamp/);
    assert.match(problem(() => decodeUltralight(' |1')).detail, /empty key/);
    assert.match(problem(() => decodeUltralight('2016-06-13T00:35:30Z')).detail, /no measures/);
    assert.equal(problem(() => decodeUltralight('t|1|h')).status, 400);
  });

  it('decodeUltralight refuses more groups than a message may hold with 413', () => {
    assert.equal(problem(() => decodeUltralight(Array(1001).fill('t|1').join('#'))).status, 413);
  });
});

describe('decodeUltralightCommandResult', () => {
  it('decodeUltralightCommandResult reads device, command and result', () => {
    assert.deepEqual(decodeUltralightCommandResult('lamp1@dim|50|ok\n'), {
      deviceId: 'lamp1',
      command: 'dim',
      result: '50|ok',
    });
    assert.deepEqual(decodeUltralightCommandResult('lamp1@ping'), {
      deviceId: 'lamp1',
      command: 'ping',
      result: '',
    });
  });

  it('decodeUltralightCommandResult refuses anything else with 400', () => {
    for (const text of ['', 'ping|ok', '@ping|ok', 'a@b@c|x'])
      assert.equal(problem(() => decodeUltralightCommandResult(text)).status, 400, text);
  });
});
