/**
 * CSV (and GTFS .txt) files as an ImportSource, streamed through csv-parse: a header row is
 * required, the delimiter is detected from it unless given, every row keeps its line number,
 * and a row whose field count differs from the header's is refused on its own.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse, type Info } from 'csv-parse';
import { badRequestData } from '../../ngsi-ld/problem-details.js';
import type { EntityMapping } from './import-mapping.model.js';
import type { ImportSource, SourceRecord } from './import.types.js';
import { decodeText, type TextEncoding } from './text-decoding.js';

export const DELIMITERS = [',', ';', '\t', '|'] as const;

export interface CsvOptions {
  /** One character; detected from the header row when absent. */
  delimiter?: string;
  encoding: TextEncoding;
  /** Longest accepted line / record, in bytes. */
  maxRecordBytes: number;
}

export interface CsvRow {
  /** The line the row starts on (1 = the header). */
  line: number;
  fields: string[];
}

export interface CsvTable {
  header: string[];
  rows: AsyncIterable<CsvRow>;
  bytesRead(): number;
  close(): Promise<void>;
}

/** A CSV file on disk as an import source. */
export async function openCsvFile(
  path: string,
  name: string,
  mapping: EntityMapping,
  options: CsvOptions,
): Promise<ImportSource> {
  const { size } = await stat(path);
  const table = await readCsvTable(
    createReadStream(path, { highWaterMark: 64 * 1024 }),
    name,
    options,
  );
  return csvSource(table, name, mapping, size);
}

/** Rows of a parsed table as source records; the caller knows the total size, if any. */
export function csvSource(
  table: CsvTable,
  name: string,
  mapping: EntityMapping,
  totalBytes: number | undefined,
): ImportSource {
  const { header } = table;
  return {
    name,
    mapping,
    fields: header,
    rejectColumns: header,
    position: () => ({
      done: table.bytesRead(),
      ...(totalBytes === undefined ? {} : { total: totalBytes }),
    }),
    async *records(): AsyncGenerator<SourceRecord> {
      for await (const row of table.rows) yield toRecord(row, header);
    },
    close: () => table.close(),
  };
}

function toRecord(row: CsvRow, header: string[]): SourceRecord {
  let values = row.fields;
  // A trailing delimiter ("a,b,") adds empty fields some exports always write.
  if (values.length > header.length && values.slice(header.length).every((v) => v === '')) {
    values = values.slice(0, header.length);
  }
  // Object.fromEntries defines own properties: a column named "__proto__" stays a column.
  const fields: Record<string, string> = Object.fromEntries(
    header.flatMap((column, index) => {
      const value = values[index];
      return value === undefined ? [] : [[column, value]];
    }),
  );
  const record: SourceRecord = { at: `line ${row.line}`, fields, raw: values };
  if (values.length !== header.length) {
    record.problem = `has ${values.length} fields, the header has ${header.length}`;
  }
  return record;
}

/** Decodes and parses a CSV byte stream; resolves once the header row is read. */
export async function readCsvTable(
  bytes: AsyncIterable<Uint8Array>,
  name: string,
  options: CsvOptions,
): Promise<CsvTable> {
  let bytesRead = 0;
  async function* counted() {
    for await (const chunk of bytes) {
      bytesRead += chunk.length;
      yield chunk;
    }
  }
  const text = decodeText(counted(), {
    encoding: options.encoding,
    name,
    maxLineBytes: options.maxRecordBytes,
  });
  const rows = parseRows(normaliseNewlines(text), name, options);
  const first = await rows.next();
  if (first.done === true) throw badRequestData(`${name} is empty: a header row is required`);
  const header = first.value.fields.map((column) => column.trim());
  return {
    header,
    rows: { [Symbol.asyncIterator]: () => rows },
    bytesRead: () => bytesRead,
    close: async () => {
      await rows.return(undefined);
    },
  };
}

/** CRLF and CR become LF, so that csv-parse counts lines as an editor does. */
async function* normaliseNewlines(text: AsyncIterable<string>): AsyncGenerator<string> {
  let pendingCr = false;
  for await (let chunk of text) {
    if (pendingCr) chunk = `\r${chunk}`;
    pendingCr = chunk.endsWith('\r');
    if (pendingCr) chunk = chunk.slice(0, -1);
    yield chunk.replace(/\r\n?/g, '\n');
  }
  if (pendingCr) yield '\n';
}

