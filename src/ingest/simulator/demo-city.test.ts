import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { defaultCityDir, loadDemoCity } from './demo-city.loader.js';
import {
  distanceM,
  findDistrict,
  indexCity,
  parseDemoCity,
  placeDevice,
} from './demo-city.model.js';
import { createRandom } from './seeded-random.js';
import { SimulatorError } from './simulator-error.js';

const city = loadDemoCity();
const index = indexCity(city);

const districts = (features: unknown[]) => ({ type: 'FeatureCollection', features });
const square = (id: string, kind = 'residential') => ({
  type: 'Feature',
  properties: { id, name: id, kind },
  geometry: {
    type: 'Polygon',
    coordinates: [
      [
        [0, 0],
        [0.01, 0],
        [0.01, 0.01],
        [0, 0.01],
        [0, 0],
      ],
    ],
  },
});
const street = {
  type: 'Feature',
  properties: { id: 's1', name: 'Main Street', class: 'primary' },
  geometry: {
    type: 'LineString',
    coordinates: [
      [0.001, 0.005],
      [0.009, 0.005],
    ],
  },
};
const meta = { name: 'Test', timezone: 'Europe/Paris', center: [0.005, 0.005] };

describe('demo city', () => {
  it('the shipped demo city has six districts of every kind and streets in each', () => {
    assert.equal(city.name, 'Lindmere');
    assert.equal(city.districts.length, 6);
    assert.deepEqual(
      new Set(city.districts.map((d) => d.kind)),
      new Set(['residential', 'commercial', 'industrial', 'mixed']),
    );
    for (const district of city.districts) {
      const streets = index.segments.get(district.id)!;
      assert.ok(streets.totalM > 5_000, `${district.id}: ${streets.totalM} m of streets`);
    }
    assert.ok(city.streets.length > 40);
  });

  it('the shipped demo city files are small', () => {
    const dir = defaultCityDir();
    const bytes = readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
    assert.ok(bytes < 300_000, `${bytes} bytes`);
  });

  it('findDistrict finds the district of a point and nothing outside the town', () => {
    assert.equal(findDistrict(city, [city.center[0], city.center[1] - 0.005])?.id, 'old-town');
    assert.equal(findDistrict(city, [0, 0]), undefined);
  });

  it('placeDevice puts a device near a street of a district with weight, deterministically', () => {
    const a = placeDevice(index, createRandom(5), { industrial: 1 });
    const b = placeDevice(index, createRandom(5), { industrial: 1 });
    assert.deepEqual(a.location, b.location);
    for (let seed = 0; seed < 200; seed++) {
      const placement = placeDevice(index, createRandom(seed), { industrial: 1 });
      assert.equal(findDistrict(city, placement.location)?.kind ?? 'industrial', 'industrial');
      const nearest = Math.min(
        ...placement.street.coordinates.map((p) => distanceM(p, placement.location)),
      );
      assert.ok(nearest < 60, `${nearest} m from the street's nearest vertex`);
    }
  });

  it('placeDevice keeps to the street classes asked for', () => {
    for (let seed = 0; seed < 100; seed++) {
      const placement = placeDevice(index, createRandom(seed), { commercial: 1 }, ['primary']);
      assert.equal(placement.street.class, 'primary');
    }
  });

  it('placeDevice refuses weights that match no district', () => {
    assert.throws(() => placeDevice(index, createRandom(1), {}), SimulatorError);
  });

  it('distanceM measures metres', () => {
    const d = distanceM([2.6, 46.2], [2.6, 46.201]);
    assert.ok(Math.abs(d - 111.1) < 0.5, String(d));
  });
});

describe('parseDemoCity', () => {
  it('parseDemoCity accepts a minimal city', () => {
    const parsed = parseDemoCity({
      city: meta,
      districts: districts([square('a')]),
      streets: districts([street]),
    });
    assert.equal(parsed.districts[0]?.id, 'a');
    assert.equal(parsed.streets[0]?.name, 'Main Street');
  });

  const bad: Array<[string, Parameters<typeof parseDemoCity>[0], RegExp]> = [
    [
      'city.json not an object',
      { city: [], districts: districts([square('a')]), streets: districts([]) },
      /city\.json/,
    ],
    [
      'unknown time zone',
      {
        city: { ...meta, timezone: 'Mars/Olympus' },
        districts: districts([square('a')]),
        streets: districts([]),
      },
      /time zone/,
    ],
    [
      'center out of range',
      {
        city: { ...meta, center: [500, 0] },
        districts: districts([square('a')]),
        streets: districts([]),
      },
      /center/,
    ],
    [
      'districts not a FeatureCollection',
      { city: meta, districts: { type: 'Feature' }, streets: districts([]) },
      /FeatureCollection/,
    ],
    [
      'no district',
      { city: meta, districts: districts([]), streets: districts([]) },
      /no district/,
    ],
    [
      'district of unknown kind',
      { city: meta, districts: districts([square('a', 'volcanic')]), streets: districts([]) },
      /kind/,
    ],
    [
      'district without id',
      {
        city: meta,
        districts: districts([{ ...square('a'), properties: { name: 'x', kind: 'mixed' } }]),
        streets: districts([]),
      },
      /'id'/,
    ],
    [
      'district as a point',
      {
        city: meta,
        districts: districts([
          { ...square('a'), geometry: { type: 'Point', coordinates: [0, 0] } },
        ]),
        streets: districts([]),
      },
      /Polygon/,
    ],
    [
      'district with NaN coordinates',
      {
        city: meta,
        districts: districts([
          {
            ...square('a'),
            geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [0, 0],
                  ['x', 0],
                  [1, 1],
                  [0, 0],
                ],
              ],
            },
          },
        ]),
        streets: districts([]),
      },
      /coordinates/,
    ],
    [
      'street as a polygon',
      {
        city: meta,
        districts: districts([square('a')]),
        streets: districts([{ ...street, geometry: square('b').geometry }]),
      },
      /LineString/,
    ],
    [
      'feature without properties',
      {
        city: meta,
        districts: districts([{ type: 'Feature', geometry: {} }]),
        streets: districts([]),
      },
      /geometry or properties/,
    ],
  ];
  for (const [name, files, message] of bad) {
    it(`parseDemoCity refuses a city with ${name}`, () => {
      assert.throws(
        () => parseDemoCity(files),
        (error: unknown) => {
          assert.ok(error instanceof SimulatorError);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }
});

describe('loadDemoCity', () => {
  const dir = mkdtempSync(join(tmpdir(), 'civis-city-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loadDemoCity says which file is missing or not JSON', () => {
    assert.throws(() => loadDemoCity(dir), /city\.json: not found/);
    writeFileSync(join(dir, 'city.json'), '{ nope');
    assert.throws(() => loadDemoCity(dir), /city\.json: not JSON/);
  });

  it('loadDemoCity refuses an oversized file without reading it', () => {
    writeFileSync(join(dir, 'city.json'), JSON.stringify(meta));
    writeFileSync(join(dir, 'districts.geojson'), Buffer.alloc(21 * 1024 * 1024, 32));
    assert.throws(() => loadDemoCity(dir), /more than the 20971520 allowed/);
  });
});
