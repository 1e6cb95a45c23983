import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NGSI_LD_NULL } from '../model.js';
import { isNgsiLdNull } from './entity-fragment.js';
import { parseAttributeFragment, parseEntity, parseEntityFragment } from './entity-parser.js';
import { CORE, badRequest, dc, fakeContext } from './entity.fixtures.js';

const ctx = fakeContext({ Vehicle: 'https://example.org/Vehicle' });
const POINT = { type: 'Point', coordinates: [-8.5, 41.2] };

describe('parseEntity (NGSI-LD 5.6.1, entities.md §3)', () => {
  it('parseEntity reads the data-model.md §1 example', () => {
    const entity = parseEntity(
      {
        id: 'urn:ngsi-ld:Vehicle:A4567',
        type: 'Vehicle',
        brandName: { type: 'Property', value: 'Mercedes' },
        isParked: { type: 'Relationship', object: 'urn:ngsi-ld:OffStreetParking:Downtown1' },
        location: { type: 'GeoProperty', value: POINT },
        '@context': ['http://example.org/vehicle.jsonld'],
      },
      ctx,
    );
    assert.deepEqual(entity, {
      id: 'urn:ngsi-ld:Vehicle:A4567',
      type: ['https://example.org/Vehicle'],
      attrs: {
        [dc('brandName')]: [{ type: 'Property', value: 'Mercedes' }],
        [dc('isParked')]: [
          { type: 'Relationship', object: 'urn:ngsi-ld:OffStreetParking:Downtown1' },
        ],
        [CORE + 'location']: [{ type: 'GeoProperty', value: POINT }],
      },
    });
  });

  it('parseEntity accepts an entity with only id and type', () => {
    assert.deepEqual(parseEntity({ id: 'urn:a:1', type: 'T' }, ctx), {
      id: 'urn:a:1',
      type: [dc('T')],
      attrs: {},
    });
  });

  it('parseEntity accepts @id and @type aliases (contexts.md §2)', () => {
    const entity = parseEntity({ '@id': 'urn:a:1', '@type': ['T'] }, ctx);
    assert.equal(entity.id, 'urn:a:1');
    assert.deepEqual(entity.type, [dc('T')]);
  });

  it('parseEntity expands and de-duplicates several types (NGSI-LD 4.16)', () => {
    const entity = parseEntity({ id: 'urn:a:1', type: ['T', 'U', dc('T'), 'T'] }, ctx);
    assert.deepEqual(entity.type, [dc('T'), dc('U')]);
  });

  it('parseEntity reads scope as an array and drops an empty one', () => {
    assert.deepEqual(parseEntity({ id: 'urn:a:1', type: 'T', scope: '/Madrid' }, ctx).scope, [
      '/Madrid',
    ]);
    assert.deepEqual(parseEntity({ id: 'urn:a:1', type: 'T', scope: ['/A', 'B/C'] }, ctx).scope, [
      '/A',
      'B/C',
    ]);
    assert.equal(parseEntity({ id: 'urn:a:1', type: 'T', scope: [] }, ctx).scope, undefined);
  });

  it('parseEntity ignores client createdAt and modifiedAt (pitfalls.md 10)', () => {
    const entity = parseEntity({ id: 'urn:a:1', type: 'T', createdAt: 'x', modifiedAt: 'y' }, ctx);
    assert.deepEqual(entity, { id: 'urn:a:1', type: [dc('T')], attrs: {} });
  });

  it('parseEntity validates but does not keep an entity expiresAt', () => {
    assert.deepEqual(
      parseEntity({ id: 'urn:a:1', type: 'T', expiresAt: '2030-01-01T00:00:00Z' }, ctx).attrs,
      {},
    );
    assert.throws(
      () => parseEntity({ id: 'urn:a:1', type: 'T', expiresAt: 'soon' }, ctx),
      badRequest(/expiresAt/),
    );
  });

  it('parseEntity merges two names for the same IRI and checks their instances together', () => {
    const entity = parseEntity(
      { id: 'urn:a:1', type: 'T', speed: { value: 1, datasetId: 'urn:d:1' }, [dc('speed')]: 2 },
      ctx,
    );
    assert.equal(entity.attrs[dc('speed')]?.length, 2);
    assert.throws(
      () => parseEntity({ id: 'urn:a:1', type: 'T', speed: 1, [dc('speed')]: 2 }, ctx),
      badRequest(/default instance/),
    );
  });

  it('parseEntity accepts Unicode entity types and attribute names', () => {
    const entity = parseEntity({ id: 'urn:a:1', type: 'Стрит', 名前: '東京' }, ctx);
    assert.deepEqual(entity.type, [dc('Стрит')]);
    assert.deepEqual(entity.attrs[dc('名前')], [{ type: 'Property', value: '東京' }]);
  });

  it('parseEntity reads keyValues bodies with the simplified option', () => {
    const entity = parseEntity(
      { id: 'urn:a:1', type: 'T', a: { object: 'urn:b:1' }, location: POINT },
      ctx,
      {
        simplified: true,
      },
    );
    assert.deepEqual(entity.attrs, {
      [dc('a')]: [{ type: 'Property', value: { object: 'urn:b:1' } }],
      [CORE + 'location']: [{ type: 'GeoProperty', value: POINT }],
    });
  });
});

