import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entity } from '../ngsi-ld/model.js';
import { alreadyExists, isProblemDetails } from '../ngsi-ld/problem-details.js';
import { createGroupCommit } from './group-commit.js';
import type { EntityMutation, EntityStore, MutationResult } from './ports/entity-store.port.js';

type Mutate = EntityStore['mutate'];
interface Call {
  tenant: string;
  ids: string[];
  createTenant: boolean;
}

/** A store that applies each mutation to `undefined` and reports rejections per item (as the port does). */
function recordingStore(fail?: Error): { mutate: Mutate; calls: Call[] } {
  const calls: Call[] = [];
  const mutate = async <R>(
    tenant: string,
    mutations: EntityMutation<R>[],
    options: { createTenant: boolean },
  ): Promise<MutationResult<R>[]> => {
    calls.push({ tenant, ids: mutations.map((m) => m.id), createTenant: options.createTenant });
    if (fail) throw fail;
    return mutations.map((mutation) => {
      try {
        const { next, report } = mutation.apply(undefined);
        return {
          ok: true,
          id: mutation.id,
          previous: undefined,
          current: next ?? undefined,
          report,
        };
      } catch (error) {
        if (!isProblemDetails(error)) throw error;
        return { ok: false, id: mutation.id, error };
      }
    });
  };
  return { mutate, calls };
}

function entity(id: string): Entity {
  return { id, type: ['T'], attrs: {}, createdAt: 'x', modifiedAt: 'x' } as unknown as Entity;
}

function creating(id: string): EntityMutation<string> {
  return { id, apply: () => ({ next: entity(id), report: id }) };
}

describe('createGroupCommit', () => {
  it('submit sends concurrent writes of one tenant to the store in one call, in arrival order', async () => {
    const store = recordingStore();
    const group = createGroupCommit(store);
    const results = await Promise.all(
      ['a', 'b', 'c'].map((id) => group.submit('', creating(id), false)),
    );
    assert.deepEqual(store.calls, [{ tenant: '', ids: ['a', 'b', 'c'], createTenant: false }]);
    assert.deepEqual(
      results.map((r) => (r.ok ? r.report : undefined)),
      ['a', 'b', 'c'],
    );
  });

  it('submit sends a lone write on its own', async () => {
    const store = recordingStore();
    const group = createGroupCommit(store);
    const result = await group.submit('', creating('a'), true);
    assert.equal(result.ok, true);
    assert.deepEqual(store.calls, [{ tenant: '', ids: ['a'], createTenant: true }]);
  });

  it('submit keeps tenants and the createTenant flag in separate store calls', async () => {
    const store = recordingStore();
    const group = createGroupCommit(store);
    await Promise.all([
      group.submit('t1', creating('a'), false),
      group.submit('t1', creating('b'), false),
      group.submit('t2', creating('c'), false),
      group.submit('t2', creating('d'), true),
    ]);
    assert.deepEqual(store.calls, [
      { tenant: 't1', ids: ['a', 'b'], createTenant: false },
      { tenant: 't2', ids: ['c'], createTenant: false },
      { tenant: 't2', ids: ['d'], createTenant: true },
    ]);
  });

  it('submit bounds the size of one store call', async () => {
    const store = recordingStore();
    const group = createGroupCommit(store, { maxGroupSize: 2 });
    await Promise.all(['a', 'b', 'c'].map((id) => group.submit('', creating(id), false)));
    assert.deepEqual(
      store.calls.map((call) => call.ids),
      [['a', 'b'], ['c']],
    );
  });

  it('submit resolves a ProblemDetails rejection for its own write only', async () => {
    const store = recordingStore();
    const group = createGroupCommit(store);
    const rejecting: EntityMutation<string> = {
      id: 'b',
      apply: () => {
        throw alreadyExists('Entity b already exists', 'b');
      },
    };
    const [a, b] = await Promise.all([
      group.submit('', creating('a'), false),
      group.submit('', rejecting, false),
    ]);
    assert.equal(a?.ok, true);
    assert.equal(b?.ok, false);
  });

  it('submit rejects with the original error only the caller whose mutation threw a non-ProblemDetails error', async () => {
    const store = recordingStore();
    const group = createGroupCommit(store);
    const bug = new TypeError('a bug');
    const buggy: EntityMutation<string> = {
      id: 'b',
      apply: () => {
        throw bug;
      },
    };
    const [a, b] = await Promise.allSettled([
      group.submit('', creating('a'), false),
      group.submit('', buggy, false),
    ]);
    assert.equal(a.status, 'fulfilled');
    assert.deepEqual(b, { status: 'rejected', reason: bug });
  });

  it('submit rejects every write of the call when the store fails', async () => {
    const failure = new Error('disk full');
    const group = createGroupCommit(recordingStore(failure));
    const settled = await Promise.allSettled(
      ['a', 'b'].map((id) => group.submit('', creating(id), false)),
    );
    assert.deepEqual(
      settled.map((s) => s.status === 'rejected' && s.reason === failure),
      [true, true],
    );
  });

  it('submit sends writes that arrive while the store is busy together in the next call', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const inner = recordingStore();
    const store = {
      calls: inner.calls,
      mutate: (async (tenant, mutations, options) => {
        if (inner.calls.length === 0) await gate;
        return inner.mutate(tenant, mutations, options);
      }) as Mutate,
    };
    const group = createGroupCommit(store);
    const first = group.submit('', creating('a'), false);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [group.submit('', creating('b'), false), group.submit('', creating('c'), false)];
    release();
    await Promise.all([first, ...later]);
    assert.deepEqual(
      store.calls.map((call) => call.ids),
      [['a'], ['b', 'c']],
    );
  });
});
