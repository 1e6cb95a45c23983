/**
 * Bytes → text for the text readers (CSV, GTFS). UTF-8 (with or without BOM) is checked
 * strictly, so that a Latin-1 export read as UTF-8 stops with the first bad line instead of
 * importing "Caf�"; the single-byte encodings and UTF-16LE go through WHATWG TextDecoder.
 */
import { badRequestData } from '../../ngsi-ld/problem-details.js';

export const TEXT_ENCODINGS = ['utf-8', 'latin1', 'windows-1252', 'utf-16le'] as const;
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

const NEWLINE = 0x0a;

export interface DecodeOptions {
  encoding: TextEncoding;
  /** The file, for messages. */
  name: string;
  /** A line longer than this stops the import (a binary file, or a runaway quote). */
  maxLineBytes: number;
}

export async function* decodeText(
  chunks: AsyncIterable<Uint8Array>,
  options: DecodeOptions,
): AsyncGenerator<string> {
  if (options.encoding === 'utf-8') {
    yield* decodeUtf8(chunks, options);
    return;
  }
  // WHATWG maps "latin1" to windows-1252, a superset for printable text.
  const decoder = new TextDecoder(options.encoding);
  for await (const chunk of refuseUtf8ByteOrderMark(chunks, options)) {
    const text = decoder.decode(chunk, { stream: true });
    if (text !== '') yield text;
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}

/**
 * A UTF-8 byte order mark says the file is UTF-8: read as windows-1252 it would import
 * "CafÃ©" everywhere, and name its first column "ï»¿code".
 */
async function* refuseUtf8ByteOrderMark(
  chunks: AsyncIterable<Uint8Array>,
  options: DecodeOptions,
): AsyncGenerator<Uint8Array> {
  let head: Uint8Array | undefined = new Uint8Array(0);
  for await (const chunk of chunks) {
    if (head === undefined) {
      yield chunk;
      continue;
    }
    head = Buffer.concat([head, chunk]);
    if (head.length < 3) continue;
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
      throw badRequestData(
        `${options.name} starts with a UTF-8 byte order mark: it is UTF-8, not ` +
          `${options.encoding}; import it without --encoding`,
      );
    }
    yield head;
    head = undefined;
  }
  if (head !== undefined && head.length > 0) yield head;
}

/**
 * Decodes whole lines only (a line ends at byte 0x0A, which never occurs inside a UTF-8
 * sequence), so that a decoding error can name its line.
 */
async function* decodeUtf8(
  chunks: AsyncIterable<Uint8Array>,
  options: DecodeOptions,
): AsyncGenerator<string> {
  let carry: Buffer<ArrayBufferLike> = Buffer.alloc(0);
  let linesBefore = 0;
  let first = true;
  for await (const chunk of chunks) {
    let bytes: Buffer<ArrayBufferLike> =
      carry.length === 0
        ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
        : Buffer.concat([carry, chunk]);
    if (first && bytes.length >= 3) {
      first = false;
      bytes = stripByteOrderMark(bytes, options.name);
    }
    const end = bytes.lastIndexOf(NEWLINE) + 1;
    carry = bytes.subarray(end);
    if (carry.length > options.maxLineBytes) {
      throw lineTooLong(options, linesBefore + 1);
    }
    if (end === 0) continue;
    const complete = bytes.subarray(0, end);
    yield decodeLines(complete, linesBefore, options.name);
    linesBefore += countNewlines(complete);
  }
  if (first) carry = stripByteOrderMark(carry, options.name);
  if (carry.length > 0) yield decodeLines(carry, linesBefore, options.name);
}

function stripByteOrderMark(bytes: Buffer, name: string): Buffer {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3);
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw badRequestData(
      `${name} starts with a UTF-16 byte order mark; import it with --encoding utf-16le`,
    );
  }
  return bytes;
}

function decodeLines(bytes: Buffer, linesBefore: number, name: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw notUtf8(name, linesBefore + firstBadLine(bytes));
  }
}

/** 1-based line (within `bytes`) of the first invalid UTF-8 sequence: only on the error path. */
function firstBadLine(bytes: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let start = 0;
  for (let line = 1; ; line += 1) {
    const next = bytes.indexOf(NEWLINE, start);
    const end = next === -1 ? bytes.length : next;
    try {
      decoder.decode(bytes.subarray(start, end));
    } catch {
      return line;
    }
    if (next === -1) return line;
    start = next + 1;
  }
}

function countNewlines(bytes: Buffer): number {
  let count = 0;
  for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) count += 1;
  return count;
}

function notUtf8(name: string, line: number) {
  return badRequestData(
    `${name} is not valid UTF-8 (first bad byte on line ${line}). If it was saved by ` +
      'Excel or an older system, try --encoding windows-1252 (or latin1, utf-16le)',
  );
}

function lineTooLong(options: DecodeOptions, line: number) {
  return badRequestData(
    `${options.name}: line ${line} is longer than ${options.maxLineBytes} bytes; ` +
      'is it a text file? (raise the limit with --max-record-size)',
  );
}
