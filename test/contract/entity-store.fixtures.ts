/**
 * Builders for the entity-store contract: entities in the internal model (expanded IRIs),
 * mutations, queries, and the reference answer of a query — the exact filter
 * (src/ngsi-ld/query/entity-filter.ts) applied to the corpus in creation order.
 */
import assert from 'node:assert/strict';
import type { ChangeLog } from '../../src/context/ports/change-log.port.js';
import type { SubscriptionStore } from '../../src/context/ports/subscription-store.port.js';
import type { EntityMutation, EntityStore } from '../../src/context/ports/entity-store.port.js';
import type { JsonLdContextStore } from '../../src/context/ports/json-ld-context-store.port.js';
import type { Attribute, Entity, Geometry, JsonValue } from '../../src/ngsi-ld/model.js';
import { alreadyExists, resourceNotFound } from '../../src/ngsi-ld/problem-details.js';
import { matchesEntityQuery } from '../../src/ngsi-ld/query/entity-filter.js';
import { parseQ } from '../../src/ngsi-ld/query/q-parser.js';
import type { EntityQuery, QExpr } from '../../src/ngsi-ld/query/query.types.js';

export interface StoreUnderTest {
  store: EntityStore;
  contextStore: JsonLdContextStore;
  changeLog: ChangeLog;
  subscriptionStore: SubscriptionStore;
  cleanup(): Promise<void>;
}
export type MakeStore = () => Promise<StoreUnderTest>;

export const EX = 'http://example.org/';
export const LOCATION = 'https://uri.etsi.org/ngsi-ld/location';
export const TIME = '2024-01-01T00:00:00.000Z';

/** Short names expand under http://example.org/ (`location` as in the core context); IRIs stay. */
export function iri(name: string): string {
  if (name === 'location') return LOCATION;
  return /^[a-z][a-z0-9+.-]*:/i.test(name) ? name : EX + name;
}

export function prop(value: JsonValue, extra: Partial<Attribute> = {}): Attribute {
  return { type: 'Property', value, ...extra };
}

export function rel(object: string | string[], extra: Partial<Attribute> = {}): Attribute {
  return { type: 'Relationship', object, ...extra };
}

export function geo(geometry: Geometry | string, extra: Partial<Attribute> = {}): Attribute {
  return { type: 'GeoProperty', value: geometry as JsonValue, ...extra };
}

export function point(lon: number, lat: number): Geometry {
  return { type: 'Point', coordinates: [lon, lat] };
}

export function entity(
  id: string,
  type: string | string[],
  attrs: Record<string, Attribute | Attribute[]> = {},
  extra: { scope?: string[] } = {},
): Entity {
  const types = (Array.isArray(type) ? type : [type]).map(iri);
  const expanded = Object.fromEntries(
    Object.entries(attrs).map(([name, a]) => [iri(name), Array.isArray(a) ? a : [a]]),
  );
  return { id, type: types, ...extra, createdAt: TIME, modifiedAt: TIME, attrs: expanded };
}

/** Sets the entity, whatever was there. */
export function put(next: Entity, report = 'put'): EntityMutation<string> {
  return { id: next.id, apply: () => ({ next, report }) };
}

/** Creates the entity, rejecting the item when it exists (NGSI-LD 5.6.1 AlreadyExists). */
export function create(next: Entity): EntityMutation<string> {
  return {
    id: next.id,
    apply(current) {
      if (current !== undefined) throw alreadyExists(`Entity ${next.id} already exists`);
      return { next, report: 'created' };
    },
  };
}

export function remove(id: string): EntityMutation<string> {
  return {
    id,
    apply(current) {
      if (current === undefined) throw resourceNotFound(`Entity ${id} does not exist`);
      return { next: null, report: 'deleted' };
    },
  };
}

/** Adds or replaces one attribute of an existing entity. */
export function setAttr(id: string, name: string, attribute: Attribute): EntityMutation<string> {
  return {
    id,
    apply(current) {
      if (current === undefined) throw resourceNotFound(`Entity ${id} does not exist`);
      return {
        next: { ...current, attrs: { ...current.attrs, [iri(name)]: [attribute] } },
        report: name,
      };
    },
  };
}

export async function seed(store: EntityStore, tenant: string, entities: Entity[]): Promise<void> {
  const results = await store.mutate(
    tenant,
    entities.map((e) => put(e)),
    { createTenant: true },
  );
  assert.ok(results.every((r) => r.ok));
}

export function q(text: string): QExpr {
  return parseQ(text, iri);
}

export function query(filters: Partial<EntityQuery> = {}): EntityQuery {
  return { limit: 1000, offset: 0, count: false, ...filters };
}

export async function queryIds(
  store: EntityStore,
  tenant: string,
  filters: Partial<EntityQuery>,
): Promise<string[]> {
  return (await store.queryEntities(tenant, query(filters))).entities.map((e) => e.id);
}

/** What the store must answer: the exact filter over the corpus, in creation order, paged. */
export function expectedPage(
  corpus: Entity[],
  q: EntityQuery,
): { ids: string[]; totalCount: number } {
  const matches = corpus.filter((e) => matchesEntityQuery(e, q)).map((e) => e.id);
  return { ids: matches.slice(q.offset, q.offset + q.limit), totalCount: matches.length };
}
