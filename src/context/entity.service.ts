/**
 * The context service for entities: the one place every write goes through, whatever door
 * it came in by (NGSI-LD API, batch, later device agents and importers). It applies the
 * pure NGSI-LD operation semantics (src/ngsi-ld/entity/operations) inside the store's
 * per-entity atomic mutation, so concurrent writes never lose each other's changes.
 */
import type { Attribute, Entity } from '../ngsi-ld/model.js';
import type { EntityFragment } from '../ngsi-ld/entity/entity-fragment.js';
import {
  alreadyExists,
  nonexistentTenant,
  resourceNotFound,
  type ProblemDetails,
} from '../ngsi-ld/problem-details.js';
import type { EntityQuery, TypeSelector } from '../ngsi-ld/query/query.types.js';
import { matchesTypeSelector } from '../ngsi-ld/query/type-selector.js';
import {
  appendAttributes,
  createEntityState,
  deleteAttribute,
  deleteScope,
  mergeEntity,
  partialAttributeUpdate,
  replaceAttribute,
  replaceEntity,
  updateAttributes,
  upsertEntity,
  type UpdateResult,
} from '../ngsi-ld/entity/operations/index.js';
import { DEFAULT_TENANT } from '../ngsi-ld/model.js';
import type {
  AttributeSummary,
  EntityMutation,
  EntityStore,
  MutationResult,
  QueryPage,
  TypeSummary,
} from './ports/entity-store.port.js';

export type ParsedEntity = Omit<Entity, 'createdAt' | 'modifiedAt'>;

/** One element of a batch request: parsed, or rejected by the parser. */
export type BatchItem<T> = { id: string; input: T } | { id: string; error: ProblemDetails };

export interface BatchOperationResult {
  success: string[];
  errors: Array<{ entityId: string; error: ProblemDetails }>;
}

export interface EntityServiceDeps {
  store: EntityStore;
  clock: () => Date;
  /** PATCH /entities/{id}/attrs appends missing attributes (NGSI-LD 1.9) instead of reporting them. */
  updateAppendsMissingAttributes: boolean;
}

const CORE_SCOPE = 'https://uri.etsi.org/ngsi-ld/scope';

