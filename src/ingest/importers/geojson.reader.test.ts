import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isProblemDetails } from '../../ngsi-ld/problem-details.js';
import { geoJsonSource, openGeoJsonFile } from './geojson.reader.js';
import { parseEntityMapping } from './import-mapping.parser.js';
import type { SourceRecord } from './import.types.js';

const mapping = parseEntityMapping({ type: 'T', id: 'urn:x:{$id}', location: 'geometry' }, 'm');

function problemOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (isProblemDetails(error)) return error.detail;
    throw error;
  }
  throw new Error('expected a ProblemDetails');
}

async function recordsOf(document: unknown): Promise<SourceRecord[]> {
  const source = geoJsonSource(Buffer.from(JSON.stringify(document)), 'map.geojson', mapping);
  const records: SourceRecord[] = [];
  for await (const record of source.records()) records.push(record);
  return records;
}

describe('geoJsonSource', () => {
  it('reads each feature with its properties, id and geometry', async () => {
    const point = { type: 'Point', coordinates: [2.35, 48.85] };
    const [record] = await recordsOf({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', id: 'b1', properties: { name: 'Town hall' }, geometry: point }],
    });
    assert.deepEqual(record, {
      at: 'feature 1',
      fields: { name: 'Town hall', $id: 'b1' },
      geometry: point,
      raw: [
        JSON.stringify({
          type: 'Feature',
          id: 'b1',
          properties: { name: 'Town hall' },
          geometry: point,
        }),
      ],
    });
  });

  it('refuses items that are not Features one by one', async () => {
    const records = await recordsOf({
      type: 'FeatureCollection',
      features: [
        null,
        { type: 'Point', coordinates: [0, 0] },
        { type: 'Feature', properties: 'x' },
      ],
    });
    assert.deepEqual(
      records.map((r) => [r.at, r.problem]),
      [
        ['feature 1', 'is not a GeoJSON Feature'],
        ['feature 2', 'is not a GeoJSON Feature'],
        ['feature 3', '"properties" must be an object or null'],
      ],
    );
  });

  it('lists the property names of all features as its fields', () => {
    const source = geoJsonSource(
      Buffer.from(
        JSON.stringify({
          type: 'FeatureCollection',
          features: [
            { type: 'Feature', properties: { a: 1 }, geometry: null },
            { type: 'Feature', properties: { b: 2 }, geometry: null },
          ],
        }),
      ),
      'map.geojson',
      mapping,
    );
    assert.deepEqual(source.fields, ['$id', 'a', 'b']);
    assert.deepEqual(source.position(), { done: 0, total: 2 });
  });

  it('refuses files that are not a FeatureCollection', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /is empty/],
      ['{"type":"FeatureCollection",', /not valid JSON/],
      ['{"type":"Feature","geometry":null,"properties":{}}', /must be a GeoJSON FeatureCollection/],
      ['[1,2]', /must be a GeoJSON FeatureCollection/],
      ['{"type":"FeatureCollection","features":{}}', /no "features" array/],
    ];
    for (const [text, pattern] of cases) {
      assert.match(
        problemOf(() => geoJsonSource(Buffer.from(text), 'map.geojson', mapping)),
        pattern,
      );
    }
    const latin1 = Buffer.from(
      '{"type":"FeatureCollection","features":[],"name":"Café"}',
      'latin1',
    );
    assert.match(
      problemOf(() => geoJsonSource(latin1, 'map.geojson', mapping)),
      /not valid UTF-8/,
    );
  });
});

describe('openGeoJsonFile', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'civis-geojson-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a file larger than the limit before reading it', async () => {
    const path = join(dir, 'big.geojson');
    await writeFile(path, JSON.stringify({ type: 'FeatureCollection', features: [] }).padEnd(5000));
    await assert.rejects(openGeoJsonFile(path, 'big.geojson', mapping, 1000), (error: unknown) => {
      assert.ok(isProblemDetails(error));
      assert.match(error.detail, /big\.geojson is 5000 bytes, more than the limit of 1000/);
      return true;
    });
  });
});
