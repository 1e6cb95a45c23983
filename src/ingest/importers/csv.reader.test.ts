import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isProblemDetails } from '../../ngsi-ld/problem-details.js';
import { csvSource, detectDelimiter, readCsvTable, type CsvOptions } from './csv.reader.js';
import { parseEntityMapping } from './import-mapping.parser.js';
import type { SourceRecord } from './import.types.js';

const OPTIONS: CsvOptions = { encoding: 'utf-8', maxRecordBytes: 1024 };
const mapping = parseEntityMapping({ type: 'T', id: 'urn:x:{code}' }, 'm');

async function* bytesOf(...parts: Array<string | Buffer>) {
  for (const part of parts) yield typeof part === 'string' ? Buffer.from(part) : part;
}

async function readAll(text: string | Buffer, options: Partial<CsvOptions> = {}) {
  const table = await readCsvTable(bytesOf(text), 'data.csv', { ...OPTIONS, ...options });
  const source = csvSource(table, 'data.csv', mapping, undefined);
  const records: SourceRecord[] = [];
  for await (const record of source.records()) records.push(record);
  return { header: table.header, records, position: source.position() };
}

async function problemOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isProblemDetails(error)) return error.detail;
    throw error;
  }
  throw new Error('expected a ProblemDetails');
}

describe('readCsvTable', () => {
  it('reads rows as fields by header name with their line numbers', async () => {
    const { header, records } = await readAll('code,name\n1,Plaza\n\n2,"Rue ""du"" Pont"\n');
    assert.deepEqual(header, ['code', 'name']);
    assert.deepEqual(
      records.map((r) => [r.at, r.fields]),
      [
        ['line 2', { code: '1', name: 'Plaza' }],
        ['line 4', { code: '2', name: 'Rue "du" Pont' }],
      ],
    );
  });

  it('numbers a row by the line it starts on when a quoted field spans lines', async () => {
    const { records } = await readAll('code,note\r\n1,"two\r\nlines"\r\n2,x\r\n');
    assert.deepEqual(
      records.map((r) => [r.at, r.fields['note']]),
      [
        ['line 2', 'two\nlines'],
        ['line 4', 'x'],
      ],
    );
  });

  it('detects ";" and tab delimiters from the header row', async () => {
    assert.deepEqual((await readAll('code;name;lat\n1;A;4,5\n')).records[0]?.fields, {
      code: '1',
      name: 'A',
      lat: '4,5',
    });
    assert.deepEqual((await readAll('code\tname\n1\tA, B\n')).records[0]?.fields, {
      code: '1',
      name: 'A, B',
    });
    assert.equal(detectDelimiter('"a;b",c,d'), ',');
    assert.equal(detectDelimiter('single'), ',');
  });

  it('detects the delimiter of a header whose quoted name holds a line break', async () => {
    // Excel writes a wrapped header cell as "Capacity<LF>(spots)": the header goes on.
    const { header, records } = await readAll('code;"Capacity\r\n(spots)";name\r\n1;12;A, B\r\n', {
      maxRecordBytes: 64,
    });
    assert.deepEqual(header, ['code', 'Capacity\n(spots)', 'name']);
    assert.deepEqual(
      records.map((r) => [r.at, r.fields['name']]),
      [['line 3', 'A, B']],
    );
    // A quote inside a name does not open a quoted field.
    assert.equal(detectDelimiter('size 5";code;name'), ';');
    assert.equal(detectDelimiter('"say ""a;b""",c'), ',');
  });

  it('reads columns named like Object members as plain columns', async () => {
    const { records } = await readAll('code,__proto__,constructor\n1,x,y\n');
    assert.equal(Object.hasOwn(records[0]?.fields ?? {}, '__proto__'), true);
    assert.equal(records[0]?.fields['__proto__'], 'x');
    assert.equal(records[0]?.fields['constructor'], 'y');
  });

  it('follows the "sep=" line Excel writes before the header', async () => {
    const { header, records } = await readAll('sep=;\r\ncode;name\r\n1;A, B\r\n');
    assert.deepEqual(header, ['code', 'name']);
    assert.deepEqual(
      records.map((r) => [r.at, r.fields['name']]),
      [['line 3', 'A, B']],
    );
  });

  it('uses the delimiter it is given', async () => {
    assert.deepEqual((await readAll('a,b|c\n1,2|3\n', { delimiter: '|' })).header, ['a,b', 'c']);
  });

  it('refuses rows whose field count differs from the header, one by one', async () => {
    const { records } = await readAll('code,name\n1\n2,B,extra\n3,C,\n4,D\n');
    assert.deepEqual(
      records.map((r) => [r.at, r.problem]),
      [
        ['line 2', 'has 1 fields, the header has 2'],
        ['line 3', 'has 3 fields, the header has 2'],
        ['line 4', undefined],
        ['line 5', undefined],
      ],
    );
    assert.deepEqual(records[1]?.raw, ['2', 'B', 'extra']);
  });

  it('keeps formula-injection strings as they are', async () => {
    const { records } = await readAll(
      'code,name\n1,"=HYPERLINK(""http://x"")"\n2,@SUM(A1)\n3,+1-1\n',
    );
    assert.deepEqual(
      records.map((r) => r.fields['name']),
      ['=HYPERLINK("http://x")', '@SUM(A1)', '+1-1'],
    );
  });

  it('reads a file with a byte order mark and trims header names', async () => {
    const { header } = await readAll('\uFEFF code , name\n1,A\n');
    assert.deepEqual(header, ['code', 'name']);
  });

  it('refuses an empty file: a header row is required', async () => {
    assert.match(await problemOf(readAll('')), /data\.csv is empty: a header row is required/);
    assert.match(await problemOf(readAll('\n\n')), /empty/);
  });

  it('accepts a file with only a header', async () => {
    assert.deepEqual((await readAll('code,name\n')).records, []);
  });

  it('stops at a record longer than the limit, naming its line', async () => {
    const huge = `code,name\n1,ok\n2,"${'x'.repeat(5000)}"\n`;
    assert.match(await problemOf(readAll(huge)), /line 3 is longer than 1024 bytes/);
  });

  it('stops at a quote that is never closed', async () => {
    const detail = await problemOf(readAll('code,name\n1,"open\n2,b\n'));
    assert.match(detail, /quote is never closed/);
  });

  it('reads Latin-1 when told, and stops when not', async () => {
    const latin1 = Buffer.from('code,name\n1,Niño\n', 'latin1');
    assert.equal(
      (await readAll(latin1, { encoding: 'latin1' })).records[0]?.fields['name'],
      'Niño',
    );
    assert.match(await problemOf(readAll(latin1)), /not valid UTF-8 \(first bad byte on line 2\)/);
  });

  it('reports the bytes read for progress', async () => {
    const text = 'code,name\n1,A\n';
    assert.deepEqual((await readAll(text)).position, { done: Buffer.byteLength(text) });
  });
});
