/**
 * The part of EntityStore.mutate that both adapters share: run the mutations in order over
 * the entities loaded for their ids, and work out the final writes. Nothing is written
 * while deciding, so a rejected item leaves no trace and the batch ends with one write per
 * changed entity. Mutations are pure: they never modify the entity they are given, so the
 * loaded state is still the one the stored index rows were derived from.
 */
import type { EntityMutation, MutationResult } from '../../context/ports/entity-store.port.js';
import type { Entity } from '../../ngsi-ld/model.js';
import { isProblemDetails } from '../../ngsi-ld/problem-details.js';

export interface StoredEntity {
  pk: number;
  entity: Entity;
}

/**
 * The final write for one id; inserts come in the order their entities were created. An
 * update carries the stored state its index rows were derived from, so that a writer can
 * rewrite only the rows that differ (entity-index-rows.ts, changedAttributeRows).
 */
export type EntityWrite =
  | { op: 'insert'; entity: Entity }
  | { op: 'update'; pk: number; previous: Entity; entity: Entity }
  | { op: 'delete'; pk: number; previous: Entity }
  /** Deleted then created again in the batch: a new row, so it sorts as a new entity. */
  | { op: 'replace'; pk: number; previous: Entity; entity: Entity };

export interface MutationPlan<R> {
  results: MutationResult<R>[];
  writes: EntityWrite[];
}

interface IdState {
  stored: StoredEntity | undefined;
  current: Entity | undefined;
  deleted: boolean;
  changed: boolean;
  /** Item index of the first change, or of the latest creation: inserts keep item order. */
  order: number;
}

function finalWrite(state: IdState): EntityWrite | undefined {
  const { stored, current } = state;
  if (stored === undefined)
    return current === undefined ? undefined : { op: 'insert', entity: current };
  if (current === undefined) return { op: 'delete', pk: stored.pk, previous: stored.entity };
  return state.deleted
    ? { op: 'replace', pk: stored.pk, previous: stored.entity, entity: current }
    : { op: 'update', pk: stored.pk, previous: stored.entity, entity: current };
}

/**
 * `loaded` holds the stored entity of every mutation id that exists. `apply` throwing a
 * ProblemDetails rejects its item; any other error is a bug and aborts the whole batch.
 */
export function planMutations<R>(
  loaded: ReadonlyMap<string, StoredEntity>,
  mutations: EntityMutation<R>[],
): MutationPlan<R> {
  const states = new Map<string, IdState>();
  const results = mutations.map((mutation, index): MutationResult<R> => {
    let state = states.get(mutation.id);
    if (state === undefined) {
      const stored = loaded.get(mutation.id);
      state = { stored, current: stored?.entity, deleted: false, changed: false, order: index };
      states.set(mutation.id, state);
    }
    const previous = state.current;
    let decision;
    try {
      decision = mutation.apply(previous);
    } catch (error) {
      if (isProblemDetails(error)) return { ok: false, id: mutation.id, error };
      throw error;
    }
    const { next, report } = decision;
    if (next !== undefined && (next !== null || previous !== undefined)) {
      if (!state.changed || previous === undefined) state.order = index;
      state.changed = true;
      if (next === null) state.deleted = true;
      state.current = next ?? undefined;
    }
    return { ok: true, id: mutation.id, previous, current: state.current, report };
  });
  const changed = [...states.values()]
    .filter((state) => state.changed)
    .sort((a, b) => a.order - b.order);
  const writes = changed.map(finalWrite).filter((write) => write !== undefined);
  return { results, writes };
}
