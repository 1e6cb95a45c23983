/**
 * The storage port of the context service. Adapters: src/adapters/sqlite, src/adapters/postgres.
 * Both must pass test/contract/entity-store.contract.ts with identical results.
 */
import type { AttributeKind, Entity } from '../../ngsi-ld/model.js';
import type { ProblemDetails } from '../../ngsi-ld/problem-details.js';
import type { EntityQuery } from '../../ngsi-ld/query/query.types.js';

/**
 * What a mutation decided: the entity's next state (`null` deletes it, `undefined` leaves it
 * as it was) and a report the caller wants back (for example an UpdateResult).
 */
export interface MutationDecision<R> {
  next: Entity | null | undefined;
  report: R;
}

/**
 * One change to one entity, decided by a pure function of the entity's current state
 * (`undefined` when it does not exist). The store calls `apply` while it holds the entity
 * exclusively, so concurrent mutations of one entity never lose each other's changes.
 * `apply` throws a ProblemDetails to reject this item; nothing of it is written.
 */
export interface EntityMutation<R> {
  id: string;
  apply(current: Entity | undefined): MutationDecision<R>;
}

export type MutationResult<R> =
  | { ok: true; id: string; previous: Entity | undefined; current: Entity | undefined; report: R }
  | { ok: false; id: string; error: ProblemDetails };

export interface TypeSummary {
  /** Expanded type IRI. */
  type: string;
  entityCount: number;
  /** Top-level attributes of entities of this type. */
  attributes: Array<{ name: string; kinds: AttributeKind[] }>;
}

export interface AttributeSummary {
  /** Expanded attribute IRI (top-level attributes only). */
  name: string;
  kinds: AttributeKind[];
  /** Expanded IRIs of the entity types that have this attribute. */
  typeNames: string[];
  /** Number of attribute instances with this name. */
  instanceCount: number;
}

export interface QueryPage {
  entities: Entity[];
  /** Set only when the query asked for a count. */
  totalCount?: number;
}

export interface EntityStore {
  /** The default tenant always exists; others exist once something was created in them. */
  hasTenant(tenant: string): Promise<boolean>;
  getEntity(tenant: string, id: string): Promise<Entity | undefined>;
  /**
   * Apply mutations in order, atomically per item, in one transaction: a rejected item
   * writes nothing and does not stop the others. Later items see earlier items' results
   * (the same id may appear twice). Creates the tenant when `createTenant` is set and at
   * least one item wrote something.
   */
  mutate<R>(
    tenant: string,
    mutations: EntityMutation<R>[],
    options: { createTenant: boolean },
  ): Promise<MutationResult<R>[]>;
  /** Entities matching every filter of the query, in a stable order (creation order). */
  queryEntities(tenant: string, query: EntityQuery): Promise<QueryPage>;
  describeTypes(tenant: string): Promise<TypeSummary[]>;
  describeAttributes(tenant: string): Promise<AttributeSummary[]>;
  close(): Promise<void>;
}
