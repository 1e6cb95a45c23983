import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deleteAttribute, deleteScope } from './delete-attribute.js';
import {
  NOW,
  T0,
  VEHICLE,
  assertProblem,
  iri,
  property,
  storedEntity,
} from './operations.fixtures.js';

const speed = iri('speed');
const brand = iri('brandName');
const GPS = 'urn:ngsi-ld:Dataset:gps';

describe('deleteAttribute', () => {
  const current = storedEntity({
    [speed]: [property(55), property(54, { datasetId: GPS })],
    [brand]: [property('Volvo')],
  });

  it('deleteAttribute removes only the default instance when no datasetId is given (entities.md §11)', () => {
    const entity = deleteAttribute(current, speed, { deleteAll: false, now: NOW });
    assert.deepEqual(entity.attrs[speed], current.attrs[speed]?.slice(1));
    assert.equal(entity.modifiedAt, NOW);
    assert.equal(entity.createdAt, T0);
  });

  it('deleteAttribute removes the instance with the given datasetId', () => {
    const entity = deleteAttribute(current, speed, { datasetId: GPS, deleteAll: false, now: NOW });
    assert.deepEqual(entity.attrs[speed], current.attrs[speed]?.slice(0, 1));
  });

  it('deleteAttribute with deleteAll removes every instance and the attribute key', () => {
    const entity = deleteAttribute(current, speed, { deleteAll: true, now: NOW });
    assert.deepEqual(Object.keys(entity.attrs), [brand]);
  });

  it('deleteAttribute removes the key with the last instance and the entity remains (pitfalls.md 17)', () => {
    const entity = deleteAttribute(current, brand, { deleteAll: false, now: NOW });
    assert.equal(brand in entity.attrs, false);
    const emptied = deleteAttribute(entity, speed, { deleteAll: true, now: NOW });
    assert.deepEqual(emptied, {
      id: current.id,
      type: [VEHICLE],
      createdAt: T0,
      modifiedAt: NOW,
      attrs: {},
    });
  });

  it('deleteAttribute answers 404 ResourceNotFound naming a missing attribute (entities.md §11)', () => {
    assertProblem(
      () => deleteAttribute(current, iri('ghost'), { deleteAll: false, now: NOW }),
      404,
      'ResourceNotFound',
      /ghost/,
    );
  });

  it('deleteAttribute answers 404 ResourceNotFound naming a missing instance', () => {
    assertProblem(
      () =>
        deleteAttribute(current, speed, {
          datasetId: 'urn:ngsi-ld:Dataset:x',
          deleteAll: false,
          now: NOW,
        }),
      404,
      'ResourceNotFound',
      /speed of entity .* has no instance with datasetId urn:ngsi-ld:Dataset:x/,
    );
    assertProblem(
      () => deleteAttribute(current, brand, { datasetId: GPS, deleteAll: false, now: NOW }),
      404,
      'ResourceNotFound',
    );
    const onlyDataset = storedEntity({ [speed]: [property(1, { datasetId: GPS })] });
    assertProblem(
      () => deleteAttribute(onlyDataset, speed, { deleteAll: false, now: NOW }),
      404,
      'ResourceNotFound',
      /no default instance/,
    );
  });
});

describe('deleteScope', () => {
  it('deleteScope removes the scope (entities.md §11: attrId=scope)', () => {
    const entity = deleteScope(storedEntity({}, { scope: ['/Madrid'] }), { now: NOW });
    assert.equal('scope' in entity, false);
    assert.equal(entity.modifiedAt, NOW);
  });

  it('deleteScope answers 404 ResourceNotFound when the entity has no scope', () => {
    assertProblem(
      () => deleteScope(storedEntity(), { now: NOW }),
      404,
      'ResourceNotFound',
      /has no scope/,
    );
  });
});