async function* parseRows(
  text: AsyncIterable<string>,
  name: string,
  options: CsvOptions,
): AsyncGenerator<CsvRow> {
  const iterator = text[Symbol.asyncIterator]();
  const head: string[] = [];
  let seen = '';
  const readUntil = async (found: () => boolean) => {
    while (!found() && seen.length <= options.maxRecordBytes) {
      const next = await iterator.next();
      if (next.done === true) break;
      head.push(next.value);
      seen += next.value;
    }
  };
  await readUntil(() => seen.includes('\n'));
  // Excel writes a "sep=;" line before the header to name the delimiter.
  const firstLine = seen.split('\n', 1)[0] ?? '';
  const excelHint = /^sep=([^\n"])\s*$/.exec(firstLine);
  const headerStart = excelHint ? firstLine.length + 1 : 0;
  let delimiter = options.delimiter ?? excelHint?.[1];
  if (delimiter === undefined) {
    // The header record, which a quoted name with a line break ("Capacity\n(spots)") extends.
    await readUntil(() => scanHeader(seen, headerStart).end !== -1);
    delimiter = bestDelimiter(scanHeader(seen, headerStart).counts);
  }
  if (excelHint) head.splice(0, head.length, seen.slice(headerStart));
  const lineOffset = excelHint ? 1 : 0;
  const parser = parse({
    delimiter,
    record_delimiter: '\n',
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: options.maxRecordBytes,
    info: true,
  });
  async function* all() {
    yield* head;
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
      yield next.value;
    }
  }
  const piping = pipeline(Readable.from(all()), parser).catch(() => undefined);
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      if (item.record.every((field) => field.trim() === '')) continue;
      // info.lines is the line the record ends on; quoted newlines move its start back.
      const inner = item.record.reduce((sum, field) => sum + countLf(field), 0);
      yield { line: item.info.lines - inner + lineOffset, fields: item.record };
    }
  } catch (error) {
    throw error instanceof CsvError ? csvProblem(error, name, options) : error;
  } finally {
    parser.destroy();
    await piping;
  }
}

/** The candidate seen most often outside quotes in the header row (',' when none is). */
export function detectDelimiter(headerLine: string): string {
  return bestDelimiter(scanHeader(headerLine, 0).counts);
}

/**
 * The header record starting at `from`: where it ends (its first line break outside quotes;
 * -1 when not seen yet) and how often each candidate delimiter occurs outside quotes. As for
 * csv-parse, a quote opens a quoted field only at the start of a field.
 */
function scanHeader(text: string, from: number): { end: number; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  const isCandidate = (char: string | undefined) =>
    char !== undefined && (DELIMITERS as readonly string[]).includes(char);
  let quoted = false;
  for (let at = from; at < text.length; at += 1) {
    const char = text[at];
    if (quoted) {
      if (char !== '"') continue;
      if (text[at + 1] === '"') at += 1;
      else quoted = false;
    } else if (char === '"') {
      quoted = at === from || text[at - 1] === '\n' || isCandidate(text[at - 1]);
    } else if (char === '\n') {
      return { end: at, counts };
    } else if (char !== undefined && isCandidate(char)) {
      counts.set(char, (counts.get(char) ?? 0) + 1);
    }
  }
  return { end: -1, counts };
}

function bestDelimiter(counts: Map<string, number>): string {
  let best = ',';
  let bestCount = 0;
  for (const delimiter of DELIMITERS) {
    const count = counts.get(delimiter) ?? 0;
    if (count > bestCount) [best, bestCount] = [delimiter, count];
  }
  return best;
}

function countLf(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count += 1;
  return count;
}

function csvProblem(error: CsvError, name: string, options: CsvOptions) {
  const line = (error as CsvError & { lines?: number }).lines;
  switch (error.code) {
    case 'CSV_MAX_RECORD_SIZE':
      return badRequestData(
        `${name}: the record on line ${line} is longer than ${options.maxRecordBytes} bytes ` +
          '(an unclosed quote? raise the limit with --max-record-size)',
      );
    case 'CSV_QUOTE_NOT_CLOSED':
      return badRequestData(`${name}: a quote is never closed (the file ends on line ${line})`);
    default:
      return badRequestData(`${name}: ${error.message}`);
  }
}
