import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entity } from '../model.js';
import { renderEntity, renderGeoJsonFeature, type RenderOptions } from './entity-renderer.js';
import { CORE, dc, fakeContext } from './entity.fixtures.js';
import { parseLanguagePreference } from './language-filter.js';

const ctx = fakeContext({ Vehicle: 'https://example.org/Vehicle' });
const POINT = { type: 'Point', coordinates: [-8.5, 41.2] };
const STAMPS = { createdAt: '2024-01-01T00:00:00.000Z', modifiedAt: '2024-01-02T00:00:00.000Z' };
const normalized: RenderOptions = { format: 'normalized', sysAttrs: false };

function vehicle(): Entity {
  return {
    id: 'urn:ngsi-ld:Vehicle:A4567',
    type: ['https://example.org/Vehicle'],
    scope: ['/Porto'],
    ...STAMPS,
    attrs: {
      [dc('brandName')]: [{ type: 'Property', value: 'Mercedes', ...STAMPS }],
      [dc('speed')]: [
        { type: 'Property', value: 55, datasetId: 'urn:ds:gps', ...STAMPS },
        { type: 'Property', value: 54.5, ...STAMPS },
      ],
      [dc('name')]: [
        { type: 'LanguageProperty', languageMap: { en: 'car', fr: 'voiture' }, ...STAMPS },
      ],
      [CORE + 'location']: [{ type: 'GeoProperty', value: POINT, ...STAMPS }],
    },
  };
}

describe('renderEntity (NGSI-LD 5.2.4, data-model.md §5)', () => {
  it('renderEntity compacts types and names and renders one type as a string', () => {
    const out = renderEntity(vehicle(), ctx, normalized);
    assert.deepEqual(Object.keys(out), [
      'id',
      'type',
      'scope',
      'brandName',
      'speed',
      'name',
      'location',
    ]);
    assert.equal(out['type'], 'Vehicle');
    assert.equal(out['scope'], '/Porto');
    assert.deepEqual(out['location'], { type: 'GeoProperty', value: POINT });
  });

  it('renderEntity compacts names that an object inherits (toString, constructor) like any other', () => {
    const entity: Entity = {
      id: 'urn:a:1',
      type: [dc('A')],
      ...STAMPS,
      attrs: {
        [dc('toString')]: [{ type: 'Property', value: 1 }],
        [dc('constructor')]: [{ type: 'Property', value: 2 }],
      },
    };
    assert.deepEqual(Object.keys(renderEntity(entity, ctx, normalized)), [
      'id',
      'type',
      'toString',
      'constructor',
    ]);
  });

  it('renderEntity renders several types and scopes as arrays', () => {
    const entity: Entity = {
      id: 'urn:a:1',
      type: [dc('A'), 'https://x.org/B'],
      scope: ['/a', '/b'],
      ...STAMPS,
      attrs: {},
    };
    assert.deepEqual(renderEntity(entity, ctx, normalized), {
      id: 'urn:a:1',
      type: ['A', 'https://x.org/B'],
      scope: ['/a', '/b'],
    });
  });

  it('renderEntity adds entity and attribute timestamps with sysAttrs', () => {
    const out = renderEntity(vehicle(), ctx, { format: 'normalized', sysAttrs: true });
    assert.equal(out['createdAt'], STAMPS.createdAt);
    assert.equal(out['modifiedAt'], STAMPS.modifiedAt);
    assert.deepEqual(out['brandName'], { type: 'Property', value: 'Mercedes', ...STAMPS });
    const concise = renderEntity(vehicle(), ctx, { format: 'concise', sysAttrs: true });
    assert.deepEqual(concise['brandName'], { value: 'Mercedes', ...STAMPS });
  });

  it('renderEntity shows no timestamps in simplified even with sysAttrs', () => {
    const out = renderEntity(vehicle(), ctx, { format: 'simplified', sysAttrs: true });
    assert.deepEqual(out, {
      id: 'urn:ngsi-ld:Vehicle:A4567',
      type: 'Vehicle',
      scope: '/Porto',
      brandName: 'Mercedes',
      speed: { dataset: { 'urn:ds:gps': 55, '@none': 54.5 } },
      name: { languageMap: { en: 'car', fr: 'voiture' } },
      location: POINT,
    });
  });

  it('renderEntity applies lang to every LanguageProperty (query.md §9)', () => {
    const out = renderEntity(vehicle(), ctx, {
      ...normalized,
      lang: parseLanguagePreference('fr'),
    });
    assert.deepEqual(out['name'], { type: 'Property', value: 'voiture', lang: 'fr' });
    const kv = renderEntity(vehicle(), ctx, {
      format: 'simplified',
      sysAttrs: false,
      lang: parseLanguagePreference('en'),
    });
    assert.equal(kv['name'], 'car');
  });
});