describe('parseEntity validation (entities.md §3, pitfalls.md 1–11)', () => {
  it('parseEntity rejects a body that is not a JSON object', () => {
    for (const body of [null, [], 'x', 3, [{ id: 'urn:a:1', type: 'T' }]]) {
      assert.throws(() => parseEntity(body, ctx), badRequest(/must be a JSON object/));
    }
  });

  it('parseEntity requires id and type', () => {
    assert.throws(() => parseEntity({ type: 'T' }, ctx), badRequest(/'id' is required/));
    assert.throws(() => parseEntity({ id: 'urn:a:1' }, ctx), badRequest(/'type' is required/));
  });

  it('parseEntity rejects ids that are not absolute URIs', () => {
    for (const id of ['abc', '', 42, null, {}]) {
      assert.throws(
        () => parseEntity({ id, type: 'T' }, ctx),
        badRequest(/entity id must be an absolute URI/),
      );
    }
  });

  it('parseEntity rejects conflicting id and @id', () => {
    assert.throws(
      () => parseEntity({ id: 'urn:a:1', '@id': 'urn:a:2', type: 'T' }, ctx),
      badRequest(/differ/),
    );
  });

  it('parseEntity rejects invalid entity types', () => {
    for (const type of [[], 'bad type', 'a-b', 3, ['T', 4], null, '']) {
      assert.throws(
        () => parseEntity({ id: 'urn:a:1', type }, ctx),
        badRequest(/type/),
        JSON.stringify(type),
      );
    }
  });

  it('parseEntity rejects invalid scopes and NGSI-LD Null scope', () => {
    assert.throws(
      () => parseEntity({ id: 'urn:a:1', type: 'T', scope: '/a b' }, ctx),
      badRequest(),
    );
    assert.throws(() => parseEntity({ id: 'urn:a:1', type: 'T', scope: 3 }, ctx), badRequest());
    assert.throws(
      () => parseEntity({ id: 'urn:a:1', type: 'T', scope: NGSI_LD_NULL }, ctx),
      badRequest(/NGSI-LD Null/),
    );
  });

  it('parseEntity rejects invalid and reserved attribute names', () => {
    assert.throws(
      () => parseEntity({ id: 'urn:a:1', type: 'T', 'bad name': 1 }, ctx),
      badRequest(/invalid attribute name/),
    );
    assert.throws(
      () => parseEntity({ id: 'urn:a:1', type: 'T', '2x': 1 }, ctx),
      badRequest(/invalid attribute name/),
    );
    assert.throws(
      () => parseEntity({ id: 'urn:a:1', type: 'T', observedAt: 1 }, ctx),
      badRequest(/reserved/),
    );
    assert.throws(
      () => parseEntity({ id: 'urn:a:1', type: 'T', value: 1 }, ctx),
      badRequest(/reserved/),
    );
  });

  it('parseEntity rejects NGSI-LD Null and JSON null attributes', () => {
    assert.throws(
      () => parseEntity({ id: 'urn:a:1', type: 'T', a: NGSI_LD_NULL }, ctx),
      badRequest(/NGSI-LD Null/),
    );
    assert.throws(
      () => parseEntity({ id: 'urn:a:1', type: 'T', a: null }, ctx),
      badRequest(/null/),
    );
  });

  it('parseEntity error messages name the attribute', () => {
    assert.throws(
      () =>
        parseEntity(
          { id: 'urn:a:1', type: 'T', speed: { type: 'Relationship', object: 'x' } },
          ctx,
        ),
      badRequest(/^attribute 'speed': Relationship object must be an absolute URI/),
    );
  });
});

