import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NGSI_LD_NULL } from '../../model.js';
import { applyMergePatch } from './merge-attribute.js';
import { mergeEntity } from './merge-entity.js';
import {
  NOW,
  T0,
  T1,
  VEHICLE,
  assertProblem,
  fragment,
  iri,
  property,
  relationship,
  storedEntity,
} from './operations.fixtures.js';

const temperature = iri('temperature');
const address = iri('address');
const source = iri('source');
const accuracy = iri('accuracy');
const GPS = 'urn:ngsi-ld:Dataset:gps';
const OBSERVED = '2022-03-14T01:59:26.535Z';
const LATER = '2022-03-14T13:00:00.000Z';

describe('mergeEntity', () => {
  const current = storedEntity({
    [temperature]: [
      property(25, {
        unitCode: 'CEL',
        observedAt: OBSERVED,
        attrs: { [source]: [property('sensor', { unitCode: 'X' })], [accuracy]: [property(0.5)] },
      }),
    ],
    [address]: [property({ street: 'Main', number: 1, geo: { lat: 1, lon: 2 } })],
  });

  it('mergeEntity overwrites value and observedAt and keeps unitCode (entities.md §5 example)', () => {
    const { entity, result } = mergeEntity(
      current,
      fragment({ attrs: { [temperature]: [property(100, { observedAt: LATER })] } }),
      { now: NOW },
    );
    const merged = entity.attrs[temperature]?.[0];
    assert.equal(merged?.value, 100);
    assert.equal(merged?.observedAt, LATER);
    assert.equal(merged?.unitCode, 'CEL');
    assert.deepEqual(result, { updated: [temperature], notUpdated: [] });
  });

  it('mergeEntity keeps createdAt and sets modifiedAt on the merged instance and the entity (NGSI-LD 4.8)', () => {
    const { entity } = mergeEntity(
      current,
      fragment({ attrs: { [temperature]: [property(100)] } }),
      { now: NOW },
    );
    assert.equal(entity.attrs[temperature]?.[0]?.createdAt, T0);
    assert.equal(entity.attrs[temperature]?.[0]?.modifiedAt, NOW);
    assert.equal(entity.attrs[address]?.[0]?.modifiedAt, T1, 'untouched attribute');
    assert.equal(entity.createdAt, T0);
    assert.equal(entity.modifiedAt, NOW);
  });

  it('mergeEntity keeps sub-attributes the fragment omits and merges the ones it gives (pitfalls.md 12)', () => {
    const { entity } = mergeEntity(
      current,
      fragment({
        attrs: {
          [temperature]: [
            property(26, {
              attrs: { [source]: [property('radar')], [iri('method')]: [property('m')] },
            }),
          ],
        },
      }),
      { now: NOW },
    );
    const subAttributes = entity.attrs[temperature]?.[0]?.attrs;
    assert.deepEqual(
      subAttributes?.[accuracy],
      current.attrs[temperature]?.[0]?.attrs?.[accuracy],
      'untouched sub-attribute',
    );
    assert.deepEqual(subAttributes?.[source], [
      { type: 'Property', value: 'radar', unitCode: 'X', createdAt: T0, modifiedAt: NOW },
    ]);
    assert.deepEqual(subAttributes?.[iri('method')], [
      { type: 'Property', value: 'm', createdAt: NOW, modifiedAt: NOW },
    ]);
  });

  it('mergeEntity removes a sub-attribute given as NGSI-LD Null', () => {
    const { entity } = mergeEntity(
      current,
      fragment({
        attrs: {
          [temperature]: [property(26, { attrs: { [accuracy]: [property(NGSI_LD_NULL)] } })],
        },
      }),
      { now: NOW },
    );
    assert.deepEqual(Object.keys(entity.attrs[temperature]?.[0]?.attrs ?? {}), [source]);
  });

  it('mergeEntity merges JSON object values key by key, removing "urn:ngsi-ld:null" keys (NGSI-LD 5.5.12)', () => {
    const { entity } = mergeEntity(
      current,
      fragment({
        attrs: {
          [address]: [property({ number: 2, street: NGSI_LD_NULL, geo: { lat: 3 }, zip: '1000' })],
        },
      }),
      { now: NOW },
    );
    assert.deepEqual(entity.attrs[address]?.[0]?.value, {
      number: 2,
      geo: { lat: 3, lon: 2 },
      zip: '1000',
    });
  });

  it('mergeEntity deletes an instance given as NGSI-LD Null (entities.md §5)', () => {
    const { entity, result } = mergeEntity(
      current,
      fragment({ attrs: { [address]: [property(NGSI_LD_NULL)] } }),
      { now: NOW },
    );
    assert.equal(address in entity.attrs, false);
    assert.deepEqual(result.updated, [address]);
  });

  it('mergeEntity ignores an NGSI-LD Null for an absent attribute (entities.md §5)', () => {
    const { entity, result } = mergeEntity(
      current,
      fragment({ attrs: { [iri('ghost')]: [property(NGSI_LD_NULL)] } }),
      { now: NOW },
    );
    assert.equal(entity, current);
    assert.deepEqual(result, { updated: [], notUpdated: [] });
  });

  it('mergeEntity adds an absent attribute as a new instance', () => {
    const { entity } = mergeEntity(
      current,
      fragment({ attrs: { [iri('color')]: [property('red')] } }),
      { now: NOW },
    );
    assert.deepEqual(entity.attrs[iri('color')], [
      { type: 'Property', value: 'red', createdAt: NOW, modifiedAt: NOW },
    ]);
  });

  it('mergeEntity merges only the instance with the fragment datasetId (data-model.md §3)', () => {
    const multi = storedEntity({
      [temperature]: [
        property(20, { unitCode: 'CEL' }),
        property(21, { datasetId: GPS, unitCode: 'CEL' }),
      ],
    });
    const { entity } = mergeEntity(
      multi,
      fragment({ attrs: { [temperature]: [property(30, { datasetId: GPS })] } }),
      { now: NOW },
    );
    assert.deepEqual(entity.attrs[temperature]?.[0], multi.attrs[temperature]?.[0]);
    assert.deepEqual(entity.attrs[temperature]?.[1], {
      type: 'Property',
      value: 30,
      datasetId: GPS,
      unitCode: 'CEL',
      createdAt: T0,
      modifiedAt: NOW,
    });
  });

  it('mergeEntity sets the observedAt parameter on attributes that had one and got none (entities.md §5)', () => {
    const { entity } = mergeEntity(
      current,
      fragment({ attrs: { [temperature]: [property(30)], [address]: [property({ number: 3 })] } }),
      { now: NOW, observedAt: LATER },
    );
    assert.equal(entity.attrs[temperature]?.[0]?.observedAt, LATER);
    assert.equal(entity.attrs[address]?.[0]?.observedAt, undefined, 'had no observedAt');
  });

  it("mergeEntity lets the fragment's observedAt win over the observedAt parameter", () => {
    const { entity } = mergeEntity(
      current,
      fragment({ attrs: { [temperature]: [property(30, { observedAt: T1 })] } }),
      {
        now: NOW,
        observedAt: LATER,
      },
    );
    assert.equal(entity.attrs[temperature]?.[0]?.observedAt, T1);
  });

  it('mergeEntity with lang updates one key of a LanguageProperty (entities.md §5)', () => {
    const says = iri('says');
    const lp = storedEntity({
      [says]: [{ type: 'LanguageProperty', languageMap: { en: 'yes', fr: 'oui' } }],
    });
    const { entity } = mergeEntity(lp, fragment({ attrs: { [says]: [property('sí')] } }), {
      now: NOW,
      lang: 'es',
    });
    assert.deepEqual(entity.attrs[says]?.[0]?.languageMap, { en: 'yes', fr: 'oui', es: 'sí' });
    assert.equal(entity.attrs[says]?.[0]?.type, 'LanguageProperty');
  });

  it('mergeEntity merges language maps key by key', () => {
    const says = iri('says');
    const lp = storedEntity({
      [says]: [{ type: 'LanguageProperty', languageMap: { en: 'yes', fr: 'oui' } }],
    });
    const { entity } = mergeEntity(
      lp,
      fragment({
        attrs: {
          [says]: [{ type: 'LanguageProperty', languageMap: { fr: NGSI_LD_NULL, de: 'ja' } }],
        },
      }),
      { now: NOW },
    );
    assert.deepEqual(entity.attrs[says]?.[0]?.languageMap, { en: 'yes', de: 'ja' });
  });

  it('mergeEntity replaces a JsonProperty payload instead of merging it (pitfalls.md 5)', () => {
    const config = iri('config');
    const jp = storedEntity({ [config]: [{ type: 'JsonProperty', json: { a: 1, b: 2 } }] });
    const { entity } = mergeEntity(
      jp,
      fragment({ attrs: { [config]: [{ type: 'JsonProperty', json: { a: 3 } }] } }),
      { now: NOW },
    );
    assert.deepEqual(entity.attrs[config]?.[0]?.json, { a: 3 });
  });

  it('mergeEntity answers 400 when a normalized fragment changes the attribute kind', () => {
    assertProblem(
      () =>
        mergeEntity(
          current,
          fragment({ attrs: { [temperature]: [relationship('urn:ngsi-ld:Sensor:1')] } }),
          { now: NOW },
        ),
      400,
      'BadRequestData',
      /temperature is a Property/,
    );
  });

  it('mergeEntity answers 400 when a sub-attribute fragment changes its kind, naming the path', () => {
    assertProblem(
      () =>
        mergeEntity(
          current,
          fragment({
            attrs: {
              [temperature]: [
                property(1, { attrs: { [source]: [relationship('urn:ngsi-ld:Sensor:1')] } }),
              ],
            },
          }),
          { now: NOW },
        ),
      400,
      'BadRequestData',
      /temperature > .*source/,
    );
  });

  it('mergeEntity adds entity types, replaces the scope and removes it with NGSI-LD Null (entities.md §5)', () => {
    const scoped = storedEntity({}, { scope: ['/Madrid'] });
    const { entity } = mergeEntity(scoped, fragment({ type: [iri('Car')], scope: ['/Lisbon'] }), {
      now: NOW,
    });
    assert.deepEqual(entity.type, [VEHICLE, iri('Car')]);
    assert.deepEqual(entity.scope, ['/Lisbon']);
    assert.equal(
      'scope' in mergeEntity(scoped, fragment({ scope: null }), { now: NOW }).entity,
      false,
    );
  });

  it('mergeEntity adds a scope to an entity that had none', () => {
    const { entity } = mergeEntity(current, fragment({ scope: ['/Lisbon'] }), { now: NOW });
    assert.deepEqual(entity.scope, ['/Lisbon']);
  });

  it('mergeEntity answers 400 when the fragment id names another entity', () => {
    assertProblem(
      () => mergeEntity(current, fragment({ id: 'urn:ngsi-ld:Vehicle:Other' }), { now: NOW }),
      400,
      'BadRequestData',
    );
  });
});

describe('applyMergePatch', () => {
  it('applyMergePatch replaces non-objects and arrays as a whole (RFC 7396)', () => {
    assert.deepEqual(applyMergePatch({ a: [1, 2] }, { a: [3] }), { a: [3] });
    assert.equal(applyMergePatch({ a: 1 }, 5), 5);
    assert.deepEqual(applyMergePatch(5, { a: 1, b: NGSI_LD_NULL }), { a: 1 });
  });
});