describe('renderEntity projection (NGSI-LD 4.21, query.md §6)', () => {
  it('renderEntity keeps only the attrs listed, with id, type and scope', () => {
    assert.deepEqual(
      Object.keys(renderEntity(vehicle(), ctx, { ...normalized, attrs: [dc('speed')] })),
      ['id', 'type', 'scope', 'speed'],
    );
  });

  it('renderEntity pick keeps only the members listed, entity members included', () => {
    assert.deepEqual(
      Object.keys(renderEntity(vehicle(), ctx, { ...normalized, pick: ['id', dc('brandName')] })),
      ['id', 'brandName'],
    );
  });

  it('renderEntity omit removes the members listed', () => {
    assert.deepEqual(
      Object.keys(
        renderEntity(vehicle(), ctx, {
          ...normalized,
          omit: ['scope', dc('speed'), CORE + 'location'],
        }),
      ),
      ['id', 'type', 'brandName', 'name'],
    );
  });

  it('renderEntity datasetIds keeps matching instances and drops attributes left empty (data-model.md §3)', () => {
    const gps = renderEntity(vehicle(), ctx, { ...normalized, datasetIds: ['urn:ds:gps'] });
    assert.deepEqual(Object.keys(gps), ['id', 'type', 'scope', 'speed']);
    assert.deepEqual(gps['speed'], { type: 'Property', value: 55, datasetId: 'urn:ds:gps' });
    const none = renderEntity(vehicle(), ctx, { ...normalized, datasetIds: ['@none'] });
    assert.deepEqual(none['speed'], { type: 'Property', value: 54.5 });
    assert.ok('brandName' in none);
  });
});

describe('renderGeoJsonFeature (NGSI-LD 6.3.15, data-model.md §6)', () => {
  const options = { ...normalized, geometryProperty: CORE + 'location' };

  it('renderGeoJsonFeature puts the GeoProperty in geometry and the rest in properties', () => {
    const feature = renderGeoJsonFeature(vehicle(), ctx, options);
    assert.equal(feature['id'], 'urn:ngsi-ld:Vehicle:A4567');
    assert.equal(feature['type'], 'Feature');
    assert.deepEqual(feature['geometry'], POINT);
    const properties = feature['properties'] as Record<string, unknown>;
    assert.equal(properties['type'], 'Vehicle');
    assert.equal('id' in properties, false);
    assert.deepEqual(properties['location'], { type: 'GeoProperty', value: POINT });
  });

  it('renderGeoJsonFeature gives a null geometry when the GeoProperty is missing or not a GeoProperty', () => {
    assert.equal(
      renderGeoJsonFeature(vehicle(), ctx, { ...options, geometryProperty: dc('area') })[
        'geometry'
      ],
      null,
    );
    assert.equal(
      renderGeoJsonFeature(vehicle(), ctx, { ...options, geometryProperty: dc('brandName') })[
        'geometry'
      ],
      null,
    );
  });

  it('renderGeoJsonFeature takes the default instance, or the one datasetIds selects', () => {
    const other = { type: 'Point' as const, coordinates: [1, 1] };
    const entity = vehicle();
    entity.attrs[CORE + 'location']?.push({
      type: 'GeoProperty',
      value: other,
      datasetId: 'urn:ds:2',
    });
    assert.deepEqual(renderGeoJsonFeature(entity, ctx, options)['geometry'], POINT);
    assert.deepEqual(
      renderGeoJsonFeature(entity, ctx, { ...options, datasetIds: ['urn:ds:2'] })['geometry'],
      other,
    );
    entity.attrs[CORE + 'location']?.shift();
    assert.equal(renderGeoJsonFeature(entity, ctx, options)['geometry'], null);
  });

  it('renderGeoJsonFeature keeps the geometry when pick leaves the GeoProperty out', () => {
    const feature = renderGeoJsonFeature(vehicle(), ctx, { ...options, pick: [dc('brandName')] });
    assert.deepEqual(feature['geometry'], POINT);
    assert.deepEqual(feature['properties'], { brandName: { type: 'Property', value: 'Mercedes' } });
  });

  it('renderGeoJsonFeature renders simplified properties', () => {
    const feature = renderGeoJsonFeature(vehicle(), ctx, { ...options, format: 'simplified' });
    assert.equal((feature['properties'] as Record<string, unknown>)['brandName'], 'Mercedes');
  });
});
