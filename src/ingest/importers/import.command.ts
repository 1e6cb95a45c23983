/**
 * `civis import csv|geojson|gtfs <file>` (docs/importers.md). Talks to a running Civis over
 * its NGSI-LD API; progress goes to stderr, the summary to stdout (or JSON with --json).
 * Exit codes: 0 all imported, 1 stopped by an error, 3 some records rejected.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { DEFAULT_GTFS_MAPPING_JSON } from './gtfs-default.mapping.js';
import { IMPORT_FORMATS, importFile, type ImportFormat } from './import-file.js';
import { createImportProgress } from './import-progress.js';
import { EXIT_FATAL, exitCodeOf, formatSummary } from './import-summary.js';
import { TEXT_ENCODINGS, type TextEncoding } from './text-decoding.js';

interface ImportFlags {
  mapping?: string;
  url: string;
  tenant?: string;
  context?: string;
  token?: string;
  batchSize: number;
  delimiter?: string;
  encoding: TextEncoding;
  maxRecordSize: number;
  maxFileSize: number;
  agency?: string;
  rejects?: string;
  dryRun?: boolean;
  json?: boolean;
  progressEvery: number;
  printMapping?: boolean;
}

const DESCRIPTIONS: Record<ImportFormat, string> = {
  csv: 'Import the rows of a CSV file (header row required) as NGSI-LD entities',
  geojson: 'Import the features of a GeoJSON FeatureCollection as NGSI-LD entities',
  gtfs: 'Import a GTFS feed (.zip or folder): agency.txt, routes.txt, stops.txt',
};

export function registerImportCommand(cli: Command): void {
  const command = cli
    .command('import')
    .description('Import legacy data (CSV, GeoJSON, GTFS) into a running Civis');
  for (const format of IMPORT_FORMATS) addFormat(command, format);
}

function addFormat(parent: Command, format: ImportFormat): void {
  const command = parent
    .command(format === 'gtfs' ? 'gtfs [feed]' : `${format} <file>`)
    .description(DESCRIPTIONS[format])
    .option(
      '--mapping <file.json>',
      format === 'gtfs' ? 'mapping file (default: the built-in GTFS mapping)' : 'mapping file',
    )
    .option('--url <url>', 'Civis base URL', httpUrl, 'http://localhost:1026')
    .option('--tenant <tenant>', 'NGSILD-Tenant to import into')
    .option('--context <url>', '@context URL for attribute names (Link header)')
    .option('--token <token>', 'bearer token, when Civis requires authentication')
    .option('--batch-size <n>', 'entities per upsert request', positiveInt(10_000), 500)
    .option('--rejects <file.csv>', 'write every rejected record, with its reason, to this file')
    .option('--dry-run', 'read and map everything, report rejections, send nothing')
    .option('--json', 'print the summary as JSON')
    .option(
      '--progress-every <n>',
      'without a terminal: a progress line every n rows',
      positiveInt(1e9),
      10_000,
    )
    .option(
      '--max-record-size <bytes>',
      'longest accepted line/record',
      positiveInt(1 << 30),
      4 << 20,
    );
  if (format !== 'geojson') {
    command
      .option(
        '--delimiter <char>',
        'field delimiter (default: detected from the header)',
        delimiter,
      )
      .addOption(
        new Option('--encoding <encoding>', 'text encoding of the file')
          .choices(TEXT_ENCODINGS)
          .default('utf-8'),
      );
  }
  if (format === 'geojson') {
    command.option(
      '--max-file-size <bytes>',
      'largest accepted file',
      positiveInt(4 << 30),
      256 << 20,
    );
  }
  if (format === 'gtfs') {
    command
      .option('--agency <id>', "agency id in entity ids (default: the feed's only agency)")
      .option('--print-mapping', 'print the built-in GTFS mapping and exit');
  }
  command.action(async (path: string | undefined, flags: ImportFlags) => {
    process.exitCode = await runCommand(format, path, flags);
  });
}

async function runCommand(
  format: ImportFormat,
  path: string | undefined,
  flags: ImportFlags,
): Promise<number> {
  if (flags.printMapping) {
    process.stdout.write(`${JSON.stringify(DEFAULT_GTFS_MAPPING_JSON, null, 2)}\n`);
    return 0;
  }
  if (path === undefined) {
    process.stderr.write(`civis import ${format}: which feed? Give a .zip file or a folder\n`);
    return EXIT_FATAL;
  }
  if (format !== 'gtfs' && flags.mapping === undefined) {
    process.stderr.write(`civis import ${format}: --mapping <file.json> is required\n`);
    return EXIT_FATAL;
  }
  const summary = await importFile({
    format,
    path,
    ...(flags.mapping === undefined ? {} : { mappingPath: flags.mapping }),
    url: flags.url,
    ...(flags.tenant === undefined ? {} : { tenant: flags.tenant }),
    ...(flags.context === undefined ? {} : { context: flags.context }),
    ...(flags.token === undefined ? {} : { token: flags.token }),
    batchSize: flags.batchSize,
    ...(flags.delimiter === undefined ? {} : { delimiter: flags.delimiter }),
    encoding: flags.encoding ?? 'utf-8',
    maxRecordBytes: flags.maxRecordSize,
    maxFileBytes: flags.maxFileSize ?? 256 << 20,
    ...(flags.agency === undefined ? {} : { agency: flags.agency }),
    ...(flags.rejects === undefined ? {} : { rejectsPath: flags.rejects }),
    dryRun: flags.dryRun === true,
    progress: createImportProgress(process.stderr, { every: flags.progressEvery }),
  });
  process.stdout.write(
    flags.json
      ? `${JSON.stringify(summary, null, 2)}\n`
      : formatSummary(summary, {
          dryRun: flags.dryRun === true,
          ...(flags.rejects === undefined ? {} : { rejectsPath: flags.rejects }),
        }),
  );
  return exitCodeOf(summary);
}

function positiveInt(max: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1 || value > max) {
      throw new InvalidArgumentError(`must be a whole number from 1 to ${max}`);
    }
    return value;
  };
}

function httpUrl(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new InvalidArgumentError('must be an http(s) URL, like http://localhost:1026');
  }
  return text;
}

function delimiter(text: string): string {
  const value = text === '\\t' || text.toLowerCase() === 'tab' ? '\t' : text;
  if (value.length !== 1 || value === '"' || value === '\n' || value === '\r') {
    throw new InvalidArgumentError('must be one character, like ";" or "tab"');
  }
  return value;
}
