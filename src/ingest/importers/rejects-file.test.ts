import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseEntityMapping } from './import-mapping.parser.js';
import type { ImportSource } from './import.types.js';
import { openRejectsFile } from './rejects-file.js';

const mapping = parseEntityMapping({ type: 'T', id: 'urn:x:{a}' }, 'm');

function source(name: string, rejectColumns: string[]): ImportSource {
  return {
    name,
    mapping,
    fields: rejectColumns,
    rejectColumns,
    records: async function* () {},
    position: () => ({ done: 0 }),
    close: async () => undefined,
  };
}

describe('openRejectsFile', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'civis-rejects-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes every field read: repeated header names and fields past the header', async () => {
    const path = join(dir, 'rejects.csv');
    const twice = source('twice.csv', ['a', 'b', 'a']);
    const other = source('other.csv', ['b', 'c']);
    const file = await openRejectsFile(path, [twice, other]);
    const rejection = (at: string) => ({ source: 'twice.csv', at, reason: 'bad' });
    await file.write(rejection('line 2'), twice, ['1', '2', '3']);
    await file.write(rejection('line 3'), twice, ['1', '2', '3', 'extra']);
    await file.write({ ...rejection('line 2'), source: 'other.csv' }, other, ['x', 'y']);
    await file.close();
    assert.equal(
      await readFile(path, 'utf8'),
      [
        '_source,_position,_reason,a,b,a,c',
        'twice.csv,line 2,bad,1,2,3,',
        'twice.csv,line 3,bad,1,2,3,,extra',
        'other.csv,line 2,bad,,x,,y',
        '',
      ].join('\n'),
    );
  });

  it('refuses to overwrite a file of the import', async () => {
    const path = join(dir, 'data.csv');
    await assert.rejects(openRejectsFile(join(dir, '.', 'data.csv'), [], [path]), {
      detail: `--rejects ${join(dir, 'data.csv')} is the file being imported; name another file`,
    });
  });
});
