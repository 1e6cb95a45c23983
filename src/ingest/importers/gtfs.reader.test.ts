import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isProblemDetails } from '../../ngsi-ld/problem-details.js';
import type { CsvOptions } from './csv.reader.js';
import { defaultGtfsMapping } from './gtfs-default.mapping.js';
import { openGtfsSources, slug } from './gtfs.reader.js';
import type { SourceRecord } from './import.types.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/import/', import.meta.url));
const CSV: CsvOptions = { encoding: 'utf-8', maxRecordBytes: 1 << 20 };

async function readFeed(path: string, agency?: string) {
  const feed = await openGtfsSources(path, defaultGtfsMapping(), {
    csv: CSV,
    ...(agency === undefined ? {} : { agency }),
  });
  const byFile: Record<string, SourceRecord[]> = {};
  try {
    for (const source of feed.sources) {
      byFile[source.name] = [];
      for await (const record of source.records()) byFile[source.name]?.push(record);
    }
  } finally {
    await feed.close();
  }
  return { agency: feed.agency, byFile, fields: feed.sources.map((s) => s.fields) };
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

describe('openGtfsSources', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'civis-gtfs-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a feed folder in mapping order and gives every record the agency', async () => {
    const { agency, byFile, fields } = await readFeed(join(FIXTURES, 'gtfs'));
    assert.equal(agency, 'EMT');
    assert.deepEqual(Object.keys(byFile), ['agency.txt', 'routes.txt', 'stops.txt']);
    assert.deepEqual(
      byFile['routes.txt']?.map((r) => r.fields['agency_id']),
      ['EMT', 'EMT'],
    );
    assert.equal(byFile['stops.txt']?.[1]?.fields['stop_name'], 'Estación Central');
    assert.equal(byFile['stops.txt']?.[1]?.fields['agency_id'], 'EMT');
    assert.ok(fields[2]?.includes('agency_id'));
  });

  it('reads the same feed from a zip with a top folder, ignoring __MACOSX', async () => {
    const { byFile } = await readFeed(join(FIXTURES, 'gtfs-feed.zip'));
    assert.equal(byFile['stops.txt']?.length, 4);
    assert.equal(byFile['stops.txt']?.[0]?.fields['stop_id'], '101');
  });

  it('uses --agency over agency.txt', async () => {
    const { byFile } = await readFeed(join(FIXTURES, 'gtfs'), 'civisville');
    assert.equal(byFile['stops.txt']?.[0]?.fields['agency_id'], 'civisville');
    assert.equal(byFile['routes.txt']?.[0]?.fields['agency_id'], 'EMT');
    assert.equal(byFile['routes.txt']?.[1]?.fields['agency_id'], 'civisville');
  });

  it('asks for --agency when the feed has several agencies', async () => {
    const feed = join(dir, 'multi');
    await cp(join(FIXTURES, 'gtfs'), feed, { recursive: true });
    await writeFile(
      join(feed, 'agency.txt'),
      'agency_id,agency_name,agency_url,agency_timezone\nA,Bus A,https://a,UTC\nB,Bus B,https://b,UTC\n',
    );
    assert.match(await problemOf(readFeed(feed)), /the feed has 2 agencies \(A, B\); .*--agency/);
  });

  it('names the agency after agency_name when agency_id is left out', async () => {
    const feed = join(dir, 'single');
    await cp(join(FIXTURES, 'gtfs'), feed, { recursive: true });
    await writeFile(
      join(feed, 'agency.txt'),
      'agency_name,agency_url,agency_timezone\nEMT Málaga,https://x,UTC\n',
    );
    assert.equal((await readFeed(feed)).agency, 'emt-malaga');
    assert.equal(slug('  Ünïon / Bus  '), 'union-bus');
    // A name in another script used to give an empty slug: "agency.txt names no agency".
    await writeFile(
      join(feed, 'agency.txt'),
      'agency_name,agency_url,agency_timezone\nМосгортранс,https://x,Europe/Moscow\n',
    );
    assert.equal((await readFeed(feed)).agency, 'мосгортранс');
    assert.equal(slug('दिल्ली परिवहन'), 'दिल्ली-परिवहन');
  });

  it('refuses a feed without a mapped file', async () => {
    const feed = join(dir, 'partial');
    await cp(join(FIXTURES, 'gtfs'), feed, { recursive: true });
    await rm(join(feed, 'routes.txt'));
    assert.match(await problemOf(readFeed(feed)), /the feed has no routes\.txt/);
  });

  it('refuses a file that is not a zip', async () => {
    const path = join(dir, 'feed.zip');
    await writeFile(path, 'stop_id,stop_name\n1,A\n');
    assert.match(await problemOf(readFeed(path)), /feed\.zip is not a readable zip file/);
    assert.match(await problemOf(readFeed(join(dir, 'missing.zip'))), /does not exist/);
  });
});
