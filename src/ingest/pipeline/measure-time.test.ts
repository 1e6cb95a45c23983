import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMeasureTime } from './measure-time.js';

describe('parseMeasureTime', () => {
  it('parseMeasureTime normalises ISO 8601 date-times to UTC with milliseconds', () => {
    assert.equal(parseMeasureTime('2016-06-13T00:35:30Z'), '2016-06-13T00:35:30.000Z');
    assert.equal(parseMeasureTime('2016-06-13T02:35:30.5+02:00'), '2016-06-13T00:35:30.500Z');
    assert.equal(parseMeasureTime('2016-06-13T00:35:30,123456-0130'), '2016-06-13T02:05:30.123Z');
    assert.equal(parseMeasureTime('2016-06-13T00:35'), '2016-06-13T00:35:00.000Z');
  });

  it('parseMeasureTime reads a time without offset as UTC, as the IoT Agents do', () => {
    assert.equal(parseMeasureTime('2024-01-31T23:59:59'), '2024-01-31T23:59:59.000Z');
  });

  it('parseMeasureTime refuses impossible dates, other forms and non-strings', () => {
    for (const bad of [
      '2021-02-30T00:00:00Z',
      '2021-13-01T00:00:00Z',
      '2021-01-01T24:00:00Z',
      '2021-01-01',
      '1700000000',
      'yesterday',
      '2021-01-01T00:00:00+15:00',
      '',
      1700000000,
      null,
    ])
      assert.equal(parseMeasureTime(bad), undefined, String(bad));
  });
});
