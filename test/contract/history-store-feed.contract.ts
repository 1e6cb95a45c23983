/**
 * The entity store records the history of every change in the transaction of the change
 * (temporal.md §5): run on the stores as the factories wire them.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { EntityStore } from '../../src/context/ports/entity-store.port.js';
import type { HistoryStore } from '../../src/context/ports/history-store.port.js';
import { badRequestData } from '../../src/ngsi-ld/problem-details.js';
import { entity, readOptions, SPEED } from './history-store.fixtures.js';

export type MakeWiredStores = () => Promise<{
  entityStore: EntityStore;
  historyStore: HistoryStore;
  cleanup(): Promise<void>;
}>;

const A = 'urn:ngsi-ld:Vehicle:A';
const B = 'urn:ngsi-ld:Vehicle:B';
const withSpeed = (id: string, value: number) =>
  entity(id, { [SPEED]: [{ type: 'Property', value }] });

export function describeHistoryFeedContract(name: string, make: MakeWiredStores): void {
  describe(`History feed from the entity store: ${name}`, () => {
    let stores: Awaited<ReturnType<MakeWiredStores>>;
    beforeEach(async () => {
      stores = await make();
    });
    afterEach(() => stores.cleanup());

    const speeds = async (id: string) =>
      (await stores.historyStore.retrieveHistory('', id, readOptions()))?.attrs[
        SPEED
      ]?.instances.map((i) => i.attribute.value);

    it('mutate records created and updated instances; a rejected item records nothing', async () => {
      const results = await stores.entityStore.mutate(
        '',
        [
          { id: A, apply: () => ({ next: withSpeed(A, 1), report: undefined }) },
          {
            id: B,
            apply: () => {
              throw badRequestData('no');
            },
          },
          { id: A, apply: () => ({ next: withSpeed(A, 2), report: undefined }) },
        ],
        { createTenant: false },
      );
      assert.deepEqual(
        results.map((r) => r.ok),
        [true, false, true],
      );
      assert.deepEqual(await speeds(A), [2]);
      assert.equal(await stores.historyStore.hasEntity('', B), false);
      await stores.entityStore.mutate(
        '',
        [{ id: A, apply: () => ({ next: null, report: undefined }) }],
        { createTenant: false },
      );
      assert.deepEqual(await speeds(A), [2, 'urn:ngsi-ld:null']);
    });

    it('a batch that fails writes no history', async () => {
      await assert.rejects(
        stores.entityStore.mutate(
          '',
          [
            { id: A, apply: () => ({ next: withSpeed(A, 1), report: undefined }) },
            {
              id: B,
              apply: () => {
                throw new Error('storage trouble');
              },
            },
          ],
          { createTenant: false },
        ),
        /storage trouble/,
      );
      assert.equal(await stores.historyStore.hasEntity('', A), false);
    });
  });
}
