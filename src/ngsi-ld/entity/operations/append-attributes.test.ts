import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NGSI_LD_NULL } from '../../model.js';
import { appendAttributes } from './append-attributes.js';
import { SCOPE_IRI } from './entity-members.js';
import {
  NOW,
  T0,
  T1,
  VEHICLE,
  fragment,
  iri,
  property,
  storedEntity,
} from './operations.fixtures.js';

const speed = iri('speed');
const brand = iri('brandName');
const source = iri('source');
const GPS = 'urn:ngsi-ld:Dataset:gps';

const overwrite = { noOverwrite: false, now: NOW };
const noOverwrite = { noOverwrite: true, now: NOW };

describe('appendAttributes', () => {
  const current = storedEntity({
    [speed]: [property(55, { unitCode: 'KMH', attrs: { [source]: [property('GPS')] } })],
  });

  it('appendAttributes adds an absent attribute with createdAt = modifiedAt = now (NGSI-LD 5.6.3)', () => {
    const { entity, result } = appendAttributes(
      current,
      fragment({ attrs: { [brand]: [property('Volvo')] } }),
      overwrite,
    );
    assert.deepEqual(entity.attrs[brand], [
      { type: 'Property', value: 'Volvo', createdAt: NOW, modifiedAt: NOW },
    ]);
    assert.equal(entity.createdAt, T0);
    assert.equal(entity.modifiedAt, NOW);
    assert.deepEqual(entity.attrs[speed], current.attrs[speed], 'other attributes untouched');
    assert.deepEqual(result, { updated: [brand], notUpdated: [] });
  });

  it('appendAttributes replaces an existing attribute wholesale, keeping createdAt (entities.md §7, pitfalls.md 15)', () => {
    const { entity, result } = appendAttributes(
      current,
      fragment({ attrs: { [speed]: [property(60)] } }),
      overwrite,
    );
    assert.deepEqual(entity.attrs[speed], [
      { type: 'Property', value: 60, createdAt: T0, modifiedAt: NOW },
    ]);
    assert.deepEqual(result.updated, [speed]);
  });

  it('appendAttributes skips an existing attribute and reports it when noOverwrite (entities.md §7)', () => {
    const { entity, result } = appendAttributes(
      current,
      fragment({ attrs: { [speed]: [property(60)], [brand]: [property('Volvo')] } }),
      noOverwrite,
    );
    assert.deepEqual(entity.attrs[speed], current.attrs[speed]);
    assert.equal(entity.attrs[brand]?.[0]?.value, 'Volvo');
    assert.deepEqual(result, {
      updated: [brand],
      notUpdated: [
        { attributeName: speed, reason: 'attribute already exists and overwrite is not allowed' },
      ],
    });
  });

  it('appendAttributes returns the entity itself when noOverwrite skipped everything', () => {
    const { entity, result } = appendAttributes(
      current,
      fragment({ attrs: { [speed]: [property(60)] } }),
      noOverwrite,
    );
    assert.equal(entity, current);
    assert.deepEqual(result.updated, []);
  });

  it('appendAttributes adds a datasetId instance next to the default instance (data-model.md §3)', () => {
    const { entity } = appendAttributes(
      current,
      fragment({ attrs: { [speed]: [property(54, { datasetId: GPS })] } }),
      noOverwrite,
    );
    assert.deepEqual(
      entity.attrs[speed]?.map((instance) => [instance.datasetId, instance.value]),
      [
        [undefined, 55],
        [GPS, 54],
      ],
    );
  });

  it('appendAttributes replaces only the instance with the same datasetId', () => {
    const multi = storedEntity({ [speed]: [property(55), property(54, { datasetId: GPS })] });
    const { entity } = appendAttributes(
      multi,
      fragment({ attrs: { [speed]: [property(50, { datasetId: GPS })] } }),
      overwrite,
    );
    assert.deepEqual(entity.attrs[speed]?.[0], multi.attrs[speed]?.[0]);
    assert.deepEqual(entity.attrs[speed]?.[1], {
      type: 'Property',
      value: 50,
      datasetId: GPS,
      createdAt: T0,
      modifiedAt: NOW,
    });
  });

  it('appendAttributes names the datasetId of a skipped instance when noOverwrite', () => {
    const multi = storedEntity({ [speed]: [property(54, { datasetId: GPS })] });
    const { result } = appendAttributes(
      multi,
      fragment({ attrs: { [speed]: [property(50, { datasetId: GPS })] } }),
      noOverwrite,
    );
    assert.match(result.notUpdated[0]?.reason ?? '', /datasetId urn:ngsi-ld:Dataset:gps/);
  });

  it('appendAttributes never stores an NGSI-LD Null and reports it (data-model.md §4)', () => {
    const { entity, result } = appendAttributes(
      current,
      fragment({ attrs: { [speed]: [property(NGSI_LD_NULL)] } }),
      overwrite,
    );
    assert.equal(entity, current);
    assert.equal(result.notUpdated[0]?.attributeName, speed);
  });

  it('appendAttributes adds missing entity types without duplicates (pitfalls.md 11)', () => {
    const { entity } = appendAttributes(
      current,
      fragment({ type: [VEHICLE, iri('Car'), iri('Car')] }),
      overwrite,
    );
    assert.deepEqual(entity.type, [VEHICLE, iri('Car')]);
    assert.equal(entity.modifiedAt, NOW);
  });

  it('appendAttributes replaces the scope when overwrite is allowed (entities.md §7)', () => {
    const scoped = storedEntity({}, { scope: ['/Madrid'] });
    assert.deepEqual(
      appendAttributes(scoped, fragment({ scope: ['/Lisbon'] }), overwrite).entity.scope,
      ['/Lisbon'],
    );
  });

  it('appendAttributes adds new scopes to the existing ones when noOverwrite (entities.md §7)', () => {
    const scoped = storedEntity({}, { scope: ['/Madrid'] });
    const { entity } = appendAttributes(
      scoped,
      fragment({ scope: ['/Madrid', '/Lisbon'] }),
      noOverwrite,
    );
    assert.deepEqual(entity.scope, ['/Madrid', '/Lisbon']);
  });

  it('appendAttributes reports an NGSI-LD Null scope instead of applying it', () => {
    const scoped = storedEntity({}, { scope: ['/Madrid'] });
    const { entity, result } = appendAttributes(scoped, fragment({ scope: null }), overwrite);
    assert.deepEqual(entity.scope, ['/Madrid']);
    assert.equal(result.notUpdated[0]?.attributeName, SCOPE_IRI);
  });

  it('appendAttributes ignores client-supplied timestamps (pitfalls.md 10)', () => {
    const { entity } = appendAttributes(
      current,
      fragment({ attrs: { [speed]: [property(60, { createdAt: T1, modifiedAt: T1 })] } }),
      overwrite,
    );
    assert.equal(entity.attrs[speed]?.[0]?.createdAt, T0);
    assert.equal(entity.attrs[speed]?.[0]?.modifiedAt, NOW);
  });
});
