/**
 * The context service for entities: the one place every write goes through, whatever door
 * it came in by (NGSI-LD API, batch, later device agents and importers). It applies the
 * pure NGSI-LD operation semantics (src/ngsi-ld/entity/operations) inside the store's
 * per-entity atomic mutation, so concurrent writes never lose each other's changes.
 */
import type { Attribute, Entity } from '../ngsi-ld/model.js';
import type { EntityFragment } from '../ngsi-ld/entity/entity-fragment.js';
import { alreadyExists, nonexistentTenant } from '../ngsi-ld/problem-details.js';
import type { EntityQuery, TypeSelector } from '../ngsi-ld/query/query.types.js';
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
  SCOPE_IRI,
  type UpdateResult,
} from '../ngsi-ld/entity/operations/index.js';
import { DEFAULT_TENANT } from '../ngsi-ld/model.js';
import { createEntityBatchOperations } from './entity-batch.service.js';
import type { ParsedEntity } from './entity-batch.service.js';
import { requireEntity } from './entity-guards.js';
import { createGroupCommit } from './group-commit.js';
import type {
  AttributeSummary,
  EntityMutation,
  EntityStore,
  QueryPage,
  TypeSummary,
} from './ports/entity-store.port.js';

export type { BatchItem, BatchOperationResult, ParsedEntity } from './entity-batch.service.js';

export interface EntityServiceDeps {
  store: EntityStore;
  clock: () => Date;
  /** PATCH /entities/{id}/attrs appends missing attributes (NGSI-LD 1.9) instead of reporting them. */
  updateAppendsMissingAttributes: boolean;
}

export function createEntityService(deps: EntityServiceDeps) {
  const { store } = deps;
  const knownTenants = new Set<string>([DEFAULT_TENANT]);
  const now = () => deps.clock().toISOString();

  // Single-entity writes of concurrent requests share transactions (group-commit.ts).
  const writes = createGroupCommit(store);

  async function mutateOne<R>(tenant: string, mutation: EntityMutation<R>, createTenant = false) {
    const result = await writes.submit(tenant, mutation, createTenant);
    if (!result.ok) throw result.error;
    if (createTenant) knownTenants.add(tenant);
    return result;
  }

  /**
   * Applies a pure operation to an existing entity (404 when it does not exist or fails the
   * type guard) inside the store's atomic mutation; an unchanged entity is not rewritten.
   */
  async function changeEntity<R>(
    tenant: string,
    id: string,
    typeGuard: TypeSelector | undefined,
    operation: (entity: Entity, now: string) => { entity: Entity; result: R },
  ): Promise<R> {
    const at = now();
    const outcome = await mutateOne(tenant, {
      id,
      apply: (current) => {
        const existing = requireEntity(current, id, typeGuard);
        const { entity, result } = operation(existing, at);
        return { next: entity === existing ? undefined : entity, report: result };
      },
    });
    return outcome.report;
  }

  const batch = createEntityBatchOperations({
    store,
    now,
    onTenantCreated: (tenant) => knownTenants.add(tenant),
  });

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
      return requireEntity(await store.getEntity(tenant, id), id, typeGuard);
    },

    // NGSI-LD 5.7.2
    queryEntities(tenant: string, query: EntityQuery): Promise<QueryPage> {
      return store.queryEntities(tenant, query);
    },

    // NGSI-LD 5.6.6
    async deleteEntity(tenant: string, id: string, typeGuard?: TypeSelector): Promise<void> {
      await mutateOne(tenant, {
        id,
        apply: (current) => (
          requireEntity(current, id, typeGuard),
          { next: null, report: undefined }
        ),
      });
    },

    // NGSI-LD 5.6.3
    appendAttributes(
      tenant: string,
      id: string,
      fragment: EntityFragment,
      options: { noOverwrite: boolean; typeGuard?: TypeSelector },
    ): Promise<UpdateResult> {
      return changeEntity(tenant, id, options.typeGuard, (entity, at) =>
        appendAttributes(entity, fragment, { noOverwrite: options.noOverwrite, now: at }),
      );
    },

    // NGSI-LD 5.6.2
    updateAttributes(
      tenant: string,
      id: string,
      fragment: EntityFragment,
      typeGuard?: TypeSelector,
    ): Promise<UpdateResult> {
      return changeEntity(tenant, id, typeGuard, (entity, at) =>
        updateAttributes(entity, fragment, {
          now: at,
          appendMissing: deps.updateAppendsMissingAttributes,
        }),
      );
    },

    // NGSI-LD 5.6.17
    mergeEntity(
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
      const { typeGuard, ...mergeOptions } = options;
      return changeEntity(tenant, id, typeGuard, (entity, at) =>
        mergeEntity(entity, fragment, { ...mergeOptions, now: at }),
      );
    },

    // NGSI-LD 5.6.18
    async replaceEntity(
      tenant: string,
      id: string,
      replacement: ParsedEntity,
      typeGuard?: TypeSelector,
    ): Promise<void> {
      await changeEntity(tenant, id, typeGuard, (entity, at) =>
        unreported(replaceEntity(entity, replacement, { now: at })),
      );
    },

    // NGSI-LD 5.6.4
    async partialAttributeUpdate(
      tenant: string,
      id: string,
      attrIri: string,
      fragment: Attribute,
      typeGuard?: TypeSelector,
    ): Promise<void> {
      await changeEntity(tenant, id, typeGuard, (entity, at) =>
        unreported(partialAttributeUpdate(entity, attrIri, fragment, { now: at })),
      );
    },

    // NGSI-LD 5.6.19
    async replaceAttribute(
      tenant: string,
      id: string,
      attrIri: string,
      attribute: Attribute,
      typeGuard?: TypeSelector,
    ): Promise<void> {
      await changeEntity(tenant, id, typeGuard, (entity, at) =>
        unreported(replaceAttribute(entity, attrIri, attribute, { now: at })),
      );
    },

    // NGSI-LD 5.6.5
    async deleteAttribute(
      tenant: string,
      id: string,
      attrIri: string,
      options: { datasetId?: string; deleteAll: boolean; typeGuard?: TypeSelector },
    ): Promise<void> {
      const { datasetId, deleteAll } = options;
      await changeEntity(tenant, id, options.typeGuard, (entity, at) =>
        unreported(
          attrIri === SCOPE_IRI
            ? deleteScope(entity, { now: at })
            : deleteAttribute(entity, attrIri, { datasetId, deleteAll, now: at }),
        ),
      );
    },

    ...batch,

    describeTypes(tenant: string): Promise<TypeSummary[]> {
      return store.describeTypes(tenant);
    },

    describeAttributes(tenant: string): Promise<AttributeSummary[]> {
      return store.describeAttributes(tenant);
    },
  };
}

export type EntityService = ReturnType<typeof createEntityService>;

function unreported(entity: Entity): { entity: Entity; result: undefined } {
  return { entity, result: undefined };
}
