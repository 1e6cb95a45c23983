/**
 * Batch entity operations of the context service (NGSI-LD 5.6.7–5.6.10, 5.6.20): each item is
 * applied with the single-entity semantics, in order, in one store transaction; a failing
 * item fails alone and is reported in the BatchOperationResult.
 */
import type { EntityFragment } from '../ngsi-ld/entity/entity-fragment.js';
import {
  appendAttributes,
  createEntityState,
  mergeEntity,
  upsertEntity,
} from '../ngsi-ld/entity/operations/index.js';
import type { Entity } from '../ngsi-ld/model.js';
import { alreadyExists, type ProblemDetails } from '../ngsi-ld/problem-details.js';
import { requireEntity } from './entity-guards.js';
import type { EntityStore, MutationDecision } from './ports/entity-store.port.js';

export type ParsedEntity = Omit<Entity, 'createdAt' | 'modifiedAt'>;

/** One element of a batch request: parsed, or rejected by the parser. */
export type BatchItem<T> = { id: string; input: T } | { id: string; error: ProblemDetails };

export interface BatchOperationResult {
  success: string[];
  errors: Array<{ entityId: string; error: ProblemDetails }>;
}

type ItemResult<R> =
  { ok: true; id: string; report: R } | { ok: false; id: string; error: ProblemDetails };

export function createEntityBatchOperations(deps: {
  store: EntityStore;
  now: () => string;
  onTenantCreated: (tenant: string) => void;
}) {
  /** Runs the parsed items through the store; parser rejections keep their place in the result. */
  async function runBatch<T, R>(
    tenant: string,
    items: BatchItem<T>[],
    decide: (input: T, id: string, current: Entity | undefined) => MutationDecision<R>,
    createTenant = false,
  ): Promise<ItemResult<R>[]> {
    const mutations = items.flatMap((item) =>
      'error' in item
        ? []
        : [
            {
              id: item.id,
              apply: (current: Entity | undefined) => decide(item.input, item.id, current),
            },
          ],
    );
    const results =
      mutations.length > 0 ? await deps.store.mutate(tenant, mutations, { createTenant }) : [];
    if (createTenant && results.some((r) => r.ok)) deps.onTenantCreated(tenant);
    let next = 0;
    return items.map((item): ItemResult<R> => {
      if ('error' in item) return { ok: false, id: item.id, error: item.error };
      const result = results[next++];
      if (!result) throw new Error('the store returned fewer results than mutations');
      return result.ok
        ? { ok: true, id: result.id, report: result.report }
        : { ok: false, id: result.id, error: result.error };
    });
  }

  function toBatchResult(results: ItemResult<unknown>[]): BatchOperationResult {
    return {
      success: results.filter((r) => r.ok).map((r) => r.id),
      errors: results.flatMap((r) => (r.ok ? [] : [{ entityId: r.id, error: r.error }])),
    };
  }

  return {
    // NGSI-LD 5.6.7
    async batchCreate(
      tenant: string,
      items: BatchItem<ParsedEntity>[],
    ): Promise<BatchOperationResult> {
      const at = deps.now();
      const results = await runBatch(
        tenant,
        items,
        (input, id, current) => {
          if (current) throw alreadyExists(`Entity ${id} already exists`, id);
          return { next: createEntityState(input, at), report: undefined };
        },
        true,
      );
      return toBatchResult(results);
    },

    // NGSI-LD 5.6.8: also returns the ids created, for the 201 body.
    async batchUpsert(
      tenant: string,
      items: BatchItem<ParsedEntity>[],
      mode: 'replace' | 'update',
    ): Promise<BatchOperationResult & { created: string[] }> {
      const at = deps.now();
      const results = await runBatch(
        tenant,
        items,
        (input, _id, current) => {
          const { entity, created } = upsertEntity(current, input, {
            mode,
            now: at,
            appendMissing: true,
          });
          return { next: entity, report: created };
        },
        true,
      );
      const created = results.flatMap((r) => (r.ok && r.report ? [r.id] : []));
      return { ...toBatchResult(results), created };
    },

    // NGSI-LD 5.6.9: Append Attributes semantics per entity.
    async batchUpdate(
      tenant: string,
      items: BatchItem<EntityFragment>[],
      noOverwrite: boolean,
    ): Promise<BatchOperationResult> {
      const at = deps.now();
      const results = await runBatch(tenant, items, (input, id, current) => {
        const existing = requireEntity(current, id);
        const { entity } = appendAttributes(existing, input, { noOverwrite, now: at });
        return { next: entity === existing ? undefined : entity, report: undefined };
      });
      return toBatchResult(results);
    },

    // NGSI-LD 5.6.20
    async batchMerge(
      tenant: string,
      items: BatchItem<EntityFragment>[],
    ): Promise<BatchOperationResult> {
      const at = deps.now();
      const results = await runBatch(tenant, items, (input, id, current) => {
        const existing = requireEntity(current, id);
        const { entity } = mergeEntity(existing, input, { now: at });
        return { next: entity === existing ? undefined : entity, report: undefined };
      });
      return toBatchResult(results);
    },

    // NGSI-LD 5.6.10: each occurrence of an id is its own request (a repeat finds nothing).
    async batchDelete(tenant: string, items: BatchItem<string>[]): Promise<BatchOperationResult> {
      const results = await runBatch(tenant, items, (_input, id, current) => {
        requireEntity(current, id);
        return { next: null, report: undefined };
      });
      return toBatchResult(results);
    },
  };
}
