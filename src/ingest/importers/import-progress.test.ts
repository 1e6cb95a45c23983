import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createImportProgress } from './import-progress.js';
import { exitCodeOf, formatSummary } from './import-summary.js';
import type { ImportSummary } from './import.runner.js';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return {
    chunks,
    isTTY,
    write(text: string) {
      chunks.push(text);
      return true;
    },
    columns: 120,
  };
}

const snapshot = { source: 'lights.csv', imported: 0, rejected: 0, done: 50, total: 100 };

describe('createImportProgress', () => {
  it('writes a plain line every n rows when stderr is not a terminal', () => {
    let clock = 0;
    const out = stream(false);
    const progress = createImportProgress(out, { every: 2, now: () => clock });
    progress.update({ ...snapshot, read: 1 });
    clock = 1000;
    progress.update({ ...snapshot, read: 2, imported: 2 });
    progress.update({ ...snapshot, read: 3 });
    progress.finish({ ...snapshot, read: 3, imported: 3, done: 100 });
    assert.deepEqual(out.chunks, [
      'lights.csv: 2 rows read, 2 imported, 0 rejected (2 rows/s) 50%\n',
      'done lights.csv: 3 rows read, 3 imported, 0 rejected (3 rows/s) 100%\n',
    ]);
  });

  it('draws a bar with rows, rate and rejections on a terminal', () => {
    const out = stream(true);
    const progress = createImportProgress(out, { every: 1000 });
    progress.update({ ...snapshot, read: 10, rejected: 1 });
    progress.finish({ ...snapshot, read: 20, imported: 19, rejected: 1, done: 100 });
    const screen = out.chunks.join('');
    assert.match(
      screen,
      /lights\.csv \[[=-]+\] 100% \| 20 rows \| \d+ rows\/s \| 19 imported \| 1 rejected/,
    );
  });
});

const SUMMARY: ImportSummary = {
  read: 10,
  imported: 7,
  created: 4,
  updated: 3,
  unconfirmed: 0,
  skipped: 1,
  rejected: 2,
  durationMs: 1234,
  sources: [{ name: 'lights.csv', read: 10, imported: 7, skipped: 1, rejected: 2 }],
  rejections: [
    { source: 'lights.csv', at: 'line 4', reason: "power (column 'watts'): 'x' is not a number" },
  ],
};

describe('formatSummary', () => {
  it('formatSummary says what was read, imported, skipped and rejected, and where', () => {
    const text = formatSummary(SUMMARY, { dryRun: false, rejectsPath: 'rejects.csv' });
    assert.match(text, /^Imported lights\.csv in 1\.2 s\n/);
    assert.match(text, /imported {2}7 \(created 4, updated 3\)/);
    assert.match(text, /skipped {3}1 \(skip rules\)/);
    assert.match(text, /✗ lights\.csv line 4: power/);
    assert.match(text, /… and 1 more rejected/);
    assert.match(text, /every rejected record is in rejects\.csv/);
  });

  it('formatSummary ends a stopped import with its error', () => {
    const text = formatSummary({ ...SUMMARY, fatal: 'Cannot reach Civis' }, { dryRun: false });
    assert.match(text, /^Stopped/);
    assert.match(text, /Error: Cannot reach Civis\nImports are idempotent/);
  });

  it('exitCodeOf is 0 when all imported, 3 with rejections, 1 when stopped', () => {
    assert.equal(exitCodeOf({ ...SUMMARY, rejected: 0 }), 0);
    assert.equal(exitCodeOf(SUMMARY), 3);
    assert.equal(exitCodeOf({ ...SUMMARY, fatal: 'x' }), 1);
  });
});
