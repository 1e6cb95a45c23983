/**
 * Active subscriptions indexed by tenant, then by entity id (selectors naming one), entity
 * type (one type of each conjunction of a type selection) or "any entity", then by watched
 * attribute or "any attribute". A change looks up only the buckets of its entity's id,
 * types and changed attributes, so its cost grows with the subscriptions that could match,
 * not with all of them. The exact test stays `shouldNotify`.
 * Periodic (timeInterval) subscriptions never notify on changes and are not indexed.
 */
import type { CompiledSubscription } from './compiled-subscription.js';

interface Bucket {
  anyAttribute: Set<CompiledSubscription>;
  byAttribute: Map<string, Set<CompiledSubscription>>;
}

const ANY_ENTITY = '*';
const idKey = (id: string) => `i ${id}`;
const typeKey = (type: string) => `t ${type}`;

export class SubscriptionIndex {
  private readonly tenants = new Map<string, Map<string, Bucket>>();
  /** Where each subscription was put, by tenant and id, to remove it again. */
  private readonly placed = new Map<string, { compiled: CompiledSubscription; keys: string[] }>();

  get size(): number {
    return this.placed.size;
  }

  /** Whether some subscription of the tenant is indexed. */
  hasTenant(tenant: string): boolean {
    return this.tenants.has(tenant);
  }

  /** Adds or replaces (same tenant and id) a subscription. */
  put(compiled: CompiledSubscription): void {
    this.remove(compiled.tenant, compiled.subscription.id);
    if (compiled.subscription.timeInterval !== undefined) return;
    const keys = entityKeys(compiled);
    const buckets = this.tenantBuckets(compiled.tenant, true);
    for (const key of keys) {
      let bucket = buckets.get(key);
      if (bucket === undefined) {
        bucket = { anyAttribute: new Set(), byAttribute: new Map() };
        buckets.set(key, bucket);
      }
      if (compiled.watched === undefined) bucket.anyAttribute.add(compiled);
      else
        for (const attr of compiled.watched) {
          let set = bucket.byAttribute.get(attr);
          if (set === undefined) bucket.byAttribute.set(attr, (set = new Set()));
          set.add(compiled);
        }
    }
    this.placed.set(placeKey(compiled.tenant, compiled.subscription.id), { compiled, keys });
  }

  remove(tenant: string, id: string): void {
    const key = placeKey(tenant, id);
    const entry = this.placed.get(key);
    if (entry === undefined) return;
    this.placed.delete(key);
    const buckets = this.tenantBuckets(tenant, false);
    if (buckets === undefined) return;
    for (const bucketKey of entry.keys) {
      const bucket = buckets.get(bucketKey);
      if (bucket === undefined) continue;
      bucket.anyAttribute.delete(entry.compiled);
      for (const [attr, set] of bucket.byAttribute) {
        set.delete(entry.compiled);
        if (set.size === 0) bucket.byAttribute.delete(attr);
      }
      if (bucket.anyAttribute.size === 0 && bucket.byAttribute.size === 0)
        buckets.delete(bucketKey);
    }
    if (buckets.size === 0) this.tenants.delete(tenant);
  }

  /** Subscriptions that could be notified of a change of this entity touching these attributes. */
  candidates(
    tenant: string,
    entityId: string,
    types: Iterable<string>,
    changedAttributes: Iterable<string>,
  ): Set<CompiledSubscription> {
    const found = new Set<CompiledSubscription>();
    const buckets = this.tenants.get(tenant);
    if (buckets === undefined) return found;
    const keys = [idKey(entityId), ANY_ENTITY];
    for (const type of types) keys.push(typeKey(type));
    let attrs: string[] | undefined;
    for (const key of keys) {
      const bucket = buckets.get(key);
      if (bucket === undefined) continue;
      for (const compiled of bucket.anyAttribute) found.add(compiled);
      if (bucket.byAttribute.size === 0) continue;
      attrs ??= [...changedAttributes];
      for (const attr of attrs) {
        const set = bucket.byAttribute.get(attr);
        if (set) for (const compiled of set) found.add(compiled);
      }
    }
    return found;
  }

  private tenantBuckets(tenant: string, create: true): Map<string, Bucket>;
  private tenantBuckets(tenant: string, create: false): Map<string, Bucket> | undefined;
  private tenantBuckets(tenant: string, create: boolean): Map<string, Bucket> | undefined {
    let buckets = this.tenants.get(tenant);
    if (buckets === undefined && create) this.tenants.set(tenant, (buckets = new Map()));
    return buckets;
  }
}

function placeKey(tenant: string, id: string): string {
  return `${tenant} ${id}`;
}

/** The buckets a subscription goes in: enough that every entity it selects finds it. */
function entityKeys(compiled: CompiledSubscription): string[] {
  if (compiled.selectors === undefined) return [ANY_ENTITY];
  const keys = new Set<string>();
  for (const selector of compiled.selectors) {
    const literalId = selector.id ?? literalIdOf(selector.idPattern);
    if (literalId !== undefined) keys.add(idKey(literalId));
    else if (selector.types === undefined) keys.add(ANY_ENTITY);
    else
      for (const all of selector.types.anyOf) if (all[0] !== undefined) keys.add(typeKey(all[0]));
  }
  return [...keys];
}

/**
 * The one id an idPattern like `^urn:ngsi-ld:Vehicle:42$` can match (anchored, no regex
 * syntax inside but escaped dots), so that such subscriptions are indexed by id.
 */
export function literalIdOf(idPattern: string | undefined): string | undefined {
  if (idPattern === undefined || !idPattern.startsWith('^') || !idPattern.endsWith('$'))
    return undefined;
  const inner = idPattern.slice(1, -1);
  if (!/^(?:[^\\^$.|?*+()[\]{}]|\\\.)+$/.test(inner)) return undefined;
  return inner.replace(/\\\./g, '.');
}
