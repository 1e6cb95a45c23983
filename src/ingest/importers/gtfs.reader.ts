/**
 * A GTFS feed as import sources, one per mapped file (agency.txt, routes.txt, stops.txt…).
 * Ids carry the agency (`urn:ngsi-ld:GtfsStop:<agency>:<stop_id>`) so that two feeds' stop
 * "1" never meet: every record gets `agency_id` — its own (routes.txt) or the feed's agency,
 * which is --agency, or the only agency of agency.txt.
 */
import { badRequestData } from '../../ngsi-ld/problem-details.js';
import { csvSource, readCsvTable, type CsvOptions } from './csv.reader.js';
import type { GtfsMapping } from './import-mapping.model.js';
import type { ImportSource, SourceRecord } from './import.types.js';
import { openGtfsFeedFiles, type GtfsFeedFiles } from './gtfs-feed.js';

export const AGENCY_FIELD = 'agency_id';

export interface GtfsOptions {
  /** The feed's agency id for ids and operatedBy (default: the only agency of agency.txt). */
  agency?: string;
  csv: CsvOptions;
}

export interface GtfsSources {
  sources: ImportSource[];
  agency: string;
  close(): Promise<void>;
}

export async function openGtfsSources(
  path: string,
  mapping: GtfsMapping,
  options: GtfsOptions,
): Promise<GtfsSources> {
  const files = await openGtfsFeedFiles(path);
  const sources: ImportSource[] = [];
  const close = async () => {
    await Promise.all(sources.map((source) => source.close()));
    await files.close();
  };
  try {
    const missing = mapping.files.map((entry) => entry.file).filter((file) => !files.has(file));
    if (missing.length > 0) throw badRequestData(`the feed has no ${missing.join(', ')}`);
    const agency = options.agency ?? (await feedAgency(files, options.csv));
    for (const { file, mapping: fileMapping } of mapping.files) {
      const table = await readCsvTable(await files.open(file), file, options.csv);
      sources.push(withAgency(csvSource(table, file, fileMapping, files.size(file)), agency));
    }
    return { sources, agency, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The feed's one agency: its agency_id, or its name as a slug when the id is left out. */
async function feedAgency(files: GtfsFeedFiles, csv: CsvOptions): Promise<string> {
  if (!files.has('agency.txt')) {
    throw badRequestData('the feed has no agency.txt; name its agency with --agency');
  }
  const table = await readCsvTable(await files.open('agency.txt'), 'agency.txt', csv);
  const ids = new Set<string>();
  try {
    for await (const row of table.rows) {
      const fields = Object.fromEntries(table.header.map((column, i) => [column, row.fields[i]]));
      const id = fields[AGENCY_FIELD]?.trim() || slug(fields['agency_name'] ?? '');
      if (id !== '') ids.add(id);
    }
  } finally {
    await table.close();
  }
  if (ids.size === 1) return [...ids][0] as string;
  if (ids.size === 0) throw badRequestData('agency.txt names no agency; give --agency');
  throw badRequestData(
    `the feed has ${ids.size} agencies (${[...ids].slice(0, 5).join(', ')}); ` +
      'choose the one that names its stops with --agency',
  );
}

function withAgency(source: ImportSource, agency: string): ImportSource {
  return {
    ...source,
    fields: source.fields.includes(AGENCY_FIELD) ? source.fields : [...source.fields, AGENCY_FIELD],
    async *records(): AsyncGenerator<SourceRecord> {
      for await (const record of source.records()) {
        const own = record.fields[AGENCY_FIELD];
        if (typeof own !== 'string' || own.trim() === '') record.fields[AGENCY_FIELD] = agency;
        yield record;
      }
    },
  };
}

/**
 * "EMT Málaga" → "emt-malaga": accents of Latin letters go; other scripts stay as they are
 * ("Мосгортранс" → "мосгортранс"), or a feed named in them would name no agency at all.
 */
export function slug(name: string): string {
  return name
    .normalize('NFD')
    .replace(/(\p{Script=Latin})\p{M}+/gu, '$1')
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}
