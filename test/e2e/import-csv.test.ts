import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { importFile, type ImportRequest } from '../../src/ingest/importers/import-file.js';
import { exitCodeOf } from '../../src/ingest/importers/import-summary.js';
import { NGSI, TEST_CONTEXT_URL } from '../support/test-app.js';
import {
  FIXTURES,
  importRequest,
  startListeningCivis,
  type ListeningCivis,
} from './import-e2e.fixtures.js';

const CSV = join(FIXTURES, 'parking.csv');
const MAPPING = join(FIXTURES, 'parking.mapping.json');
const A13 = 'urn:ngsi-ld:ParkingSpot:santander:daoiz_velarde_1_5:3';
const IN_CONTEXT = { context: TEST_CONTEXT_URL };

describe('civis import csv (end to end)', () => {
  let civis: ListeningCivis;
  let dir = '';
  before(async () => {
    civis = await startListeningCivis();
    dir = await mkdtemp(join(tmpdir(), 'civis-import-csv-'));
  });
  after(async () => {
    await civis.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('imports rows as entities, reports rejected rows by line, and updates on re-import', async () => {
    const rejectsPath = join(dir, 'rejects.csv');
    const request = importRequest(civis.url, {
      format: 'csv',
      path: CSV,
      mappingPath: MAPPING,
      batchSize: 2,
      rejectsPath,
      tenant: 'parking',
    });
    const first = await importFile(request);
    assert.equal(first.fatal, undefined);
    assert.equal(first.read, 6);
    assert.equal(first.imported, 3);
    assert.equal(first.skipped, 1);
    assert.equal(first.rejected, 2);
    // Batch 1 got a 201 (both created); batch 2 a 207, which does not say which.
    assert.equal(first.created, 2);
    assert.equal(first.unconfirmed, 1);
    assert.deepEqual(
      first.rejections.map((r) => [r.at, r.reason]),
      [
        ['line 5', "totalSpotNumber (column 'capacity'): 'lots' is not an integer"],
        [
          'line 6',
          "attribute 'openingHours': value: null is not a valid value (use 'urn:ngsi-ld:null' to delete)",
        ],
      ],
    );
    assert.equal(exitCodeOf(first), 3);
    assert.equal(await civis.count('ParkingSpot', { tenant: 'parking', ...IN_CONTEXT }), 3);

    const spot = await civis.entity(A13, { tenant: 'parking', ...IN_CONTEXT });
    assert.deepEqual(spot['location'], {
      type: 'GeoProperty',
      value: { type: 'Point', coordinates: [-3.80356167695194, 43.46296641666926] },
    });
    assert.deepEqual(spot['refParkingSite'], {
      type: 'Relationship',
      object: 'urn:ngsi-ld:ParkingSite:santander:daoiz_velarde_1_5',
    });
    assert.deepEqual(spot['openingHours'], { type: 'Property', value: { mon: '08:00-20:00' } });
    const formula = await civis.entity('urn:ngsi-ld:ParkingSpot:P-003', {
      tenant: 'parking',
      ...IN_CONTEXT,
    });
    assert.deepEqual(formula['name'], {
      type: 'Property',
      value: '=HYPERLINK("http://evil.example","click")',
    });

    const rejects = await readFile(rejectsPath, 'utf8');
    assert.match(
      rejects,
      /^_source,_position,_reason,code,name,lat,lon,capacity,status,opening,site\n/,
    );
    assert.match(
      rejects,
      /parking\.csv,line 5,.*,P-004,Broken capacity,43\.4610,-3\.8060,lots,free,,norte\n/,
    );
    assert.match(rejects, /parking\.csv,line 6,/);

    // The town fixes its register: new values, same codes.
    const updated = join(dir, 'parking-updated.csv');
    const text = await readFile(CSV, 'utf8');
    await writeFile(
      updated,
      text.replace(
        'A-13,43.46296641666926,-3.80356167695194,1,free',
        'A-13,43.46296641666926,-3.80356167695194,2,occupied',
      ),
    );
    const second = await importFile({ ...request, path: updated, batchSize: 500 });
    assert.equal(second.imported, 3);
    assert.equal(second.rejected, 2);
    assert.equal(await civis.count('ParkingSpot', { tenant: 'parking', ...IN_CONTEXT }), 3);
    const again = await civis.entity(A13, { tenant: 'parking', ...IN_CONTEXT });
    assert.deepEqual(again['status'], { type: 'Property', value: 'occupied' });
    assert.deepEqual(again['totalSpotNumber'], { type: 'Property', value: 2, unitCode: 'C62' });

    // Both writes went through the context service: the history has both values.
    const history = await civis.test.request({
      method: 'GET',
      url: `${NGSI}/temporal/entities/${encodeURIComponent(A13)}?attrs=status`,
      headers: {
        'ngsild-tenant': 'parking',
        link: `<${TEST_CONTEXT_URL}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`,
      },
    });
    assert.equal(history.statusCode, 200, history.body);
    const values = (history.json()['status'] as Array<{ value: string }>)
      .map((i) => i.value)
      .sort();
    assert.deepEqual(values, ['free', 'occupied']);
  });

  it('imports nothing into other tenants', async () => {
    await importFile(
      importRequest(civis.url, { format: 'csv', path: CSV, mappingPath: MAPPING, tenant: 'alpha' }),
    );
    assert.equal(await civis.count('ParkingSpot', { tenant: 'alpha', ...IN_CONTEXT }), 3);
    assert.equal(await civis.count('ParkingSpot', { tenant: 'beta', ...IN_CONTEXT }), 0);
  });

  it('sends nothing when the header lacks a mapped column', async () => {
    const path = join(dir, 'no-capacity.csv');
    await writeFile(path, 'code,name,lat,lon,status,opening,site\nX-1,A,43,-3,free,,s\n');
    const summary = await importFile(
      importRequest(civis.url, { format: 'csv', path, mappingPath: MAPPING, tenant: 'missing' }),
    );
    assert.match(
      summary.fatal ?? '',
      /no-capacity\.csv: the mapping reads 'capacity', missing from the file/,
    );
    assert.equal(exitCodeOf(summary), 1);
    assert.equal(await civis.count('ParkingSpot', { tenant: 'missing', ...IN_CONTEXT }), 0);
  });

  it('stops with a clear message on a Latin-1 file read as UTF-8, and imports it with --encoding', async () => {
    const path = join(dir, 'latin1.csv');
    await writeFile(
      path,
      Buffer.from(
        'code;name;lat;lon;capacity;status;opening;site\r\nL-1;Niño;43,1;-3,2;5;free;;s\r\n',
        'latin1',
      ),
    );
    const wrong = await importFile(
      importRequest(civis.url, { format: 'csv', path, mappingPath: MAPPING, tenant: 'latin' }),
    );
    assert.match(
      wrong.fatal ?? '',
      /latin1\.csv is not valid UTF-8 \(first bad byte on line 2\).*--encoding/,
    );
    const right = await importFile(
      importRequest(civis.url, {
        format: 'csv',
        path,
        mappingPath: MAPPING,
        tenant: 'latin',
        encoding: 'latin1',
      }),
    );
    assert.equal(right.imported, 1, right.fatal);
    const spot = await civis.entity('urn:ngsi-ld:ParkingSpot:L-1', {
      tenant: 'latin',
      ...IN_CONTEXT,
    });
    assert.deepEqual(spot['name'], { type: 'Property', value: 'Niño' });
  });

  it('checks everything and sends nothing in a dry run', async () => {
    const summary = await importFile(
      importRequest(civis.url, {
        format: 'csv',
        path: CSV,
        mappingPath: MAPPING,
        tenant: 'dry',
        dryRun: true,
      }),
    );
    // Only Civis can refuse the JSON with a null member: a dry run passes it.
    assert.equal(summary.imported, 4);
    assert.equal(summary.rejected, 1);
    assert.equal(await civis.count('ParkingSpot', { tenant: 'dry', ...IN_CONTEXT }), 0);
  });

  it('stops with a clear message when Civis cannot be reached', async () => {
    const closed = await startListeningCivis();
    const url = closed.url;
    await closed.close();
    const summary = await importFile(
      importRequest(url, { format: 'csv', path: CSV, mappingPath: MAPPING }),
    );
    assert.match(
      summary.fatal ?? '',
      new RegExp(`Cannot reach Civis at ${url} \\(ECONNREFUSED\\)`),
    );
    assert.equal(exitCodeOf(summary), 1);
  });

  it('reports an invalid mapping with every problem', async () => {
    const path = join(dir, 'bad-mapping.json');
    await writeFile(
      path,
      JSON.stringify({ type: 'ParkingSpot', id: 'ParkingSpot{code}', attributes: [{ name: 'x' }] }),
    );
    const summary = await importFile(
      importRequest(civis.url, { format: 'csv', path: CSV, mappingPath: path }),
    );
    assert.match(
      summary.fatal ?? '',
      /Invalid mapping .*bad-mapping\.json:\n {2}- id: must start with a URI scheme/,
    );
    assert.match(summary.fatal ?? '', /attributes\[0\]: needs exactly one of/);
  });

  it('stops with a clear message, never a crash, when a file cannot be read or written', async () => {
    const request = (overrides: Partial<ImportRequest>) =>
      importRequest(civis.url, {
        format: 'csv',
        path: CSV,
        mappingPath: MAPPING,
        tenant: 'files',
        ...overrides,
      });
    const folder = await importFile(request({ path: dir }));
    assert.equal(folder.fatal, `${dir} is a folder; give a csv file`);

    const noFolder = await importFile(request({ rejectsPath: join(dir, 'missing', 'r.csv') }));
    assert.match(noFolder.fatal ?? '', /^cannot write the rejects file .*r\.csv \(ENOENT\)$/);
    assert.equal(exitCodeOf(noFolder), 1);
    assert.equal(await civis.count('ParkingSpot', { tenant: 'files', ...IN_CONTEXT }), 0);

    // --rejects naming the input would empty it before it is read.
    const copy = join(dir, 'own.csv');
    await writeFile(copy, await readFile(CSV));
    const itself = await importFile(request({ path: copy, rejectsPath: copy }));
    assert.match(itself.fatal ?? '', /--rejects .*own\.csv is the file being imported/);
    assert.equal(await readFile(copy, 'utf8'), await readFile(CSV, 'utf8'));

    if (existsSync('/dev/full')) {
      // Every write fails with ENOSPC: an unhandled stream error used to kill the process.
      const full = await importFile(request({ rejectsPath: '/dev/full' }));
      assert.equal(full.fatal, 'cannot write the rejects file /dev/full (ENOSPC)');
    }
    if (existsSync('/proc/self/mem')) {
      const unreadable = await importFile(request({ path: '/proc/self/mem' }));
      assert.equal(unreadable.fatal, 'cannot read /proc/self/mem (EIO)');
    }
  });
});
