import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { convertValue } from './import-value.js';

const dot = { decimalSeparator: '.' as const };
const comma = { decimalSeparator: ',' as const };

describe('convertValue', () => {
  it('convertValue keeps formula-like strings as plain text', () => {
    for (const text of ['=HYPERLINK("http://evil","x")', '+1+1', '-2+3', '@SUM(A1:A2)', '\t=1']) {
      assert.deepEqual(convertValue(text, 'text', dot), { ok: true, value: text });
    }
  });

  it('convertValue treats empty and blank values as absent', () => {
    for (const raw of ['', '   ', undefined, null]) {
      assert.deepEqual(convertValue(raw, 'number', dot), { ok: true, value: undefined });
    }
  });

  it('convertValue reads numbers with a strict grammar', () => {
    assert.deepEqual(convertValue(' 12.5 ', 'number', dot), { ok: true, value: 12.5 });
    assert.deepEqual(convertValue('-1e3', 'number', dot), { ok: true, value: -1000 });
    assert.deepEqual(convertValue(7, 'number', dot), { ok: true, value: 7 });
    for (const bad of ['0x10', 'Infinity', '1_000', '12abc', '1e999', '=1+1']) {
      const result = convertValue(bad, 'number', dot);
      assert.equal(result.ok, false, bad);
    }
  });

  it('convertValue reads a decimal comma when the mapping says so', () => {
    assert.deepEqual(convertValue('12,5', 'number', comma), { ok: true, value: 12.5 });
    assert.equal(convertValue('1.234,5', 'number', comma).ok, false);
  });

  it('convertValue reads integers and refuses fractions and unsafe integers', () => {
    assert.deepEqual(convertValue('42', 'integer', dot), { ok: true, value: 42 });
    assert.equal(convertValue('4.2', 'integer', dot).ok, false);
    assert.equal(convertValue('9007199254740993', 'integer', dot).ok, false);
  });

  it('convertValue reads the usual boolean words', () => {
    assert.deepEqual(convertValue('Yes', 'boolean', dot), { ok: true, value: true });
    assert.deepEqual(convertValue('0', 'boolean', dot), { ok: true, value: false });
    assert.deepEqual(convertValue(false, 'boolean', dot), { ok: true, value: false });
    assert.match((convertValue('maybe', 'boolean', dot) as { reason: string }).reason, /boolean/);
  });

  it('convertValue turns dates into NGSI-LD Date and UTC DateTime values', () => {
    assert.deepEqual(convertValue('2024-02-29', 'date', dot), {
      ok: true,
      value: { '@type': 'Date', '@value': '2024-02-29' },
    });
    assert.deepEqual(convertValue('2024-03-01 08:30', 'date', dot), {
      ok: true,
      value: { '@type': 'DateTime', '@value': '2024-03-01T08:30:00.000Z' },
    });
    assert.deepEqual(convertValue('2024-03-01T08:30:00+02:00', 'date', dot), {
      ok: true,
      value: { '@type': 'DateTime', '@value': '2024-03-01T06:30:00.000Z' },
    });
    for (const bad of ['2023-02-29', '2024-13-01', '01/03/2024', '2024-03-01T25:00']) {
      assert.equal(convertValue(bad, 'date', dot).ok, false, bad);
    }
  });

  it('convertValue parses JSON text and passes JSON values through', () => {
    assert.deepEqual(convertValue('{"a":[1,2]}', 'json', dot), { ok: true, value: { a: [1, 2] } });
    assert.deepEqual(convertValue({ a: 1 }, 'json', dot), { ok: true, value: { a: 1 } });
    assert.match(
      (convertValue('{a:1}', 'json', dot) as { reason: string }).reason,
      /not valid JSON/,
    );
  });

  it('convertValue refuses JSON nested deeper than Civis accepts, without overflowing', () => {
    // JSON.parse takes it, but JSON.stringify of the batch would overflow the stack.
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const result = convertValue(deep, 'json', dot) as { ok: boolean; reason: string };
    assert.equal(result.ok, false);
    assert.match(result.reason, /value: nested deeper than 100 levels/);
    // A null member is Civis' to refuse (a per-entity error of the batch).
    assert.deepEqual(convertValue('{"a":null}', 'json', dot), { ok: true, value: { a: null } });
  });

  it('convertValue refuses objects where text is expected and bounds the echoed value', () => {
    assert.match((convertValue({ a: 1 }, 'text', dot) as { reason: string }).reason, /an object/);
    const reason = (convertValue('x'.repeat(10_000), 'number', dot) as { reason: string }).reason;
    assert.ok(reason.length < 100);
  });
});
