/**
 * One import from start to end, as `civis import` runs it: reads the mapping, opens the
 * file's sources, sends them to Civis (or nowhere, in a dry run) and returns the summary.
 * Problems with the input (missing file, invalid mapping, bad encoding…) come back as the
 * summary's `fatal`, never as a crash.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { badRequestData, isProblemDetails } from '../../ngsi-ld/problem-details.js';
import { openCsvFile } from './csv.reader.js';
import { createUpsertClient, type UpsertClientOptions } from './entity-upsert.client.js';
import { openGeoJsonFile } from './geojson.reader.js';
import { defaultGtfsMapping } from './gtfs-default.mapping.js';
import { openGtfsSources } from './gtfs.reader.js';
import type { EntityMapping } from './import-mapping.model.js';
import { parseEntityMapping, parseGtfsMapping } from './import-mapping.parser.js';
import { runImport, type ImportProgress, type ImportSummary } from './import.runner.js';
import type { EntityUpserter, ImportSource } from './import.types.js';
import { openRejectsFile, type RejectsFile } from './rejects-file.js';
import type { TextEncoding } from './text-decoding.js';

export const IMPORT_FORMATS = ['csv', 'geojson', 'gtfs'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface ImportRequest {
  format: ImportFormat;
  path: string;
  /** Mapping file; optional for GTFS (the built-in mapping). */
  mappingPath?: string;
  url: string;
  tenant?: string;
  /** @context URL for every entity (wins over the mapping's "@context"). */
  context?: string;
  token?: string;
  batchSize: number;
  delimiter?: string;
  encoding: TextEncoding;
  maxRecordBytes: number;
  maxFileBytes: number;
  agency?: string;
  rejectsPath?: string;
  dryRun: boolean;
  progress?: ImportProgress;
  /** Retry and timeout settings of the HTTP client (tests shorten them). */
  client?: Partial<Omit<UpsertClientOptions, 'url' | 'tenant' | 'token'>>;
}

export const DEFAULT_CLIENT = { timeoutMs: 60_000, maxRetries: 5, retryDelayMs: 500 };

export async function importFile(request: ImportRequest): Promise<ImportSummary> {
  const started = Date.now();
  let opened: OpenedSources | undefined;
  let rejects: RejectsFile | undefined;
  try {
    opened = await openSources(request);
    if (request.rejectsPath) {
      const inputs = [request.path, ...(request.mappingPath ? [request.mappingPath] : [])];
      rejects = await openRejectsFile(request.rejectsPath, opened.sources, inputs);
    }
    const summary = await runImport({
      sources: opened.sources,
      upserter: request.dryRun ? dryRun : createUpsertClient(clientOptions(request)),
      batchSize: request.batchSize,
      ...(request.progress ? { progress: request.progress } : {}),
      ...(rejects ? { rejects } : {}),
    });
    const file = rejects;
    rejects = undefined;
    await file?.close().catch((error: unknown) => {
      if (!isProblemDetails(error)) throw error;
      summary.fatal ??= error.detail;
    });
    return summary;
  } catch (error) {
    if (isProblemDetails(error)) return fatalSummary(error.detail, Date.now() - started);
    // A file the system refuses (a folder, no permission): say which, without a stack trace.
    const system = error as NodeJS.ErrnoException;
    if (error instanceof Error && typeof system.code === 'string' && system.syscall) {
      return fatalSummary(
        `cannot read ${system.path ?? request.path} (${system.code})`,
        Date.now() - started,
      );
    }
    throw error;
  } finally {
    await rejects?.close().catch(() => undefined);
    await opened?.close();
  }
}

function clientOptions(request: ImportRequest): UpsertClientOptions {
  return {
    ...DEFAULT_CLIENT,
    ...request.client,
    url: request.url,
    ...(request.tenant === undefined ? {} : { tenant: request.tenant }),
    ...(request.token === undefined ? {} : { token: request.token }),
  };
}

interface OpenedSources {
  sources: ImportSource[];
  close(): Promise<void>;
}

const dryRun: EntityUpserter = {
  upsert: async (entities) => ({ succeeded: entities.length, created: undefined, errors: [] }),
};

async function openSources(request: ImportRequest): Promise<OpenedSources> {
  const exists = await stat(request.path).catch(() => undefined);
  if (!exists) throw badRequestData(`${request.path} does not exist`);
  if (exists.isDirectory() && request.format !== 'gtfs') {
    throw badRequestData(`${request.path} is a folder; give a ${request.format} file`);
  }
  const name = basename(request.path);
  const raw =
    request.mappingPath === undefined ? undefined : await readMapping(request.mappingPath);
  const where = request.mappingPath ?? '';
  const csv = {
    encoding: request.encoding,
    maxRecordBytes: request.maxRecordBytes,
    ...(request.delimiter === undefined ? {} : { delimiter: request.delimiter }),
  };
  switch (request.format) {
    case 'csv': {
      const mapping = withContext(requireMapping(raw, where), request.context);
      return single(await openCsvFile(request.path, name, mapping, csv));
    }
    case 'geojson': {
      const mapping = withContext(requireMapping(raw, where), request.context);
      return single(await openGeoJsonFile(request.path, name, mapping, request.maxFileBytes));
    }
    case 'gtfs': {
      const gtfs = raw === undefined ? defaultGtfsMapping() : parseGtfsMapping(raw, where);
      const files = gtfs.files.map((entry) => ({
        ...entry,
        mapping: withContext(entry.mapping, request.context),
      }));
      const feed = await openGtfsSources(
        request.path,
        { files },
        { csv, ...(request.agency === undefined ? {} : { agency: request.agency }) },
      );
      return feed;
    }
  }
}

function single(source: ImportSource): OpenedSources {
  return { sources: [source], close: () => source.close() };
}

function requireMapping(raw: unknown, where: string): EntityMapping {
  if (raw === undefined) throw badRequestData('a mapping file is required: --mapping <file.json>');
  return parseEntityMapping(raw, where);
}

function withContext(mapping: EntityMapping, context: string | undefined): EntityMapping {
  return context === undefined ? mapping : { ...mapping, context };
}

async function readMapping(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw badRequestData(`the mapping file ${path} cannot be read`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw badRequestData(`the mapping file ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

function fatalSummary(fatal: string, durationMs: number): ImportSummary {
  return {
    read: 0,
    imported: 0,
    created: 0,
    updated: 0,
    unconfirmed: 0,
    skipped: 0,
    rejected: 0,
    durationMs,
    sources: [],
    rejections: [],
    fatal,
  };
}
