import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { importFile } from '../../src/ingest/importers/import-file.js';
import {
  FIXTURES,
  importRequest,
  startListeningCivis,
  type ListeningCivis,
} from './import-e2e.fixtures.js';

describe('civis import geojson (end to end)', () => {
  let civis: ListeningCivis;
  let dir = '';
  before(async () => {
    civis = await startListeningCivis();
    dir = await mkdtemp(join(tmpdir(), 'civis-import-geojson-'));
  });
  after(async () => {
    await civis.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('imports features with their geometry, rejects invalid ones, and re-imports without duplicates', async () => {
    const request = importRequest(civis.url, {
      format: 'geojson',
      path: join(FIXTURES, 'buildings.geojson'),
      mappingPath: join(FIXTURES, 'buildings.mapping.json'),
    });
    const first = await importFile(request);
    assert.equal(first.fatal, undefined);
    assert.equal(first.read, 4);
    assert.equal(first.imported, 2);
    assert.equal(first.created, 2);
    assert.deepEqual(
      first.rejections.map((r) => [r.at, r.reason]),
      [
        ['feature 3', 'location: geometry: Polygon ring 0 is not closed'],
        ['feature 4', "floorsAboveGround (column 'floors'): 'two' is not an integer"],
      ],
    );
    const second = await importFile(request);
    assert.equal(second.updated, 2);
    assert.equal(second.created, 0);
    assert.equal(await civis.count('Building'), 2);

    const townHall = await civis.entity('urn:ngsi-ld:Building:civisville:townhall');
    assert.equal((townHall['location'] as { value: { type: string } }).value.type, 'Polygon');
    assert.deepEqual(townHall['floorsAboveGround'], { type: 'Property', value: 3 });
    assert.deepEqual(townHall['dateOpened'], {
      type: 'Property',
      value: { '@type': 'Date', '@value': '1902-05-01' },
    });
    const library = await civis.entity('urn:ngsi-ld:Building:civisville:library');
    assert.deepEqual(library['floorsAboveGround'], { type: 'Property', value: 2 });
  });

  it('rejects hostile features one by one and imports the others', async () => {
    const point = '{"type":"Point","coordinates":[-3.8,43.46]}';
    const feature = (id: string, properties: string) =>
      `{"type":"Feature","id":${id},"properties":${properties},"geometry":${point}}`;
    const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    const path = join(dir, 'hostile.geojson');
    await writeFile(
      path,
      `{"type":"FeatureCollection","features":[${[
        // Each of the first two used to stop the whole import (stack overflow, URIError).
        feature('"deep"', `{"name":"Deep","floors":${deep}}`),
        feature('"a\\ud800b"', '{"name":"Lone surrogate"}'),
        feature('"kiosk"', '{"__proto__":{"polluted":true},"name":"Kiosk","opened":"2001-02-03"}'),
      ].join(',')}]}`,
    );
    const rejectsPath = join(dir, 'hostile-rejects.csv');
    const summary = await importFile(
      importRequest(civis.url, {
        format: 'geojson',
        path,
        mappingPath: join(FIXTURES, 'buildings.mapping.json'),
        tenant: 'hostile',
        rejectsPath,
      }),
    );
    assert.equal(summary.fatal, undefined);
    assert.equal(summary.imported, 1);
    assert.deepEqual(
      summary.rejections.map((r) => [r.at, r.reason]),
      [
        ['feature 1', 'is nested deeper than 102 levels'],
        ['feature 2', "id: column '$id' holds an unpaired UTF-16 surrogate, which no URI can hold"],
      ],
    );
    assert.match(
      await readFile(rejectsPath, 'utf8'),
      /hostile\.geojson,feature 2,.*Lone surrogate/,
    );
    const kiosk = await civis.entity('urn:ngsi-ld:Building:civisville:kiosk', {
      tenant: 'hostile',
    });
    assert.deepEqual(kiosk['name'], { type: 'Property', value: 'Kiosk' });
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });
});
