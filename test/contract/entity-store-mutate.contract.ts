/**
 * EntityStore.mutate, getEntity and tenants (port: src/context/ports/entity-store.port.ts):
 * ordered items, atomic per item, one transaction per batch, tenants isolated.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { EntityMutation } from '../../src/context/ports/entity-store.port.js';
import { DEFAULT_TENANT } from '../../src/ngsi-ld/model.js';
import { badRequestData } from '../../src/ngsi-ld/problem-details.js';
import {
  create,
  entity,
  iri,
  prop,
  put,
  queryIds,
  remove,
  setAttr,
  type MakeStore,
  type StoreUnderTest,
} from './entity-store.fixtures.js';

export function describeMutateContract(makeStore: MakeStore): void {
  describe('mutate and getEntity', () => {
    let sut: StoreUnderTest;
    beforeEach(async () => {
      sut = await makeStore();
    });
    afterEach(() => sut.cleanup());

    it('getEntity returns what mutate created, and undefined for an unknown id', async () => {
      const car = entity('urn:ngsi-ld:Car:1', 'Car', {
        speed: prop(50, { unitCode: 'KMH', observedAt: '2024-01-01T00:00:00Z' }),
      });
      const [result] = await sut.store.mutate(DEFAULT_TENANT, [create(car)], {
        createTenant: false,
      });
      assert.deepEqual(result, {
        ok: true,
        id: car.id,
        previous: undefined,
        current: car,
        report: 'created',
      });
      assert.deepEqual(await sut.store.getEntity(DEFAULT_TENANT, car.id), car);
      assert.equal(await sut.store.getEntity(DEFAULT_TENANT, 'urn:ngsi-ld:Car:2'), undefined);
    });

    it('mutate passes the current entity to apply and reports previous and current', async () => {
      const v1 = entity('urn:ngsi-ld:Car:1', 'Car', { speed: prop(1) });
      const v2 = entity('urn:ngsi-ld:Car:1', 'Car', { speed: prop(2) });
      await sut.store.mutate(DEFAULT_TENANT, [put(v1)], { createTenant: false });
      const seen: unknown[] = [];
      const [result] = await sut.store.mutate(
        DEFAULT_TENANT,
        [
          {
            id: v1.id,
            apply: (current) => (seen.push(current), { next: v2, report: { updated: ['speed'] } }),
          },
        ],
        { createTenant: false },
      );
      assert.deepEqual(seen, [v1]);
      assert.deepEqual(result, {
        ok: true,
        id: v1.id,
        previous: v1,
        current: v2,
        report: { updated: ['speed'] },
      });
      assert.deepEqual(await sut.store.getEntity(DEFAULT_TENANT, v1.id), v2);
    });

    it('mutate deletes on next = null and leaves the entity alone on next = undefined', async () => {
      const car = entity('urn:ngsi-ld:Car:1', 'Car');
      const bike = entity('urn:ngsi-ld:Bike:1', 'Bike');
      await sut.store.mutate(DEFAULT_TENANT, [put(car), put(bike)], { createTenant: false });
      const results = await sut.store.mutate(
        DEFAULT_TENANT,
        [remove(car.id), { id: bike.id, apply: () => ({ next: undefined, report: 'noop' }) }],
        { createTenant: false },
      );
      assert.deepEqual(results[0], {
        ok: true,
        id: car.id,
        previous: car,
        current: undefined,
        report: 'deleted',
      });
      assert.deepEqual(results[1], {
        ok: true,
        id: bike.id,
        previous: bike,
        current: bike,
        report: 'noop',
      });
      assert.equal(await sut.store.getEntity(DEFAULT_TENANT, car.id), undefined);
      assert.deepEqual(await sut.store.getEntity(DEFAULT_TENANT, bike.id), bike);
    });

    it('mutate rejects only the item whose apply throws, and that item writes nothing', async () => {
      const a = entity('urn:ngsi-ld:Car:a', 'Car');
      const b = entity('urn:ngsi-ld:Car:b', 'Car');
      const failing: EntityMutation<string> = {
        id: 'urn:ngsi-ld:Car:x',
        apply: () => {
          throw badRequestData('speed must be a number');
        },
      };
      const results = await sut.store.mutate(
        DEFAULT_TENANT,
        [create(a), failing, create(b), create(a)],
        { createTenant: false },
      );
      assert.deepEqual(
        results.map((r) => r.ok),
        [true, false, true, false],
      );
      const rejected = results[1];
      assert.ok(rejected !== undefined && !rejected.ok);
      assert.equal(rejected.error.detail, 'speed must be a number');
      assert.equal(results[3]?.ok === false && results[3].error.status, 409);
      assert.equal(await sut.store.getEntity(DEFAULT_TENANT, 'urn:ngsi-ld:Car:x'), undefined);
      assert.deepEqual(await queryIds(sut.store, DEFAULT_TENANT, {}), [a.id, b.id]);
    });

    it('mutate lets later items see earlier items of the same batch on one id', async () => {
      const car = entity('urn:ngsi-ld:Car:1', 'Car');
      const results = await sut.store.mutate(
        DEFAULT_TENANT,
        [
          create(car),
          setAttr(car.id, 'speed', prop(10)),
          setAttr(car.id, 'brand', prop('Volvo')),
          create(car),
        ],
        { createTenant: false },
      );
      assert.deepEqual(
        results.map((r) => r.ok),
        [true, true, true, false],
      );
      const stored = await sut.store.getEntity(DEFAULT_TENANT, car.id);
      assert.deepEqual(stored?.attrs, {
        [iri('speed')]: [prop(10)],
        [iri('brand')]: [prop('Volvo')],
      });
      assert.deepEqual(results[2]?.ok === true && results[2].previous?.attrs, {
        [iri('speed')]: [prop(10)],
      });
    });

    it('mutate keeps creation order for query results, also across deletes and re-creation', async () => {
      const [a, b, c] = ['a', 'b', 'c'].map((n) => entity(`urn:ngsi-ld:Car:${n}`, 'Car'));
      await sut.store.mutate(DEFAULT_TENANT, [put(c!), put(a!), put(b!)], { createTenant: false });
      await sut.store.mutate(DEFAULT_TENANT, [put(a!), remove(c!.id)], { createTenant: false });
      await sut.store.mutate(DEFAULT_TENANT, [create(c!)], { createTenant: false });
      assert.deepEqual(await queryIds(sut.store, DEFAULT_TENANT, {}), [a!.id, b!.id, c!.id]);
    });

    it('mutate treats a delete and a re-create in one batch as a new entity', async () => {
      const a = entity('urn:ngsi-ld:Car:a', 'Car', { speed: prop(1) });
      const b = entity('urn:ngsi-ld:Car:b', 'Car');
      await sut.store.mutate(DEFAULT_TENANT, [put(a), put(b)], { createTenant: false });
      const a2 = entity(a.id, 'Truck', { load: prop(3) });
      await sut.store.mutate(DEFAULT_TENANT, [remove(a.id), create(a2)], { createTenant: false });
      assert.deepEqual(await sut.store.getEntity(DEFAULT_TENANT, a.id), a2);
      assert.deepEqual(await queryIds(sut.store, DEFAULT_TENANT, {}), [b.id, a.id]);
      assert.deepEqual(await queryIds(sut.store, DEFAULT_TENANT, { attrs: [iri('speed')] }), []);
    });

    it('mutate with no mutations returns no results', async () => {
      assert.deepEqual(await sut.store.mutate(DEFAULT_TENANT, [], { createTenant: true }), []);
    });

    it('mutate aborts the whole batch when apply fails with something other than a ProblemDetails', async () => {
      const a = entity('urn:ngsi-ld:Car:a', 'Car');
      const broken: EntityMutation<string> = {
        id: 'urn:ngsi-ld:Car:b',
        apply: () => {
          throw new TypeError('bug');
        },
      };
      await assert.rejects(
        sut.store.mutate(DEFAULT_TENANT, [put(a), broken], { createTenant: false }),
        TypeError,
      );
      assert.equal(await sut.store.getEntity(DEFAULT_TENANT, a.id), undefined);
    });

    it('mutate with many parallel batches on one entity loses no attribute', async () => {
      const car = entity('urn:ngsi-ld:Car:1', 'Car');
      await sut.store.mutate(DEFAULT_TENANT, [put(car)], { createTenant: false });
      const names = Array.from({ length: 50 }, (_, i) => `attr${i}`);
      const results = await Promise.all(
        names.map((name, i) =>
          sut.store.mutate(DEFAULT_TENANT, [setAttr(car.id, name, prop(i))], {
            createTenant: false,
          }),
        ),
      );
      assert.ok(results.every(([r]) => r?.ok === true));
      const stored = await sut.store.getEntity(DEFAULT_TENANT, car.id);
      assert.deepEqual(Object.keys(stored?.attrs ?? {}).sort(), names.map(iri).sort());
    });

    it('mutate creating one new id from parallel batches creates it once', async () => {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          sut.store.mutate(
            DEFAULT_TENANT,
            [create(entity('urn:ngsi-ld:Car:new', 'Car', { n: prop(i) }))],
            { createTenant: false },
          ),
        ),
      );
      const outcomes = results.map(([r]) => r?.ok);
      assert.equal(outcomes.filter((ok) => ok === true).length, 1);
      assert.equal(outcomes.filter((ok) => ok === false).length, 9);
      assert.deepEqual(await queryIds(sut.store, DEFAULT_TENANT, {}), ['urn:ngsi-ld:Car:new']);
    });
  });

  describe('tenants', () => {
    let sut: StoreUnderTest;
    beforeEach(async () => {
      sut = await makeStore();
    });
    afterEach(() => sut.cleanup());

    it('hasTenant is true for the default tenant and false for an unknown one', async () => {
      assert.equal(await sut.store.hasTenant(DEFAULT_TENANT), true);
      assert.equal(await sut.store.hasTenant('city-a'), false);
    });

    it('mutate creates the tenant only when createTenant is set and an item wrote something', async () => {
      await sut.store.mutate('t1', [put(entity('urn:ngsi-ld:Car:1', 'Car'))], {
        createTenant: false,
      });
      assert.equal(await sut.store.hasTenant('t1'), false);
      await sut.store.mutate('t2', [remove('urn:ngsi-ld:Car:1')], { createTenant: true });
      assert.equal(await sut.store.hasTenant('t2'), false);
      await sut.store.mutate('t3', [put(entity('urn:ngsi-ld:Car:1', 'Car'))], {
        createTenant: true,
      });
      assert.equal(await sut.store.hasTenant('t3'), true);
    });

    it('entities of one tenant are invisible to every other tenant', async () => {
      const a = entity('urn:ngsi-ld:Car:1', 'Car', { speed: prop(1) });
      const b = entity('urn:ngsi-ld:Car:1', 'Bike', { gear: prop(3) });
      await sut.store.mutate('city-a', [put(a)], { createTenant: true });
      await sut.store.mutate('city-b', [put(b)], { createTenant: true });
      assert.deepEqual(await sut.store.getEntity('city-a', a.id), a);
      assert.deepEqual(await sut.store.getEntity('city-b', b.id), b);
      assert.equal(await sut.store.getEntity(DEFAULT_TENANT, a.id), undefined);
      assert.deepEqual(await queryIds(sut.store, 'city-b', { attrs: [iri('speed')] }), []);
      assert.deepEqual(
        (await sut.store.describeTypes('city-a')).map((t) => t.type),
        [iri('Car')],
      );
      assert.deepEqual(
        (await sut.store.describeAttributes('city-b')).map((a) => a.name),
        [iri('gear')],
      );
      await sut.store.mutate('city-a', [remove(a.id)], { createTenant: false });
      assert.deepEqual(await sut.store.getEntity('city-b', b.id), b);
    });
  });
}
