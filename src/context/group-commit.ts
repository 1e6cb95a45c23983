/**
 * Group commit for single-entity writes. A write that arrives while the store is busy
 * waits; when the store is free, every waiting write of one tenant goes to it in a single
 * `mutate` call, i.e. one transaction, in arrival order. Under concurrent load the cost of
 * a transaction (commit and WAL write in SQLite, round trips and fsync in PostgreSQL) is
 * paid once per group instead of once per request (bench/README.md); a lone write goes out
 * at the end of the current I/O phase.
 *
 * What callers see does not change: each mutation is still atomic on its own (the port
 * rejects an item without writing it and without stopping the others), a later write sees
 * the earlier ones, and a caller is answered only once the transaction holding its write
 * has committed.
 */
import { setImmediate } from 'node:timers';
import { internalError, isProblemDetails } from '../ngsi-ld/problem-details.js';
import type { EntityMutation, EntityStore, MutationResult } from './ports/entity-store.port.js';

export interface GroupCommit {
  /** Resolves with the store's result for this mutation (rejected items included). */
  submit<R>(
    tenant: string,
    mutation: EntityMutation<R>,
    createTenant: boolean,
  ): Promise<MutationResult<R>>;
}

interface Waiting {
  tenant: string;
  createTenant: boolean;
  mutation: EntityMutation<unknown>;
  resolve(result: MutationResult<unknown>): void;
  reject(error: unknown): void;
}

/** Bounds one transaction, so that a burst does not become one very long write. */
const MAX_GROUP_SIZE = 256;

export function createGroupCommit(
  store: Pick<EntityStore, 'mutate'>,
  options: { maxGroupSize?: number } = {},
): GroupCommit {
  const maxGroupSize = options.maxGroupSize ?? MAX_GROUP_SIZE;
  let waiting: Waiting[] = [];
  let busy = false;

  function schedule(): void {
    if (busy || waiting.length === 0) return;
    busy = true;
    setImmediate(() => {
      void flush();
    });
  }

  async function flush(): Promise<void> {
    const taken = waiting;
    waiting = [];
    try {
      for (const group of consecutiveGroups(taken, maxGroupSize)) await commit(group);
    } finally {
      busy = false;
      schedule();
    }
  }

  async function commit(group: Waiting[]): Promise<void> {
    const first = group[0];
    if (first === undefined) return;
    // An error other than a ProblemDetails is a bug of that one write: it must not abort
    // the others' transaction, so the store sees a rejection and the caller the error.
    const failures = new Map<number, unknown>();
    const mutations = group.map(({ mutation }, index): EntityMutation<unknown> => ({
      id: mutation.id,
      apply: (current) => {
        failures.delete(index); // a store may run the mutations again after a conflict
        try {
          return mutation.apply(current);
        } catch (error) {
          if (isProblemDetails(error)) throw error;
          failures.set(index, error);
          throw internalError(`The update of ${mutation.id} failed`);
        }
      },
    }));
    let results: MutationResult<unknown>[];
    try {
      results = await store.mutate(first.tenant, mutations, {
        createTenant: first.createTenant,
      });
    } catch (error) {
      for (const item of group) item.reject(error);
      return;
    }
    group.forEach((item, index) => {
      const result = results[index];
      if (failures.has(index)) item.reject(failures.get(index));
      else if (result === undefined) item.reject(new Error('store returned no result'));
      else item.resolve(result);
    });
  }

  return {
    submit<R>(tenant: string, mutation: EntityMutation<R>, createTenant: boolean) {
      return new Promise<MutationResult<R>>((resolve, reject) => {
        waiting.push({
          tenant,
          createTenant,
          mutation: mutation as EntityMutation<unknown>,
          resolve: resolve as (result: MutationResult<unknown>) => void,
          reject,
        });
        schedule();
      });
    },
  };
}

/** Splits the queue into runs of one tenant and createTenant flag, keeping arrival order. */
function consecutiveGroups(items: Waiting[], maxSize: number): Waiting[][] {
  const groups: Waiting[][] = [];
  let current: Waiting[] = [];
  for (const item of items) {
    const head = current[0];
    const sameGroup =
      head !== undefined &&
      head.tenant === item.tenant &&
      head.createTenant === item.createTenant &&
      current.length < maxSize;
    if (!sameGroup && current.length > 0) {
      groups.push(current);
      current = [];
    }
    current.push(item);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
