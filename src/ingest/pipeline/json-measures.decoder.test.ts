import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isProblemDetails } from '../../ngsi-ld/problem-details.js';
import {
  MAX_MEASURES_PER_MESSAGE,
  decodeJsonMeasures,
  jsonMeasures,
} from './json-measures.decoder.js';

function status(run: () => unknown): number {
  try {
    run();
  } catch (error) {
    assert.ok(isProblemDetails(error));
    return error.status;
  }
  assert.fail('expected a ProblemDetails');
}

describe('decodeJsonMeasures', () => {
  it('decodeJsonMeasures reads an object as one measurement', () => {
    assert.deepEqual(decodeJsonMeasures('{"t": 23.5, "h": "61"}'), [
      { values: { t: 23.5, h: '61' } },
    ]);
  });

  it('decodeJsonMeasures reads an array as several measurements', () => {
    assert.deepEqual(decodeJsonMeasures('[{"t": 1}, {"t": 2}]'), [
      { values: { t: 1 } },
      { values: { t: 2 } },
    ]);
  });

  it('decodeJsonMeasures takes a valid TimeInstant or timestamp as observedAt and drops it from the values', () => {
    assert.deepEqual(decodeJsonMeasures('{"t": 1, "TimeInstant": "2024-05-01T10:00:00+02:00"}'), [
      { values: { t: 1 }, observedAt: '2024-05-01T08:00:00.000Z' },
    ]);
    assert.deepEqual(decodeJsonMeasures('{"t": 1, "timestamp": "2024-05-01T10:00:00Z"}'), [
      { values: { t: 1 }, observedAt: '2024-05-01T10:00:00.000Z' },
    ]);
  });

  it('decodeJsonMeasures keeps a timestamp that is no ISO time as an ordinary measure', () => {
    assert.deepEqual(decodeJsonMeasures('{"t": 1, "timestamp": 1714557600}'), [
      { values: { t: 1, timestamp: 1714557600 } },
    ]);
  });

  it('decodeJsonMeasures keeps __proto__ as an own member, never as a prototype', () => {
    const [measure] = decodeJsonMeasures('{"__proto__": {"polluted": 1}, "t": 1}');
    assert.ok(measure);
    assert.ok(Object.hasOwn(measure.values, '__proto__'));
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });

  it('decodeJsonMeasures refuses broken JSON, non-objects and empty measurements with 400', () => {
    for (const text of [
      '{"t": ',
      '42',
      '"text"',
      'null',
      '[]',
      '[1, 2]',
      '{}',
      '{"TimeInstant": "2024-05-01T10:00:00Z"}',
    ])
      assert.equal(
        status(() => decodeJsonMeasures(text)),
        400,
        text,
      );
  });

  it('jsonMeasures refuses more measurements than a message may hold with 413', () => {
    const many = Array.from({ length: MAX_MEASURES_PER_MESSAGE + 1 }, () => ({ t: 1 }));
    assert.equal(
      status(() => jsonMeasures(many)),
      413,
    );
  });
});
