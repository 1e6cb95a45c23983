/**
 * The subscriptions of every tenant, compiled and indexed in memory for matching
 * (src/ngsi-ld/subscription/subscription-index.ts). Writes through this instance's API
 * update it at once; writes by other instances are picked up by `refresh`, which reads
 * the store's version counter (one cheap query) and reloads only what changed.
 *
 * It also keeps the @context each subscription compacts its notifications with, resolved
 * once; a context that cannot be resolved is retried after a pause, and meanwhile the
 * notifications use the core context (full IRIs) rather than waiting.
 */
import type { Logger } from 'pino';
import type { JsonLdContext } from '../../ngsi-ld/context/json-ld-context.js';
import {
  compileSubscription,
  type CompiledSubscription,
} from '../../ngsi-ld/subscription/compiled-subscription.js';
import type { Subscription } from '../../ngsi-ld/subscription/subscription.js';
import { SubscriptionIndex } from '../../ngsi-ld/subscription/subscription-index.js';
import type { SubscriptionStore } from '../ports/subscription-store.port.js';

/** How long a context that failed to resolve is not tried again. */
const CONTEXT_RETRY_MS = 60_000;

export interface ContextResolver {
  resolve(raw: unknown): Promise<JsonLdContext>;
}

interface Entry {
  compiled: CompiledSubscription;
  version: number;
  context?: JsonLdContext;
  contextFailedAt?: number;
}

export interface SubscriptionRegistry {
  /** After a local create or update: compile and index it (an older version is ignored). */
  put(tenant: string, subscription: Subscription, version: number): void;
  remove(tenant: string, id: string): void;
  get(tenant: string, id: string): CompiledSubscription | undefined;
  /** Whether any subscription of the tenant notifies on changes (a cheap first test). */
  watchesTenant(tenant: string): boolean;
  candidates(
    tenant: string,
    entityId: string,
    types: Iterable<string>,
    changedAttributes: Iterable<string>,
  ): Set<CompiledSubscription>;
  /** Subscriptions with a timeInterval. */
  periodic(): CompiledSubscription[];
  /** The context notifications of this subscription are compacted with. */
  contextOf(compiled: CompiledSubscription): Promise<JsonLdContext>;
  /** The same, when it is resolved already (no promise to wait for: the common case). */
  resolvedContextOf(compiled: CompiledSubscription): JsonLdContext | undefined;
  /** Loads what other instances changed since the last look; cheap when nothing did. */
  refresh(): Promise<void>;
  /**
   * Resolves once the registry knows every subscription write up to `version` (the
   * subscriptions' version a change committed against); at once when it already does.
   */
  catchUp(version: number | undefined): Promise<void>;
  readonly size: number;
}

export function createSubscriptionRegistry(deps: {
  store: SubscriptionStore;
  contexts: ContextResolver;
  clock: () => Date;
  log: Pick<Logger, 'warn'>;
}): SubscriptionRegistry {
  const { store, contexts, log } = deps;
  const entries = new Map<string, Entry>();
  const index = new SubscriptionIndex();
  const periodic = new Map<string, CompiledSubscription>();
  let seenCounter = -1;
  let refreshing: Promise<void> | undefined;

  const keyOf = (tenant: string, id: string) => `${tenant} ${id}`;

  function put(tenant: string, subscription: Subscription, version: number): void {
    const key = keyOf(tenant, subscription.id);
    const existing = entries.get(key);
    if (existing !== undefined && existing.version >= version) return;
    let compiled: CompiledSubscription;
    try {
      compiled = compileSubscription(tenant, subscription);
    } catch (error) {
      // Stored subscriptions were valid when written; one that no longer compiles is skipped.
      log.warn(
        { err: error, tenant, id: subscription.id },
        'Skipping a subscription that does not compile',
      );
      return;
    }
    const entry: Entry = { compiled, version };
    if (existing && sameContext(existing.compiled.subscription, subscription)) {
      if (existing.context) entry.context = existing.context;
    }
    entries.set(key, entry);
    index.put(compiled);
    if (subscription.timeInterval !== undefined) periodic.set(key, compiled);
    else periodic.delete(key);
  }

  function remove(tenant: string, id: string): void {
    const key = keyOf(tenant, id);
    entries.delete(key);
    periodic.delete(key);
    index.remove(tenant, id);
  }

  async function reload(): Promise<void> {
    const counter = await store.subscriptionCounter();
    if (counter === seenCounter) return;
    const since = seenCounter;
    if (since >= 0) {
      const live = new Set((await store.subscriptionVersions()).map((v) => keyOf(v.tenant, v.id)));
      // An entry newer than the counter read was written here meanwhile: not a deletion.
      for (const [key, entry] of entries)
        if (!live.has(key) && entry.version <= counter)
          remove(entry.compiled.tenant, entry.compiled.subscription.id);
    }
    for (const stored of await store.subscriptionsSince(Math.max(since, 0)))
      put(stored.tenant, stored.subscription, stored.version);
    seenCounter = counter;
  }

  return {
    put,
    remove,
    get: (tenant, id) => entries.get(keyOf(tenant, id))?.compiled,
    watchesTenant: (tenant) => index.hasTenant(tenant),
    candidates: (tenant, entityId, types, attrs) =>
      index.candidates(tenant, entityId, types, attrs),
    periodic: () => [...periodic.values()],
    resolvedContextOf: (compiled) =>
      entries.get(keyOf(compiled.tenant, compiled.subscription.id))?.context,
    async contextOf(compiled) {
      const entry = entries.get(keyOf(compiled.tenant, compiled.subscription.id));
      if (entry?.context) return entry.context;
      const now = deps.clock().getTime();
      const s = compiled.subscription;
      if (entry?.contextFailedAt === undefined || now - entry.contextFailedAt > CONTEXT_RETRY_MS) {
        try {
          const context = await contexts.resolve(s.jsonldContext ?? s.context);
          if (entry) entry.context = context;
          return context;
        } catch (error) {
          if (entry) entry.contextFailedAt = now;
          log.warn(
            { err: error, id: s.id },
            'The @context of a subscription cannot be resolved; notifying with the core context',
          );
        }
      }
      return contexts.resolve(undefined);
    },
    refresh() {
      refreshing ??= reload().finally(() => {
        refreshing = undefined;
      });
      return refreshing;
    },
    async catchUp(version) {
      // A reload already under way may have read the counter before `version`: then one more.
      for (
        let attempt = 0;
        attempt < 2 && version !== undefined && seenCounter < version;
        attempt++
      )
        await this.refresh();
    },
    get size() {
      return entries.size;
    },
  };
}

function sameContext(a: Subscription, b: Subscription): boolean {
  return (
    a.jsonldContext === b.jsonldContext && JSON.stringify(a.context) === JSON.stringify(b.context)
  );
}
