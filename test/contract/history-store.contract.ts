/**
 * The history store contract (temporal API, docs/temporal.md) that every adapter must pass
 * with identical results: recording, reading in time windows, modifying and deleting
 * instances, the feed from entity changes. Queries, aggregation and retention:
 * history-store-query.contract.ts; concurrency, caps and edge values:
 * history-store-limits.contract.ts. Run by history-store-sqlite.test.ts and
 * history-store-postgres.test.ts.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { HistoryStore } from '../../src/context/ports/history-store.port.js';
import { describeHistoryLimitsContract } from './history-store-limits.contract.js';
import { describeHistoryQueryContract } from './history-store-query.contract.js';
import {
  change,
  createHistory,
  entity,
  iso,
  MINUTE,
  NAME,
  PARKED,
  readOptions,
  SPEED,
  speedAt,
  T0,
  VEHICLE,
  BUS,
  type HistoryStoreUnderTest,
  type MakeHistoryStore,
} from './history-store.fixtures.js';

export type { MakeHistoryStore } from './history-store.fixtures.js';

const CAR = 'urn:ngsi-ld:Vehicle:B9211';

export function describeHistoryStoreContract(name: string, make: MakeHistoryStore): void {
  describe(`HistoryStore contract: ${name}`, () => {
    let under: HistoryStoreUnderTest;
    let store: HistoryStore;
    beforeEach(async () => {
      under = await make();
      store = under.store;
    });
    afterEach(() => under.cleanup());

    async function speeds(options = readOptions()) {
      const history = await store.retrieveHistory('', CAR, options);
      return history?.attrs[SPEED]?.instances.map((i) => i.attribute.value) ?? [];
    }

    it('appendInstances creates an entity, then appends; unknown entities need create', async () => {
      const write = { id: CAR, type: [VEHICLE], attrs: { [SPEED]: [speedAt(0, 120)] } };
      const options = { at: '2026-01-01T00:00:00.000Z', create: true, createTenant: false };
      assert.equal(await store.appendInstances('', write, options), 'created');
      assert.equal(await store.appendInstances('', { ...write, type: [BUS] }, options), 'appended');
      assert.equal(
        await store.appendInstances(
          '',
          { ...write, id: 'urn:x:other' },
          { ...options, create: false },
        ),
        'notFound',
      );
      assert.equal(await store.hasEntity('', CAR), true);
      assert.equal(await store.hasEntity('', 'urn:x:other'), false);
      const history = await store.retrieveHistory('', CAR, readOptions());
      assert.deepEqual(history?.type, [VEHICLE, BUS]);
      assert.deepEqual(await speeds(), [120, 120]);
    });

    it('retrieveHistory returns instances oldest first with instanceId and record times', async () => {
      await createHistory(store, CAR, { [SPEED]: [speedAt(5, 80), speedAt(3, 120)] });
      const history = await store.retrieveHistory('', CAR, readOptions());
      const instances = history?.attrs[SPEED]?.instances ?? [];
      assert.deepEqual(
        instances.map((i) => i.attribute.observedAt),
        [iso(T0 + 3 * MINUTE), iso(T0 + 5 * MINUTE)],
      );
      for (const instance of instances) {
        assert.match(instance.instanceId, /^urn:ngsi-ld:attribute:instance:\d+$/);
        assert.equal(instance.attribute.createdAt, '2026-01-01T00:00:00.000Z');
        assert.equal(instance.attribute.modifiedAt, '2026-01-01T00:00:00.000Z');
      }
      assert.notEqual(instances[0]?.instanceId, instances[1]?.instanceId);
      assert.equal(history?.attrs[SPEED]?.truncated, false);
      assert.equal(await store.retrieveHistory('', 'urn:x:none', readOptions()), undefined);
    });

    it('time windows: before is exclusive, after inclusive, between half-open (temporal.md §3)', async () => {
      await createHistory(store, CAR, {
        [SPEED]: [speedAt(0, 0), speedAt(10, 10), speedAt(20, 20), { type: 'Property', value: -1 }],
      });
      const at = (m: number) => T0 + m * MINUTE;
      const window = (w: object) => readOptions({ window: { timeproperty: 'observedAt', ...w } });
      assert.deepEqual(await speeds(window({ timerel: 'before', to: at(10) })), [0]);
      assert.deepEqual(await speeds(window({ timerel: 'after', from: at(10) })), [10, 20]);
      assert.deepEqual(
        await speeds(window({ timerel: 'between', from: at(0), to: at(20) })),
        [0, 10],
      );
      // Without a time relation, instances without observedAt are part of the history.
      assert.equal((await speeds()).length, 4);
    });

    it('timeproperty selects createdAt, modifiedAt or deletedAt instead of observedAt', async () => {
      await createHistory(
        store,
        CAR,
        { [SPEED]: [speedAt(0, 1)] },
        { at: '2026-01-01T00:00:00.000Z' },
      );
      await createHistory(
        store,
        CAR,
        { [SPEED]: [speedAt(1, 2)] },
        { at: '2026-02-01T00:00:00.000Z' },
      );
      const after = (timeproperty: 'createdAt' | 'modifiedAt' | 'deletedAt') =>
        readOptions({
          window: { timeproperty, timerel: 'after', from: Date.parse('2026-01-15T00:00:00Z') },
        });
      assert.deepEqual(await speeds(after('createdAt')), [2]);
      assert.deepEqual(await speeds(after('modifiedAt')), [2]);
      assert.deepEqual(await speeds(after('deletedAt')), []);
    });

    it('lastN returns the N most recent instances, oldest first', async () => {
      await createHistory(store, CAR, {
        [SPEED]: [1, 2, 3, 4, 5].map((v) => speedAt(v, v)),
        [NAME]: [speedAt(1, 'a')],
      });
      assert.deepEqual(await speeds(readOptions({ lastN: 2 })), [4, 5]);
      const history = await store.retrieveHistory('', CAR, readOptions({ lastN: 2 }));
      assert.equal(history?.attrs[NAME]?.instances.length, 1);
    });

    it('maxInstances caps each attribute and flags it truncated', async () => {
      await createHistory(store, CAR, { [SPEED]: [1, 2, 3, 4, 5].map((v) => speedAt(v, v)) });
      const capped = await store.retrieveHistory('', CAR, readOptions({ maxInstances: 2 }));
      assert.deepEqual(
        capped?.attrs[SPEED]?.instances.map((i) => i.attribute.value),
        [1, 2],
      );
      assert.equal(capped?.attrs[SPEED]?.truncated, true);
      const last = await store.retrieveHistory('', CAR, readOptions({ maxInstances: 2, lastN: 4 }));
      assert.deepEqual(
        last?.attrs[SPEED]?.instances.map((i) => i.attribute.value),
        [4, 5],
      );
      assert.equal(last?.attrs[SPEED]?.truncated, true);
    });

    it('attrs and datasetIds select series', async () => {
      await createHistory(store, CAR, {
        [SPEED]: [
          speedAt(1, 1),
          speedAt(2, 2, { datasetId: 'urn:ds:gps' }),
          speedAt(3, 3, { datasetId: 'urn:ds:radar' }),
        ],
        [NAME]: [speedAt(1, 'bus')],
      });
      assert.deepEqual(
        await speeds(readOptions({ datasetIds: ['@none', 'urn:ds:radar'] })),
        [1, 3],
      );
      const only = await store.retrieveHistory('', CAR, readOptions({ attrs: [NAME] }));
      assert.deepEqual(Object.keys(only?.attrs ?? {}), [NAME]);
    });

    it('modifyInstance replaces one instance, keeping its instanceId and createdAt', async () => {
      await createHistory(store, CAR, { [SPEED]: [speedAt(1, 1), speedAt(2, 2)] });
      const before = await store.retrieveHistory('', CAR, readOptions());
      const target = before?.attrs[SPEED]?.instances[0];
      assert.ok(target);
      const at = '2026-03-01T00:00:00.000Z';
      assert.equal(
        await store.modifyInstance('', CAR, SPEED, target.instanceId, speedAt(9, 95), at),
        true,
      );
      const after = await store.retrieveHistory('', CAR, readOptions());
      const moved = after?.attrs[SPEED]?.instances.find((i) => i.instanceId === target.instanceId);
      assert.equal(moved?.attribute.value, 95);
      assert.equal(moved?.attribute.createdAt, target.attribute.createdAt);
      assert.equal(moved?.attribute.modifiedAt, at);
      assert.deepEqual(await speeds(), [2, 95]);
      for (const [id, attr, instanceId] of [
        ['urn:x:none', SPEED, target.instanceId],
        [CAR, NAME, target.instanceId],
        [CAR, SPEED, 'urn:ngsi-ld:attribute:instance:999999'],
        [CAR, SPEED, 'urn:other:1'],
      ] as const)
        assert.equal(
          await store.modifyInstance('', id, attr, instanceId, speedAt(0, 0), at),
          false,
        );
    });

    it('deleteInstance, deleteAttribute and deleteEntity remove history', async () => {
      await createHistory(store, CAR, {
        [SPEED]: [speedAt(1, 1), speedAt(2, 2), speedAt(3, 3, { datasetId: 'urn:ds:gps' })],
        [NAME]: [speedAt(1, 'x')],
      });
      const first = (await store.retrieveHistory('', CAR, readOptions()))?.attrs[SPEED]
        ?.instances[0];
      assert.equal(await store.deleteInstance('', CAR, SPEED, first?.instanceId ?? ''), true);
      assert.equal(await store.deleteInstance('', CAR, SPEED, first?.instanceId ?? ''), false);
      assert.deepEqual(await speeds(), [2, 3]);
      assert.equal(await store.deleteAttribute('', CAR, SPEED, { deleteAll: false }), 'deleted');
      assert.deepEqual(await speeds(), [3]);
      assert.equal(
        await store.deleteAttribute('', CAR, SPEED, { deleteAll: false }),
        'noAttribute',
      );
      assert.equal(
        await store.deleteAttribute('', CAR, SPEED, { datasetId: 'urn:ds:gps', deleteAll: false }),
        'deleted',
      );
      assert.equal(
        await store.deleteAttribute('', 'urn:x:none', SPEED, { deleteAll: true }),
        'noEntity',
      );
      assert.equal(await store.deleteAttribute('', CAR, NAME, { deleteAll: true }), 'deleted');
      assert.equal(await store.deleteEntity('', CAR), true);
      assert.equal(await store.deleteEntity('', CAR), false);
      assert.equal(await store.hasEntity('', CAR), false);
    });

    it('tenants are isolated', async () => {
      await createHistory(store, CAR, { [SPEED]: [speedAt(1, 1)] }, { tenant: 'valencia' });
      assert.equal(await store.hasEntity('', CAR), false);
      assert.equal(await store.hasEntity('valencia', CAR), true);
      assert.equal(await store.deleteEntity('', CAR), false);
    });

    it('the feed records created, updated and deleted instances of entity changes (temporal.md §5)', async () => {
      const created = entity(CAR, {
        [SPEED]: [{ type: 'Property', value: 50, observedAt: iso(T0) }],
        [PARKED]: [{ type: 'Relationship', object: 'urn:ngsi-ld:Parking:1' }],
      });
      const updated = entity(CAR, {
        [SPEED]: [{ type: 'Property', value: 60, observedAt: iso(T0 + MINUTE) }],
        [PARKED]: created.attrs[PARKED] as never,
      });
      const withoutParking = entity(CAR, { [SPEED]: updated.attrs[SPEED] as never });
      await under.feed([change(CAR, '2026-01-01T00:00:00.000Z', null, created)]);
      await under.feed([
        change(CAR, '2026-01-01T00:01:00.000Z', created, updated),
        change(CAR, '2026-01-01T00:02:00.000Z', updated, withoutParking),
      ]);
      await under.feed([change(CAR, '2026-01-01T00:03:00.000Z', withoutParking, null)]);
      const history = await store.retrieveHistory('', CAR, readOptions());
      assert.deepEqual(history?.type, [VEHICLE]);
      assert.deepEqual(
        history?.attrs[SPEED]?.instances.map((i) => [i.attribute.value, i.deletedAt]),
        [
          [50, undefined],
          [60, undefined],
          ['urn:ngsi-ld:null', '2026-01-01T00:03:00.000Z'],
        ],
      );
      const parked = history?.attrs[PARKED]?.instances ?? [];
      assert.deepEqual(
        parked.map((i) => [i.attribute.object, i.attribute.createdAt, i.deletedAt]),
        [
          ['urn:ngsi-ld:Parking:1', '2026-01-01T00:00:00.000Z', undefined],
          ['urn:ngsi-ld:null', '2026-01-01T00:02:00.000Z', '2026-01-01T00:02:00.000Z'],
        ],
      );
    });

    it('the feed follows type changes and keeps the history of deleted entities', async () => {
      await under.feed([change(CAR, '2026-01-01T00:00:00.000Z', null, entity(CAR, {}, [VEHICLE]))]);
      await under.feed([
        change(CAR, '2026-01-01T00:01:00.000Z', entity(CAR, {}), entity(CAR, {}, [BUS])),
      ]);
      await under.feed([change(CAR, '2026-01-01T00:02:00.000Z', entity(CAR, {}, [BUS]), null)]);
      const history = await store.retrieveHistory('', CAR, readOptions());
      assert.deepEqual(history?.type, [BUS]);
      assert.equal(history?.createdAt, '2026-01-01T00:00:00.000Z');
    });

    describeHistoryQueryContract(() => store);
    describeHistoryLimitsContract(() => store);
  });
}
