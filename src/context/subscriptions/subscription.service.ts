/**
 * The Subscription operations of NGSI-LD (5.8.1–5.8.5; subscriptions.md §1–§5): parse and
 * check, store, and keep this instance's in-memory index in step. Creating a subscription
 * never sends anything (no initial notification, pitfalls.md 28).
 */
import { randomUUID } from 'node:crypto';
import type { JsonLdContext } from '../../ngsi-ld/context/json-ld-context.js';
import { resourceNotFound, serviceUnavailable } from '../../ngsi-ld/problem-details.js';
import {
  SUBSCRIPTION_ID_PREFIX,
  applySubscriptionPatch,
  parseSubscription,
  parseSubscriptionPatch,
} from '../../ngsi-ld/subscription/subscription-parser.js';
import type {
  Subscription,
  SubscriptionEndpoint,
} from '../../ngsi-ld/subscription/subscription.js';
import type { StoredSubscription, SubscriptionStore } from '../ports/subscription-store.port.js';
import type { ContextResolver, SubscriptionRegistry } from './subscription-registry.js';

export interface SubscriptionServiceDeps {
  store: SubscriptionStore;
  registry: SubscriptionRegistry;
  contexts: ContextResolver;
  clock: () => Date;
  /** Endpoint URI schemes the notification senders handle. */
  schemes: readonly string[];
  /** The check of the endpoint's sender (NotificationSender.validate): a problem is a 400. */
  checkEndpoint?: (endpoint: SubscriptionEndpoint) => string | undefined;
}

export interface SubscriptionService {
  /** The service's clock: `status` (expired or not) is computed against it. */
  now(): Date;
  createSubscription(tenant: string, body: unknown, context: JsonLdContext): Promise<string>;
  querySubscriptions(
    tenant: string,
    page: { limit: number; offset: number },
  ): Promise<{ items: StoredSubscription[]; total: number }>;
  retrieveSubscription(tenant: string, id: string): Promise<StoredSubscription>;
  updateSubscription(
    tenant: string,
    id: string,
    body: unknown,
    context: JsonLdContext,
  ): Promise<void>;
  deleteSubscription(tenant: string, id: string): Promise<void>;
}

/** Tries of a PATCH that keeps meeting concurrent ones; each lost try means another won. */
const MAX_UPDATE_ATTEMPTS = 10;

export function createSubscriptionService(deps: SubscriptionServiceDeps): SubscriptionService {
  const { store, registry, contexts, clock, schemes, checkEndpoint } = deps;
  const endpointChecks = checkEndpoint === undefined ? { schemes } : { schemes, checkEndpoint };

  const notFound = (id: string) => resourceNotFound(`Subscription ${id} does not exist`, id);

  /** A jsonldContext must resolve (LdContextNotAvailable otherwise, subscriptions.md §3). */
  async function checkJsonLdContext(subscription: Subscription): Promise<void> {
    if (subscription.jsonldContext !== undefined)
      await contexts.resolve(subscription.jsonldContext);
  }

  return {
    now: clock,

    async createSubscription(tenant, body, context) {
      const subscription = parseSubscription(body, {
        context,
        now: clock(),
        ...endpointChecks,
        newId: () => `${SUBSCRIPTION_ID_PREFIX}${randomUUID()}`,
      });
      await checkJsonLdContext(subscription);
      const version = await store.createSubscription(tenant, subscription);
      registry.put(tenant, subscription, version);
      return subscription.id;
    },

    querySubscriptions(tenant, page) {
      return store.listSubscriptions(tenant, page);
    },

    async retrieveSubscription(tenant, id) {
      const stored = await store.getSubscription(tenant, id);
      if (stored === undefined) throw notFound(id);
      return stored;
    },

    async updateSubscription(tenant, id, body, context) {
      const now = clock();
      const patch = parseSubscriptionPatch(body, id, { context, now, ...endpointChecks });
      // Applied to the version read, stored only if it is still that one: a PATCH that
      // raced another is applied again on top of it, so neither undoes the other.
      for (let attempt = 1; ; attempt++) {
        const stored = await store.getSubscription(tenant, id);
        if (stored === undefined) throw notFound(id);
        const next = applySubscriptionPatch(stored.subscription, patch, now);
        if (next.jsonldContext !== stored.subscription.jsonldContext)
          await checkJsonLdContext(next);
        const outcome = await store.updateSubscription(tenant, next, stored.version);
        if (outcome === 'missing') throw notFound(id);
        if (outcome !== 'changed') {
          registry.put(tenant, next, outcome);
          return;
        }
        if (attempt >= MAX_UPDATE_ATTEMPTS)
          throw serviceUnavailable(
            `Subscription ${id} kept changing while this update was applied; retry it`,
          );
      }
    },

    async deleteSubscription(tenant, id) {
      if (!(await store.deleteSubscription(tenant, id))) throw notFound(id);
      registry.remove(tenant, id);
    },
  };
}