export function createEntityService(deps: EntityServiceDeps) {
  const { store } = deps;
  const knownTenants = new Set<string>([DEFAULT_TENANT]);
  const now = () => deps.clock().toISOString();

  function existing(current: Entity | undefined, id: string, typeGuard?: TypeSelector): Entity {
    if (!current || (typeGuard && !matchesTypeSelector(current.type, typeGuard))) {
      throw resourceNotFound(`Entity ${id} does not exist`, id);
    }
    return current;
  }

  async function mutateOne<R>(tenant: string, mutation: EntityMutation<R>, createTenant = false) {
    const [result] = await store.mutate(tenant, [mutation], { createTenant });
    if (!result) throw new Error('store returned no result for a mutation');
    if (!result.ok) throw result.error;
    if (createTenant) knownTenants.add(tenant);
    return result;
  }

  async function mutateBatch<R>(
    tenant: string,
    items: BatchItem<unknown>[],
    mutations: EntityMutation<R>[],
    createTenant = false,
  ) {
    const results =
      mutations.length > 0 ? await store.mutate(tenant, mutations, { createTenant }) : [];
    if (createTenant && results.some((r) => r.ok)) knownTenants.add(tenant);
    const byIndex = new Map<number, MutationResult<R>>();
    let next = 0;
    items.forEach((item, index) => {
      if (!('error' in item)) byIndex.set(index, results[next++] as MutationResult<R>);
    });
    return items.map((item, index) =>
      'error' in item
        ? ({ ok: false, id: item.id, error: item.error } as const)
        : byIndex.get(index)!,
    );
  }

  function toBatchResult(
    results: ReadonlyArray<{ ok: boolean; id: string; error?: ProblemDetails }>,
  ): BatchOperationResult {
    return {
      success: results.filter((r) => r.ok).map((r) => r.id),
      errors: results
        .filter((r) => !r.ok)
        .map((r) => ({ entityId: r.id, error: r.error as ProblemDetails })),
    };
  }

  return {
    /** NonexistentTenant for operations that do not create tenants (NGSI-LD 5.5.10). */
    async assertTenantExists(tenant: string): Promise<void> {
      if (knownTenants.has(tenant)) return;
      if (await store.hasTenant(tenant)) {
        knownTenants.add(tenant);
        return;
      }
      throw nonexistentTenant(`Tenant '${tenant}' does not exist`, tenant);
    },

    // NGSI-LD 5.6.1
    async createEntity(tenant: string, parsed: ParsedEntity): Promise<void> {
      const at = now();
      await mutateOne(
        tenant,
        {
          id: parsed.id,
          apply: (current) => {
            if (current) throw alreadyExists(`Entity ${parsed.id} already exists`, parsed.id);
            return { next: createEntityState(parsed, at), report: undefined };
          },
        },
        true,
      );
    },

    // NGSI-LD 5.7.1
    async retrieveEntity(tenant: string, id: string, typeGuard?: TypeSelector): Promise<Entity> {
      return existing(await store.getEntity(tenant, id), id, typeGuard);
    },

    // NGSI-LD 5.7.2
    queryEntities(tenant: string, query: EntityQuery): Promise<QueryPage> {
      return store.queryEntities(tenant, query);
    },

    // NGSI-LD 5.6.6
    async deleteEntity(tenant: string, id: string, typeGuard?: TypeSelector): Promise<void> {
      await mutateOne(tenant, {
        id,
        apply: (current) => (existing(current, id, typeGuard), { next: null, report: undefined }),
      });
    },

    // NGSI-LD 5.6.3
    async appendAttributes(
      tenant: string,
      id: string,
      fragment: EntityFragment,
      options: { noOverwrite: boolean; typeGuard?: TypeSelector },
    ): Promise<UpdateResult> {
      const at = now();
      const result = await mutateOne(tenant, {
        id,
        apply: (current) => {
          const { entity, result } = appendAttributes(
            existing(current, id, options.typeGuard),
            fragment,
            { noOverwrite: options.noOverwrite, now: at },
          );
          return { next: entity === current ? undefined : entity, report: result };
        },
      });
      return result.report;
    },

    // NGSI-LD 5.6.2
    async updateAttributes(
      tenant: string,
      id: string,
      fragment: EntityFragment,
      typeGuard?: TypeSelector,
    ): Promise<UpdateResult> {
      const at = now();
      const result = await mutateOne(tenant, {
        id,
        apply: (current) => {
          const { entity, result } = updateAttributes(existing(current, id, typeGuard), fragment, {
            now: at,
            appendMissing: deps.updateAppendsMissingAttributes,
          });
          return { next: entity === current ? undefined : entity, report: result };
        },
      });
      return result.report;
    },

    // NGSI-LD 5.6.17
    async mergeEntity(
      tenant: string,
      id: string,
      fragment: EntityFragment,
      options: {
        observedAt?: string;
        lang?: string;
        simplified?: boolean;
        typeGuard?: TypeSelector;
      },
    ): Promise<UpdateResult> {
      const at = now();
      const result = await mutateOne(tenant, {
        id,
        apply: (current) => {
          const { entity, result } = mergeEntity(
            existing(current, id, options.typeGuard),
            fragment,
            {
              now: at,
              observedAt: options.observedAt,
              lang: options.lang,
              simplified: options.simplified,
            },
          );
          return { next: entity === current ? undefined : entity, report: result };
        },
      });
      return result.report;
    },

    // NGSI-LD 5.6.18
    async replaceEntity(
      tenant: string,
      id: string,
      replacement: ParsedEntity,
      typeGuard?: TypeSelector,
    ): Promise<void> {
      const at = now();
      await mutateOne(tenant, {
        id,
        apply: (current) => ({
          next: replaceEntity(existing(current, id, typeGuard), replacement, { now: at }),
          report: undefined,
        }),
      });
    },

    // NGSI-LD 5.6.4
    async partialAttributeUpdate(
      tenant: string,
      id: string,
      attrIri: string,
      fragment: Attribute,
      typeGuard?: TypeSelector,
    ): Promise<void> {
      const at = now();
      await mutateOne(tenant, {
        id,
        apply: (current) => ({
          next: partialAttributeUpdate(existing(current, id, typeGuard), attrIri, fragment, {
            now: at,
          }),
          report: undefined,
        }),
      });
    },

    // NGSI-LD 5.6.19
    async replaceAttribute(
      tenant: string,
      id: string,
      attrIri: string,
      attribute: Attribute,
      typeGuard?: TypeSelector,
    ): Promise<void> {
      const at = now();
      await mutateOne(tenant, {
        id,
        apply: (current) => ({
          next: replaceAttribute(existing(current, id, typeGuard), attrIri, attribute, { now: at }),
          report: undefined,
        }),
      });
    },

    // NGSI-LD 5.6.5
    async deleteAttribute(
      tenant: string,
      id: string,
      attrIri: string,
      options: { datasetId?: string; deleteAll: boolean; typeGuard?: TypeSelector },
    ): Promise<void> {
      const at = now();
      await mutateOne(tenant, {
        id,
        apply: (current) => {
          const entity = existing(current, id, options.typeGuard);
          if (attrIri === CORE_SCOPE)
            return { next: deleteScope(entity, { now: at }), report: undefined };
          return {
            next: deleteAttribute(entity, attrIri, {
              datasetId: options.datasetId,
              deleteAll: options.deleteAll,
              now: at,
            }),
            report: undefined,
          };
        },
      });
    },

    // NGSI-LD 5.6.7
    async batchCreate(
      tenant: string,
      items: BatchItem<ParsedEntity>[],
    ): Promise<BatchOperationResult> {
      const at = now();
      const mutations = items.flatMap((item) =>
        'error' in item
          ? []
          : [
              {
                id: item.id,
                apply: (current: Entity | undefined) => {
                  if (current) throw alreadyExists(`Entity ${item.id} already exists`, item.id);
                  return { next: createEntityState(item.input, at), report: undefined };
                },
              },
            ],
      );
      return toBatchResult(await mutateBatch(tenant, items, mutations, true));
    },

    // NGSI-LD 5.6.8: returns the ids created (for the 201 body) besides the usual result.
    async batchUpsert(
      tenant: string,
      items: BatchItem<ParsedEntity>[],
      mode: 'replace' | 'update',
    ): Promise<BatchOperationResult & { created: string[] }> {
      const at = now();
      const mutations = items.flatMap((item) =>
        'error' in item
          ? []
          : [
              {
                id: item.id,
                apply: (current: Entity | undefined) => {
                  const { entity, created } = upsertEntity(current, item.input, {
                    mode,
                    now: at,
                    appendMissing: true,
                  });
                  return { next: entity, report: created };
                },
              },
            ],
      );
      const results = await mutateBatch(tenant, items, mutations, true);
      const created = results
        .filter((r) => r.ok && 'report' in r && r.report === true)
        .map((r) => r.id);
      return { ...toBatchResult(results), created };
    },

    // NGSI-LD 5.6.9 (Append Attributes semantics per entity)
    async batchUpdate(
      tenant: string,
      items: BatchItem<EntityFragment>[],
      noOverwrite: boolean,
    ): Promise<BatchOperationResult> {
      const at = now();
      const mutations = items.flatMap((item) =>
        'error' in item
          ? []
          : [
              {
                id: item.id,
                apply: (current: Entity | undefined) => {
                  const { entity } = appendAttributes(existing(current, item.id), item.input, {
                    noOverwrite,
                    now: at,
                  });
                  return { next: entity, report: undefined };
                },
              },
            ],
      );
      return toBatchResult(await mutateBatch(tenant, items, mutations));
    },

    // NGSI-LD 5.6.20
    async batchMerge(
      tenant: string,
      items: BatchItem<EntityFragment>[],
    ): Promise<BatchOperationResult> {
      const at = now();
      const mutations = items.flatMap((item) =>
        'error' in item
          ? []
          : [
              {
                id: item.id,
                apply: (current: Entity | undefined) => {
                  const { entity } = mergeEntity(existing(current, item.id), item.input, {
                    now: at,
                  });
                  return { next: entity, report: undefined };
                },
              },
            ],
      );
      return toBatchResult(await mutateBatch(tenant, items, mutations));
    },

    // NGSI-LD 5.6.10
    async batchDelete(tenant: string, items: BatchItem<string>[]): Promise<BatchOperationResult> {
      const mutations = items.flatMap((item) =>
        'error' in item
          ? []
          : [
              {
                id: item.id,
                apply: (current: Entity | undefined) => (
                  existing(current, item.id),
                  { next: null, report: undefined }
                ),
              },
            ],
      );
      return toBatchResult(await mutateBatch(tenant, items, mutations));
    },

    describeTypes(tenant: string): Promise<TypeSummary[]> {
      return store.describeTypes(tenant);
    },

    describeAttributes(tenant: string): Promise<AttributeSummary[]> {
      return store.describeAttributes(tenant);
    },
  };
}

export type EntityService = ReturnType<typeof createEntityService>;
