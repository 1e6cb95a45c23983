/**
 * ChangeLog (src/context/ports/change-log.port.ts): every committed change of an entity is
 * logged with its state before and after, in the transaction of the change, and heard by
 * commit listeners after it; rejected items log nothing.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { EntityChange } from '../../src/context/ports/change-log.port.js';
import type { Subscription } from '../../src/ngsi-ld/subscription/subscription.js';
import {
  create,
  entity,
  prop,
  remove,
  setAttr,
  type MakeStore,
  type StoreUnderTest,
} from './entity-store.fixtures.js';

export function describeChangeLogContract(makeStore: MakeStore): void {
  describe('ChangeLog', () => {
    let sut: StoreUnderTest;
    let heard: EntityChange[][];
    beforeEach(async () => {
      sut = await makeStore();
      heard = [];
      sut.changeLog.onCommit((changes) => heard.push(changes));
    });
    afterEach(() => sut.cleanup());

    const a = entity('urn:a', 'T', { speed: prop(1) });

    it('logs a creation, an update and a deletion with the states before and after', async () => {
      await sut.store.mutate('t1', [create(a)], { createTenant: true });
      await sut.store.mutate('t1', [setAttr('urn:a', 'speed', prop(2))], { createTenant: false });
      await sut.store.mutate('t1', [remove('urn:a')], { createTenant: false });

      const logged = await sut.changeLog.pendingChanges(10);
      assert.equal(logged.length, 3);
      const [created, updated, deleted] = logged as [EntityChange, EntityChange, EntityChange];
      assert.ok(created.seq < updated.seq && updated.seq < deleted.seq);
      assert.deepEqual(
        logged.map((c) => [c.tenant, c.entityId]),
        [
          ['t1', 'urn:a'],
          ['t1', 'urn:a'],
          ['t1', 'urn:a'],
        ],
      );
      assert.equal(created.previous, null);
      // No subscription was ever written: the subscriptions' version is the initial one.
      assert.deepEqual(
        logged.map((c) => c.subscriptionsVersion),
        [0, 0, 0],
      );
      assert.deepEqual(created.current, a);
      assert.deepEqual(updated.previous, a);
      assert.deepEqual(updated.current?.attrs['http://example.org/speed'], [prop(2)]);
      assert.deepEqual(deleted.previous, updated.current);
      assert.equal(deleted.current, null);
      assert.match(deleted.at, /^\d{4}-\d\d-\d\dT.*Z$/);
      assert.deepEqual(heard, [[created], [updated], [deleted]]);
    });

    it('records the subscriptions version each change committed against', async () => {
      await sut.store.mutate('', [create(a)], { createTenant: false });
      const version = await sut.subscriptionStore.createSubscription('', {
        id: 'urn:ngsi-ld:Subscription:x',
        type: 'Subscription',
        entities: [{ type: ['http://example.org/T'] }],
        notification: { endpoint: { uri: 'http://127.0.0.1:9/x' } },
      } as unknown as Subscription);
      assert.ok(version > 0);
      await sut.store.mutate('', [setAttr('urn:a', 'speed', prop(5))], { createTenant: false });
      const logged = await sut.changeLog.pendingChanges(10);
      assert.deepEqual(
        logged.map((c) => c.subscriptionsVersion),
        [0, version],
      );
      assert.deepEqual(
        heard.flat().map((c) => c.subscriptionsVersion),
        [0, version],
      );
    });

    it('logs one change per entity of a batch, and nothing for rejected or unchanged items', async () => {
      const b = entity('urn:b', 'T');
      await sut.store.mutate(
        '',
        [
          create(a),
          create(a),
          create(b),
          remove('urn:missing'),
          { id: 'urn:b', apply: () => ({ next: undefined, report: 'same' }) },
        ],
        { createTenant: false },
      );
      const logged = await sut.changeLog.pendingChanges(10);
      assert.deepEqual(
        logged.map((c) => c.entityId),
        ['urn:a', 'urn:b'],
      );
      assert.equal(heard.length, 1);
      assert.deepEqual(heard[0], logged);
    });

    it('pendingChanges pages oldest first and removeChanges takes changes out', async () => {
      for (const id of ['urn:1', 'urn:2', 'urn:3'])
        await sut.store.mutate('', [create(entity(id, 'T'))], { createTenant: false });
      const firstTwo = await sut.changeLog.pendingChanges(2);
      assert.deepEqual(
        firstTwo.map((c) => c.entityId),
        ['urn:1', 'urn:2'],
      );
      await sut.changeLog.removeChanges(firstTwo.map((c) => c.seq));
      await sut.changeLog.removeChanges([]);
      await sut.changeLog.removeChanges([999_999]);
      assert.deepEqual(
        (await sut.changeLog.pendingChanges(10)).map((c) => c.entityId),
        ['urn:3'],
      );
    });

    it('removeChanges takes out exactly the changes named, around the ones it keeps', async () => {
      const ids = ['urn:1', 'urn:2', 'urn:3', 'urn:4', 'urn:5', 'urn:6'];
      for (const id of ids)
        await sut.store.mutate('', [create(entity(id, 'T'))], { createTenant: false });
      const seqs = (await sut.changeLog.pendingChanges(10)).map((c) => c.seq);
      // Out of order, with gaps: 1–2, 4, 6 go; 3 and 5 stay.
      await sut.changeLog.removeChanges([seqs[5], seqs[0], seqs[3], seqs[1]] as number[]);
      assert.deepEqual(
        (await sut.changeLog.pendingChanges(10)).map((c) => c.entityId),
        ['urn:3', 'urn:5'],
      );
    });
  });
}
