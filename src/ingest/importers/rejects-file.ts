/**
 * The --rejects file: one CSV row per rejected record — `_source`, `_position`, `_reason`,
 * then the record as it was read (the file's own columns; a GeoJSON feature as JSON). The
 * extra columns are not mapped, so a corrected rejects file of a CSV import can be imported
 * again with the same mapping. Values are written as read, formulas included: open it in a
 * spreadsheet with care.
 */
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { badRequestData } from '../../ngsi-ld/problem-details.js';
import type { RejectsSink, Rejection } from './import.runner.js';
import type { ImportSource } from './import.types.js';

export const REJECT_COLUMNS = ['_source', '_position', '_reason'] as const;

export interface RejectsFile extends RejectsSink {
  /** Flushes the file; a write that failed is reported here too. */
  close(): Promise<void>;
}

/**
 * Opens `path` for writing; the header lists every source's columns once. `inputs` are the
 * files of the import (data, mapping): opening one of them for writing would empty it.
 */
export async function openRejectsFile(
  path: string,
  sources: readonly ImportSource[],
  inputs: readonly string[] = [],
): Promise<RejectsFile> {
  for (const input of inputs) {
    if (await sameFile(path, input)) {
      throw badRequestData(`--rejects ${path} is the file being imported; name another file`);
    }
  }
  const { columns, positions } = layOut(sources);
  const file = createWriteStream(path);
  try {
    await once(file, 'open');
  } catch (error) {
    throw cannotWrite(path, error);
  }
  const csv = stringify();
  let failure: unknown;
  // Without a handler, a write error (disk full) would crash the process.
  const written = pipeline(csv, file).catch((error: unknown) => {
    failure = error;
  });
  const write = async (row: string[]) => {
    if (failure === undefined && !csv.write(row)) {
      await Promise.race([once(csv, 'drain').catch(() => undefined), written]);
    }
    if (failure !== undefined) throw cannotWrite(path, failure);
  };
  await write([...REJECT_COLUMNS, ...columns]);
  return {
    async write(rejection: Rejection, source: ImportSource, raw: readonly string[]) {
      const values: string[] = columns.map(() => '');
      const at = positions.get(source) ?? [];
      // Fields past the header (a row with too many) go last, so that nothing read is lost.
      const extra = raw.slice(at.length);
      at.forEach((position, index) => (values[position] = raw[index] ?? ''));
      await write([rejection.source, rejection.at, rejection.reason, ...values, ...extra]);
    },
    async close() {
      if (!csv.writableEnded) csv.end();
      await written;
      if (failure !== undefined) throw cannotWrite(path, failure);
    },
  };
}

/**
 * The rejects file's columns: every source's columns once, a name repeated in one header
 * ("a,b,a") as often as it is repeated there; and where each source's columns go.
 */
function layOut(sources: readonly ImportSource[]) {
  const columns: string[] = [];
  const positions = new Map<ImportSource, number[]>();
  for (const source of sources) {
    const seen = new Map<string, number>();
    positions.set(
      source,
      source.rejectColumns.map((column) => {
        const nth = seen.get(column) ?? 0;
        seen.set(column, nth + 1);
        const existing = columns.flatMap((name, index) => (name === column ? [index] : []));
        return existing[nth] ?? columns.push(column) - 1;
      }),
    );
  }
  return { columns, positions };
}

async function sameFile(a: string, b: string): Promise<boolean> {
  if (resolve(a) === resolve(b)) return true;
  const [first, second] = await Promise.all([stat(a).catch(() => null), stat(b).catch(() => null)]);
  return first !== null && second !== null && first.dev === second.dev && first.ino === second.ino;
}

function cannotWrite(path: string, error: unknown) {
  const code = (error as { code?: unknown }).code;
  const reason = typeof code === 'string' ? code : (error as Error).message;
  return badRequestData(`cannot write the rejects file ${path} (${reason})`);
}