describe('parseEntityFragment (NGSI-LD 5.6.2, 5.6.3, 5.6.17)', () => {
  it('parseEntityFragment reads attributes and optional id, type and scope', () => {
    const fragment = parseEntityFragment(
      { id: 'urn:a:1', type: 'U', scope: '/X', speed: 3, '@context': 'http://x.org/c.jsonld' },
      ctx,
      { allowNull: false },
    );
    assert.deepEqual(fragment, {
      id: 'urn:a:1',
      type: [dc('U')],
      scope: ['/X'],
      attrs: { [dc('speed')]: [{ type: 'Property', value: 3 }] },
    });
  });

  it('parseEntityFragment reads NGSI-LD Null attributes and scope with allowNull', () => {
    const fragment = parseEntityFragment(
      { a: NGSI_LD_NULL, b: { object: NGSI_LD_NULL }, scope: NGSI_LD_NULL },
      ctx,
      {
        allowNull: true,
      },
    );
    assert.equal(fragment.scope, null);
    const a = fragment.attrs[dc('a')]?.[0];
    const b = fragment.attrs[dc('b')]?.[0];
    assert.ok(a && isNgsiLdNull(a) && b && isNgsiLdNull(b));
  });

  it('parseEntityFragment rejects NGSI-LD Null without allowNull (Append, errors.md §3)', () => {
    assert.throws(
      () => parseEntityFragment({ a: NGSI_LD_NULL }, ctx, { allowNull: false }),
      badRequest(/NGSI-LD Null/),
    );
    assert.throws(
      () => parseEntityFragment({ scope: NGSI_LD_NULL }, ctx, { allowNull: false }),
      badRequest(/NGSI-LD Null/),
    );
  });

  it('parseEntityFragment rejects an empty fragment when requireNonEmpty', () => {
    assert.deepEqual(parseEntityFragment({}, ctx, { allowNull: true }), { attrs: {} });
    assert.throws(
      () => parseEntityFragment({}, ctx, { allowNull: true, requireNonEmpty: true }),
      badRequest(/no attribute/),
    );
    assert.throws(
      () =>
        parseEntityFragment({ id: 'urn:a:1', '@context': 'x' }, ctx, {
          allowNull: true,
          requireNonEmpty: true,
        }),
      badRequest(/no attribute/),
    );
  });

  it('parseEntityFragment reads keyValues fragments with simplified', () => {
    const fragment = parseEntityFragment({ a: { x: 1 }, b: NGSI_LD_NULL }, ctx, {
      allowNull: true,
      simplified: true,
    });
    assert.deepEqual(fragment.attrs, {
      [dc('a')]: [{ type: 'Property', value: { x: 1 } }],
      [dc('b')]: [{ type: 'Property', value: NGSI_LD_NULL }],
    });
  });

  it('parseEntityFragment rejects a body that is not an object and a bad id', () => {
    assert.throws(
      () => parseEntityFragment([], ctx, { allowNull: true }),
      badRequest(/JSON object/),
    );
    assert.throws(
      () => parseEntityFragment({ id: 'x' }, ctx, { allowNull: true }),
      badRequest(/absolute URI/),
    );
  });
});

describe('parseAttributeFragment (NGSI-LD 5.6.4, 5.6.19)', () => {
  it('parseAttributeFragment reads a bare normalized attribute', () => {
    assert.deepEqual(
      parseAttributeFragment(
        { type: 'Property', value: 20, datasetId: 'urn:d:1' },
        ctx,
        'temperature',
        { allowNull: false },
      ),
      { type: 'Property', value: 20, datasetId: 'urn:d:1' },
    );
  });

  it('parseAttributeFragment infers the kind of a concise fragment', () => {
    assert.deepEqual(
      parseAttributeFragment(
        { value: 20, observedAt: '2024-01-01T10:00:00Z' },
        ctx,
        'temperature',
        { allowNull: false },
      ),
      {
        type: 'Property',
        value: 20,
        observedAt: '2024-01-01T10:00:00Z',
      },
    );
    assert.equal(
      parseAttributeFragment({ object: 'urn:a:1' }, ctx, 'rel', { allowNull: false }).type,
      'Relationship',
    );
    assert.equal(
      parseAttributeFragment(POINT, ctx, 'location', { allowNull: false }).type,
      'GeoProperty',
    );
  });

  it('parseAttributeFragment allows a missing payload in partial mode only', () => {
    const body = { type: 'Property', unitCode: 'CEL' };
    assert.throws(
      () => parseAttributeFragment(body, ctx, 'temperature', { allowNull: false }),
      badRequest(/needs 'value'/),
    );
    assert.deepEqual(
      parseAttributeFragment(body, ctx, 'temperature', { allowNull: true, partial: true }),
      {
        type: 'Property',
        unitCode: 'CEL',
      },
    );
  });

  it('parseAttributeFragment rejects bodies that are not objects', () => {
    for (const body of [null, 20, 'x', [{ value: 1 }]]) {
      assert.throws(
        () => parseAttributeFragment(body, ctx, 'temperature', { allowNull: true }),
        badRequest(/JSON object/),
      );
    }
  });

  it('parseAttributeFragment names the attribute in errors', () => {
    assert.throws(
      () =>
        parseAttributeFragment({ type: 'Relationship', object: 42 }, ctx, 'owner', {
          allowNull: false,
        }),
      badRequest(/^attribute 'owner': Relationship object/),
    );
  });
});
