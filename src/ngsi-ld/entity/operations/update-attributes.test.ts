import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NGSI_LD_NULL, type Attribute } from '../../model.js';
import { SCOPE_IRI } from './entity-members.js';
import {
  NOW,
  T0,
  T1,
  VEHICLE,
  fragment,
  iri,
  property,
  relationship,
  storedEntity,
} from './operations.fixtures.js';
import { updateAttributes } from './update-attributes.js';

const speed = iri('speed');
const brand = iri('brandName');
const source = iri('source');
const accuracy = iri('accuracy');
const GPS = 'urn:ngsi-ld:Dataset:gps';

const v19 = { now: NOW, appendMissing: true };
const orionLd = { now: NOW, appendMissing: false };

describe('updateAttributes', () => {
  const current = storedEntity({
    [speed]: [
      property(55, {
        unitCode: 'KMH',
        observedAt: T0,
        attrs: { [source]: [property('GPS')], [accuracy]: [property(0.5)] },
      }),
    ],
    [brand]: [property('Volvo')],
  });

  it('updateAttributes replaces the instance wholesale: unitCode and sub-attributes not re-sent vanish (NGSI-LD 5.6.2, pitfalls.md 12)', () => {
    const { entity, result } = updateAttributes(
      current,
      fragment({ attrs: { [speed]: [property(60)] } }),
      v19,
    );
    assert.deepEqual(entity.attrs[speed], [
      { type: 'Property', value: 60, createdAt: T0, modifiedAt: NOW },
    ]);
    assert.deepEqual(entity.attrs[brand], current.attrs[brand]);
    assert.deepEqual(result, { updated: [speed], notUpdated: [] });
    assert.equal(entity.modifiedAt, NOW);
    assert.equal(entity.createdAt, T0);
  });

  it('updateAttributes keeps createdAt of re-sent sub-attributes and stamps new ones', () => {
    const { entity } = updateAttributes(
      current,
      fragment({
        attrs: {
          [speed]: [
            property(60, {
              attrs: { [source]: [property('Radar')], [iri('method')]: [property('x')] },
            }),
          ],
        },
      }),
      v19,
    );
    const subAttributes = entity.attrs[speed]?.[0]?.attrs;
    assert.deepEqual(subAttributes?.[source], [
      { type: 'Property', value: 'Radar', createdAt: T0, modifiedAt: NOW },
    ]);
    assert.deepEqual(subAttributes?.[iri('method')], [
      { type: 'Property', value: 'x', createdAt: NOW, modifiedAt: NOW },
    ]);
    assert.equal(subAttributes?.[accuracy], undefined);
  });

  it('updateAttributes may change the kind of an attribute (the instance is replaced)', () => {
    const { entity } = updateAttributes(
      current,
      fragment({ attrs: { [brand]: [relationship('urn:ngsi-ld:Brand:1')] } }),
      v19,
    );
    assert.equal(entity.attrs[brand]?.[0]?.type, 'Relationship');
    assert.equal(entity.attrs[brand]?.[0]?.createdAt, T0);
  });

  it('updateAttributes deletes an instance given as NGSI-LD Null and the key with its last instance (data-model.md §4)', () => {
    const { entity, result } = updateAttributes(
      current,
      fragment({ attrs: { [brand]: [property(NGSI_LD_NULL)] } }),
      v19,
    );
    assert.equal(brand in entity.attrs, false);
    assert.deepEqual(result.updated, [brand]);
  });

  it('updateAttributes recognises every NGSI-LD Null payload shape (data-model.md §4)', () => {
    const nulls: Attribute[] = [
      relationship(NGSI_LD_NULL),
      { type: 'LanguageProperty', languageMap: { '@none': NGSI_LD_NULL } },
      { type: 'ListProperty', valueList: [NGSI_LD_NULL] },
      { type: 'ListRelationship', objectList: [NGSI_LD_NULL] },
    ];
    for (const nullAttribute of nulls) {
      const { entity } = updateAttributes(
        current,
        fragment({ attrs: { [brand]: [nullAttribute] } }),
        v19,
      );
      assert.equal(brand in entity.attrs, false, nullAttribute.type);
    }
  });

  it('updateAttributes leaves an entity with no attributes when the last one is deleted (pitfalls.md 17)', () => {
    const single = storedEntity({ [brand]: [property('Volvo')] });
    const { entity } = updateAttributes(
      single,
      fragment({ attrs: { [brand]: [property(NGSI_LD_NULL)] } }),
      v19,
    );
    assert.deepEqual(entity, {
      id: single.id,
      type: [VEHICLE],
      createdAt: T0,
      modifiedAt: NOW,
      attrs: {},
    });
  });

  it('updateAttributes deletes only the datasetId instance the NGSI-LD Null names', () => {
    const multi = storedEntity({ [speed]: [property(55), property(54, { datasetId: GPS })] });
    const { entity } = updateAttributes(
      multi,
      fragment({ attrs: { [speed]: [property(NGSI_LD_NULL, { datasetId: GPS })] } }),
      v19,
    );
    assert.deepEqual(entity.attrs[speed], multi.attrs[speed]?.slice(0, 1));
  });

  it('updateAttributes replaces the default instance only when no datasetId is given (data-model.md §3)', () => {
    const multi = storedEntity({ [speed]: [property(55), property(54, { datasetId: GPS })] });
    const { entity } = updateAttributes(
      multi,
      fragment({ attrs: { [speed]: [property(1)] } }),
      v19,
    );
    assert.equal(entity.attrs[speed]?.[0]?.value, 1);
    assert.deepEqual(entity.attrs[speed]?.[1], multi.attrs[speed]?.[1]);
  });

  it('updateAttributes reports an NGSI-LD Null for a missing attribute as not updated', () => {
    const { entity, result } = updateAttributes(
      current,
      fragment({ attrs: { [iri('ghost')]: [property(NGSI_LD_NULL)] } }),
      v19,
    );
    assert.equal(entity, current);
    assert.deepEqual(result, {
      updated: [],
      notUpdated: [{ attributeName: iri('ghost'), reason: "attribute doesn't exist" }],
    });
  });

  it('updateAttributes skips a missing attribute with "attribute doesn\'t exist" when appendMissing is off (pitfalls.md 13, Orion-LD)', () => {
    const { entity, result } = updateAttributes(
      current,
      fragment({ attrs: { [iri('color')]: [property('red')], [brand]: [property('Saab')] } }),
      orionLd,
    );
    assert.equal(iri('color') in entity.attrs, false);
    assert.equal(entity.attrs[brand]?.[0]?.value, 'Saab');
    assert.deepEqual(result, {
      updated: [brand],
      notUpdated: [{ attributeName: iri('color'), reason: "attribute doesn't exist" }],
    });
  });

  it('updateAttributes reports a missing datasetId instance with its datasetId when appendMissing is off', () => {
    const { result } = updateAttributes(
      current,
      fragment({ attrs: { [speed]: [property(1, { datasetId: GPS })] } }),
      orionLd,
    );
    assert.equal(result.notUpdated[0]?.reason, `attribute doesn't exist (datasetId ${GPS})`);
  });

  it('updateAttributes appends a missing attribute when appendMissing is on (pitfalls.md 13, v1.9)', () => {
    const { entity, result } = updateAttributes(
      current,
      fragment({ attrs: { [iri('color')]: [property('red')] } }),
      v19,
    );
    assert.deepEqual(entity.attrs[iri('color')], [
      { type: 'Property', value: 'red', createdAt: NOW, modifiedAt: NOW },
    ]);
    assert.deepEqual(result.updated, [iri('color')]);
  });

  it('updateAttributes adds entity types (entities.md §8)', () => {
    const { entity } = updateAttributes(current, fragment({ type: [iri('Car')] }), orionLd);
    assert.deepEqual(entity.type, [VEHICLE, iri('Car')]);
  });

  it('updateAttributes replaces the scope when the entity has one, and NGSI-LD Null removes it (entities.md §8)', () => {
    const scoped = storedEntity({}, { scope: ['/Madrid'] });
    assert.deepEqual(updateAttributes(scoped, fragment({ scope: ['/Lisbon'] }), v19).entity.scope, [
      '/Lisbon',
    ]);
    const removed = updateAttributes(scoped, fragment({ scope: null }), v19).entity;
    assert.equal('scope' in removed, false);
    assert.equal(removed.modifiedAt, NOW);
  });

  it('updateAttributes does not add a scope to an entity without one, and reports it (entities.md §8)', () => {
    const { entity, result } = updateAttributes(current, fragment({ scope: ['/Lisbon'] }), v19);
    assert.equal(entity, current);
    assert.equal(result.notUpdated[0]?.attributeName, SCOPE_IRI);
  });

  it('updateAttributes leaves untouched attributes with their modifiedAt', () => {
    const { entity } = updateAttributes(
      current,
      fragment({ attrs: { [speed]: [property(60)] } }),
      v19,
    );
    assert.equal(entity.attrs[brand]?.[0]?.modifiedAt, T1);
  });
});
