import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isProblemDetails } from '../../ngsi-ld/problem-details.js';
import { decodeText, type TextEncoding } from './text-decoding.js';

async function decode(
  chunks: Uint8Array[],
  encoding: TextEncoding = 'utf-8',
  maxLineBytes = 1024,
): Promise<string> {
  async function* source() {
    yield* chunks;
  }
  let text = '';
  for await (const part of decodeText(source(), { encoding, name: 'data.csv', maxLineBytes })) {
    text += part;
  }
  return text;
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

describe('decodeText', () => {
  it('decodeText strips a UTF-8 byte order mark', async () => {
    assert.equal(await decode([Buffer.from('\uFEFFcode;name\n1;Café\n')]), 'code;name\n1;Café\n');
  });

  it('decodeText reassembles characters split between chunks', async () => {
    const bytes = Buffer.from('a\nÉtoile\n€\n');
    const chunks = [...bytes].map((byte) => Uint8Array.of(byte));
    assert.equal(await decode(chunks), 'a\nÉtoile\n€\n');
  });

  it('decodeText names the first line that is not UTF-8 and suggests --encoding', async () => {
    const latin1 = Buffer.from('code,name\n1,Plaza Mayor\n2,Café\n3,Niño\n', 'latin1');
    const detail = await problemOf(decode([latin1]));
    assert.match(detail, /data\.csv is not valid UTF-8 \(first bad byte on line 3\)/);
    assert.match(detail, /--encoding windows-1252/);
  });

  it('decodeText counts lines across chunks for the error', async () => {
    const chunks = [Buffer.from('h\n1\n2\n'), Buffer.from('3\n'), Buffer.from([0x34, 0xe9, 0x0a])];
    assert.match(await problemOf(decode(chunks)), /line 5/);
  });

  it('decodeText reads Latin-1 and Windows-1252 files when told', async () => {
    const bytes = Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x80, 0x0a]);
    assert.equal(await decode([bytes], 'latin1'), 'Café €\n');
    assert.equal(await decode([bytes], 'windows-1252'), 'Café €\n');
  });

  it('decodeText refuses a UTF-8 file (byte order mark) read as windows-1252', async () => {
    const bytes = Buffer.from('\uFEFFcode,name\n1,Café\n');
    // In chunks of one byte, so that the mark is seen across chunks too.
    const chunks = [...bytes].map((byte) => Uint8Array.of(byte));
    for (const encoding of ['windows-1252', 'latin1'] as const) {
      assert.match(
        await problemOf(decode(chunks, encoding)),
        /data\.csv starts with a UTF-8 byte order mark: it is UTF-8, not .*without --encoding/,
      );
    }
    assert.equal(await decode([Buffer.from('ab')], 'windows-1252'), 'ab');
    assert.equal(await decode([Buffer.from('a'), Buffer.from('bcd')], 'latin1'), 'abcd');
  });

  it('decodeText reads UTF-16LE with its byte order mark', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a;b\nÉ;€\n', 'utf16le')]);
    assert.equal(await decode([bytes.subarray(0, 5), bytes.subarray(5)], 'utf-16le'), 'a;b\nÉ;€\n');
  });

  it('decodeText tells a UTF-16 file read as UTF-8 apart', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a;b\n', 'utf16le')]);
    assert.match(await problemOf(decode([bytes])), /UTF-16 byte order mark; .*--encoding utf-16le/);
  });

  it('decodeText stops at a line longer than the limit', async () => {
    const line = Buffer.alloc(5000, 0x61);
    assert.match(
      await problemOf(decode([Buffer.from('h\n'), line], 'utf-8', 1024)),
      /line 2 is longer than 1024 bytes/,
    );
  });

  it('decodeText yields nothing for an empty file', async () => {
    assert.equal(await decode([]), '');
    assert.equal(await decode([Buffer.from([0xef, 0xbb, 0xbf])]), '');
  });
});
