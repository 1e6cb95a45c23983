import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EntityMutation } from '../../context/ports/entity-store.port.js';
import type { Entity } from '../../ngsi-ld/model.js';
import { badRequestData } from '../../ngsi-ld/problem-details.js';
import { planMutations, type StoredEntity } from './mutation-plan.js';

const entity = (id: string, n = 0): Entity => ({
  id,
  type: ['T'],
  createdAt: 't',
  modifiedAt: 't',
  attrs: { n: [{ type: 'Property', value: n }] },
});
const set = (next: Entity): EntityMutation<string> => ({
  id: next.id,
  apply: () => ({ next, report: 'set' }),
});
const drop = (id: string): EntityMutation<string> => ({
  id,
  apply: () => ({ next: null, report: 'drop' }),
});
const reject = (id: string): EntityMutation<string> => ({
  id,
  apply: () => {
    throw badRequestData('no');
  },
});

describe('planMutations', () => {
  it('planMutations writes one final state per id, inserts in creation order', () => {
    const loaded = new Map<string, StoredEntity>([['a', { pk: 1, entity: entity('a') }]]);
    const plan = planMutations(loaded, [
      set(entity('c')),
      set(entity('a', 1)),
      set(entity('b')),
      set(entity('a', 2)),
      set(entity('c', 5)),
    ]);
    assert.deepEqual(plan.writes, [
      { op: 'insert', entity: entity('c', 5) },
      { op: 'update', pk: 1, previous: entity('a'), entity: entity('a', 2) },
      { op: 'insert', entity: entity('b') },
    ]);
  });

  it('planMutations gives an update the stored state its index rows came from', () => {
    const stored = entity('a');
    const loaded = new Map<string, StoredEntity>([['a', { pk: 7, entity: stored }]]);
    const plan = planMutations(loaded, [set(entity('a', 1)), set(entity('a', 2))]);
    assert.equal(plan.writes.length, 1);
    const write = plan.writes[0];
    assert.equal(write?.op, 'update');
    assert.equal(write.op === 'update' && write.previous, stored);
  });

  it('planMutations passes each item the state left by the items before it', () => {
    const seen: Array<Entity | undefined> = [];
    const spy: EntityMutation<string> = {
      id: 'a',
      apply: (current) => (seen.push(current), { next: undefined, report: 'spy' }),
    };
    planMutations(new Map(), [spy, set(entity('a', 1)), spy, drop('a'), spy]);
    assert.deepEqual(seen, [undefined, entity('a', 1), undefined]);
  });

  it('planMutations reports a rejected item and writes nothing for it', () => {
    const plan = planMutations(new Map(), [reject('a'), set(entity('b'))]);
    assert.equal(plan.results[0]?.ok, false);
    assert.deepEqual(plan.writes, [{ op: 'insert', entity: entity('b') }]);
  });

  it('planMutations replaces an entity deleted and created again, and skips one created and deleted', () => {
    const loaded = new Map<string, StoredEntity>([['a', { pk: 4, entity: entity('a') }]]);
    const plan = planMutations(loaded, [
      drop('a'),
      set(entity('a', 1)),
      set(entity('b')),
      drop('b'),
      drop('x'),
    ]);
    assert.deepEqual(plan.writes, [
      { op: 'replace', pk: 4, previous: entity('a'), entity: entity('a', 1) },
    ]);
  });

  it('planMutations carries the stored state of a deleted entity', () => {
    const loaded = new Map<string, StoredEntity>([['a', { pk: 4, entity: entity('a') }]]);
    const plan = planMutations(loaded, [drop('a')]);
    assert.deepEqual(plan.writes, [{ op: 'delete', pk: 4, previous: entity('a') }]);
  });

  it('planMutations rethrows errors that are not ProblemDetails', () => {
    const bug: EntityMutation<string> = {
      id: 'a',
      apply: () => {
        throw new RangeError('bug');
      },
    };
    assert.throws(() => planMutations(new Map(), [bug]), RangeError);
  });
});
