/**
 * Subscriptions of one Civis instance, assembled: the service behind the routes, the
 * in-memory registry, and — between `start` and `stop` — the notification pipeline: the
 * `notifications` consumer of the change bus, delivery, and a tick (every
 * `pollIntervalMs`) that picks up subscriptions other instances changed, claims due and
 * orphaned outbox rows, sends periodic notifications and purges old settled rows.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { RetryPolicy } from '../../ngsi-ld/subscription/retry-schedule.js';
import { subscriptionStatus } from '../../ngsi-ld/subscription/subscription.js';
import type { ChangeBus, ChangeConsumer } from '../ports/change-bus.port.js';
import type { EntityStore } from '../ports/entity-store.port.js';
import type { NotificationSender } from '../ports/notification-sender.port.js';
import type { SubscriptionStore } from '../ports/subscription-store.port.js';
import { createNotificationDelivery, type DeliverySettings } from './notification-delivery.js';
import { createNotificationDispatcher } from './notification-dispatcher.js';
import { createNotificationOutbox } from './notification-outbox.js';
import { createPeriodicNotifier } from './periodic-notifier.js';
import { createSubscriptionRegistry, type ContextResolver } from './subscription-registry.js';
import { createSubscriptionService, type SubscriptionService } from './subscription.service.js';

/** Settled outbox rows removed per statement, and statements per tick at most. */
const PURGE_CHUNK = 2_000;
const PURGE_CHUNKS_PER_TICK = 20;

/** The change-bus consumer group of notifications. */
export const NOTIFICATIONS_GROUP = 'notifications';
/**
 * Changes handled together, their notifications written to the outbox together: under
 * load the changes that arrive while one batch commits share the next one.
 */
const NOTIFICATION_BATCH = 64;

export interface NotificationSettings extends DeliverySettings {
  /** How often the tick runs. */
  pollIntervalMs: number;
  /** Settled outbox rows are kept this long (duplicate changes within it notify once). */
  settledRetentionMs: number;
  /** Most entities in one periodic notification. */
  periodicMaxEntities: number;
}

export interface NotificationSettingsInput {
  timeoutMs: number;
  maxAttempts: number;
  concurrencyPerEndpoint: number;
  retryBaseMs: number;
}

/** The settings of main and tests; what is not configurable has its value here. */
export function notificationSettings(
  input: NotificationSettingsInput,
  overrides: Partial<NotificationSettings> = {},
): NotificationSettings {
  const retry: RetryPolicy = {
    baseMs: input.retryBaseMs,
    maxMs: Math.max(input.retryBaseMs, 5 * 60_000),
    maxAttempts: input.maxAttempts,
  };
  return {
    timeoutMs: input.timeoutMs,
    concurrencyPerEndpoint: input.concurrencyPerEndpoint,
    // A burst of a few seconds at 5,000 notifications/s to one receiver stays in memory
    // (about 1.5 KB a row); a receiver further behind gets the rest from the outbox (at the
    // next poll, 1 s), each row then costing two more writes and a read.
    maxQueuedPerEndpoint: Math.max(20_000, 50 * input.concurrencyPerEndpoint),
    maxHeld: Math.max(50_000, 100 * input.concurrencyPerEndpoint),
    overflowDelayMs: 1_000,
    retry,
    leaseMs: Math.max(30_000, 3 * input.timeoutMs),
    flushMs: 20,
    claimBatch: 500,
    pollIntervalMs: 1_000,
    // Long enough to cover a change bus redelivering (JetStream's ack wait is 30 s).
    settledRetentionMs: 2 * 60_000,
    periodicMaxEntities: 1_000,
    ...overrides,
  };
}

export interface SubscriptionRuntimeDeps {
  store: SubscriptionStore;
  entityStore: Pick<EntityStore, 'queryEntities'>;
  contexts: ContextResolver;
  changeBus: ChangeBus;
  senders: readonly NotificationSender[];
  clock: () => Date;
  log: Pick<Logger, 'warn' | 'debug' | 'info'>;
  settings: NotificationSettings;
}

export interface SubscriptionRuntime {
  service: SubscriptionService;
  /** Loads the subscriptions and starts notifying. */
  start(): Promise<void>;
  /** Resolves once every notification made so far has been sent and its outcome written. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export function createSubscriptionRuntime(deps: SubscriptionRuntimeDeps): SubscriptionRuntime {
  const { store, clock, log, settings } = deps;
  const owner = randomUUID();
  const registry = createSubscriptionRegistry({ store, contexts: deps.contexts, clock, log });
  const senderOf = new Map<string, NotificationSender>();
  for (const sender of deps.senders)
    for (const scheme of sender.schemes) senderOf.set(scheme, sender);
  const service = createSubscriptionService({
    store,
    registry,
    contexts: deps.contexts,
    clock,
    schemes: [...senderOf.keys()],
    checkEndpoint: (endpoint) =>
      senderOf
        .get(endpoint.uri.slice(0, endpoint.uri.indexOf(':')).toLowerCase())
        ?.validate?.(endpoint),
  });
  const delivery = createNotificationDelivery({
    store,
    senders: deps.senders,
    clock,
    log,
    owner,
    settings,
    endpointOf(tenant, id) {
      const subscription = registry.get(tenant, id)?.subscription;
      if (subscription === undefined || subscriptionStatus(subscription, clock()) !== 'active')
        return undefined;
      return subscription.notification.endpoint;
    },
  });
  const outbox = createNotificationOutbox({
    store,
    delivery,
    owner,
    leaseMs: settings.leaseMs,
    clock,
  });
  const periodic = createPeriodicNotifier({
    registry,
    outbox,
    entityStore: deps.entityStore,
    clock,
    log,
    maxEntities: settings.periodicMaxEntities,
  });
  let consumer: ChangeConsumer | undefined;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;
  let lastPurge = 0;
  let stopped = false;

  /** In chunks with pauses between them: a long DELETE would stall SQLite's writers. */
  async function purge(before: number): Promise<void> {
    for (let chunk = 0; chunk < PURGE_CHUNKS_PER_TICK && !stopped; chunk++) {
      if ((await store.purgeSettled(before, PURGE_CHUNK)) < PURGE_CHUNK) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
    lastPurge = 0;
  }

  async function tick(): Promise<void> {
    try {
      await registry.refresh();
      await delivery.poll();
      await periodic.tick();
      const now = clock().getTime();
      if (now - lastPurge >= settings.settledRetentionMs / 10) {
        lastPurge = now;
        await purge(now - settings.settledRetentionMs);
      }
    } catch (error) {
      log.warn({ err: error }, 'The notification tick failed; trying again at the next one');
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      ticking = tick().finally(() => {
        ticking = undefined;
        schedule();
      });
    }, settings.pollIntervalMs);
    timer.unref();
  }

  return {
    service,
    async start() {
      await registry.refresh();
      consumer = await deps.changeBus.consumeBatches(
        NOTIFICATIONS_GROUP,
        createNotificationDispatcher({ registry, outbox, clock }),
        { maxBatch: NOTIFICATION_BATCH },
      );
      ticking = tick().finally(() => {
        ticking = undefined;
      });
      schedule();
      log.info({ subscriptions: registry.size }, 'Subscription notifications started');
    },
    async idle() {
      await ticking;
      await delivery.idle();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      await consumer?.stop();
      await ticking;
      await delivery.stop();
    },
  };
}
