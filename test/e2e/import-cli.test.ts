import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCivis } from '../support/civis-process.js';
import { TEST_CONTEXT_URL } from '../support/test-app.js';
import { FIXTURES, startListeningCivis, type ListeningCivis } from './import-e2e.fixtures.js';

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = runCivis(args);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('civis import (command line)', () => {
  let civis: ListeningCivis;
  let dir = '';
  before(async () => {
    civis = await startListeningCivis();
    dir = await mkdtemp(join(tmpdir(), 'civis-import-cli-'));
  });
  after(async () => {
    await civis.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('civis import csv imports twice without duplicates and exits 3 when rows are rejected', async () => {
    const rejects = join(dir, 'rejects.csv');
    const args = [
      'import',
      'csv',
      join(FIXTURES, 'parking.csv'),
      '--mapping',
      join(FIXTURES, 'parking.mapping.json'),
      '--url',
      civis.url,
      '--tenant',
      'cli',
      '--rejects',
      rejects,
      '--progress-every',
      '2',
    ];
    const first = await run(args);
    assert.equal(first.code, 3, first.stderr);
    assert.match(first.stdout, /^Imported parking\.csv in [\d.]+ s\n/);
    assert.match(first.stdout, /read {6}6\n/);
    assert.match(first.stdout, /imported {2}3 \(3 created or updated\)/);
    assert.match(first.stdout, /✗ parking\.csv line 5: totalSpotNumber/);
    assert.match(first.stdout, /every rejected record is in .*rejects\.csv/);
    // No terminal: plain progress lines on stderr.
    assert.match(
      first.stderr,
      /parking\.csv: 2 rows read, 0 imported, 0 rejected \(\d+ rows\/s\) \d+%/,
    );
    assert.match(first.stderr, /done parking\.csv: 6 rows read, 3 imported, 2 rejected/);
    assert.match(await readFile(rejects, 'utf8'), /line 6/);

    const second = await run([...args, '--json']);
    assert.equal(second.code, 3);
    const summary = JSON.parse(second.stdout) as { imported: number; unconfirmed: number };
    assert.equal(summary.imported, 3);
    assert.equal(await civis.count('ParkingSpot', { tenant: 'cli', context: TEST_CONTEXT_URL }), 3);
  });

  it('civis import gtfs exits 1 with a readable message when the feed is missing', async () => {
    const result = await run(['import', 'gtfs', join(dir, 'nowhere.zip'), '--url', civis.url]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /Error: .*nowhere\.zip does not exist/);
  });

  it('civis import csv refuses bad flags before reading anything', async () => {
    const result = await run([
      'import',
      'csv',
      'x.csv',
      '--mapping',
      'm.json',
      '--batch-size',
      '0',
    ]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /--batch-size.*must be a whole number from 1 to 10000/);
    const encoding = await run([
      'import',
      'csv',
      'x.csv',
      '--mapping',
      'm.json',
      '--encoding',
      'ebcdic',
    ]);
    assert.match(encoding.stderr, /Allowed choices are utf-8, latin1, windows-1252, utf-16le/);
    const url = await run(['import', 'csv', 'x.csv', '--mapping', 'm.json', '--url', 'civis:1026']);
    assert.equal(url.code, 1);
    assert.match(url.stderr, /--url.*must be an http\(s\) URL/);
  });

  it('civis import csv exits 1 with a message, not a stack trace, on a file it cannot read', async () => {
    const args = ['import', 'csv', dir, '--mapping', join(FIXTURES, 'parking.mapping.json')];
    const result = await run([...args, '--url', civis.url]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /Error: .* is a folder; give a csv file/);
    assert.doesNotMatch(result.stderr, /civis: |at .*\.ts:\d+/);
  });

  it('civis import gtfs --print-mapping prints the built-in mapping', async () => {
    const result = await run(['import', 'gtfs', '--print-mapping']);
    assert.equal(result.code, 0);
    const mapping = JSON.parse(result.stdout) as { files: Record<string, { type: string }> };
    assert.equal(mapping.files['stops.txt']?.type, 'GtfsStop');
  });
});
