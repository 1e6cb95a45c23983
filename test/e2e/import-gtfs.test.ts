import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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

describe('civis import gtfs (end to end)', () => {
  let civis: ListeningCivis;
  before(async () => {
    civis = await startListeningCivis();
  });
  after(async () => {
    await civis.close();
  });

  it('imports agency, routes and stops with the built-in mapping, from a zip then a folder', async () => {
    const fromZip = await importFile(
      importRequest(civis.url, {
        format: 'gtfs',
        path: join(FIXTURES, 'gtfs-feed.zip'),
        tenant: 'transit',
      }),
    );
    assert.equal(fromZip.fatal, undefined);
    assert.deepEqual(
      fromZip.sources.map((s) => [s.name, s.read, s.imported, s.rejected]),
      [
        ['agency.txt', 1, 1, 0],
        ['routes.txt', 2, 2, 0],
        ['stops.txt', 4, 3, 1],
      ],
    );
    assert.deepEqual(fromZip.rejections, [
      {
        source: 'stops.txt',
        at: 'line 5',
        reason: "location (column 'stop_lat'): 'not-a-latitude' is not a number",
      },
    ]);

    // The same feed unzipped: same ids, so nothing is duplicated.
    const fromFolder = await importFile(
      importRequest(civis.url, { format: 'gtfs', path: join(FIXTURES, 'gtfs'), tenant: 'transit' }),
    );
    assert.equal(fromFolder.created, 0);
    assert.equal(fromFolder.updated, 6);
    const tenant = { tenant: 'transit' };
    assert.equal(await civis.count('GtfsAgency', tenant), 1);
    assert.equal(await civis.count('GtfsRoute', tenant), 2);
    assert.equal(await civis.count('GtfsStop', tenant), 3);

    const platform = await civis.entity('urn:ngsi-ld:GtfsStop:EMT:S1-P1', tenant);
    assert.deepEqual(platform['name'], { type: 'Property', value: 'Estación Central andén 1' });
    assert.deepEqual(platform['hasParentStation'], {
      type: 'Relationship',
      object: 'urn:ngsi-ld:GtfsStop:EMT:S1',
    });
    // Smart Data Models GtfsStop: operatedBy is a list of agencies.
    assert.deepEqual(platform['operatedBy'], {
      type: 'Relationship',
      object: ['urn:ngsi-ld:GtfsAgency:EMT'],
    });
    assert.deepEqual(platform['location'], {
      type: 'GeoProperty',
      value: { type: 'Point', coordinates: [-4.4301, 36.7201] },
    });
    const route = await civis.entity('urn:ngsi-ld:GtfsRoute:EMT:C2', tenant);
    assert.deepEqual(route['operatedBy'], {
      type: 'Relationship',
      object: 'urn:ngsi-ld:GtfsAgency:EMT',
    });
    assert.deepEqual(route['routeSortOrder'], { type: 'Property', value: 2 });
    assert.deepEqual(route['shortName'], { type: 'Property', value: 'C2' });
  });

  it('gives two routes distinct ids when their agency and route ids share a colon', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'civis-import-gtfs-'));
    try {
      await writeFile(
        join(dir, 'agency.txt'),
        'agency_id,agency_name,agency_url,agency_timezone\na,A,https://a,UTC\na:b,AB,https://ab,UTC\n',
      );
      // Unescaped, both were urn:ngsi-ld:GtfsRoute:a:b:c, so one route overwrote the other.
      await writeFile(
        join(dir, 'routes.txt'),
        'route_id,agency_id,route_short_name,route_type\nc,a:b,First,3\nb:c,a,Second,3\n',
      );
      await writeFile(
        join(dir, 'stops.txt'),
        'stop_id,stop_name,stop_lat,stop_lon\n1,S,36.7,-4.4\n',
      );
      const summary = await importFile(
        importRequest(civis.url, { format: 'gtfs', path: dir, tenant: 'colons', agency: 'a' }),
      );
      assert.equal(summary.fatal, undefined);
      assert.equal(summary.created, 5);
      const tenant = { tenant: 'colons' };
      assert.equal(await civis.count('GtfsRoute', tenant), 2);
      const first = await civis.entity('urn:ngsi-ld:GtfsRoute:a%3Ab:c', tenant);
      assert.deepEqual(first['shortName'], { type: 'Property', value: 'First' });
      // The agency's own id keeps its colon: operatedBy points at it.
      assert.deepEqual(first['operatedBy'], {
        type: 'Relationship',
        object: 'urn:ngsi-ld:GtfsAgency:a:b',
      });
      await civis.entity('urn:ngsi-ld:GtfsAgency:a:b', tenant);
      const second = await civis.entity('urn:ngsi-ld:GtfsRoute:a:b:c', tenant);
      assert.deepEqual(second['shortName'], { type: 'Property', value: 'Second' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
