/**
 * Periodic notifications (timeInterval, subscriptions.md §6): every `timeInterval` seconds
 * one notification with every entity the subscription currently selects, nothing when none
 * does. Periods are aligned on the epoch, so every instance computes the same period
 * number and the outbox (unique per subscription and `p<period>`) keeps one notification
 * per period whichever instances run this. A subscription's first period is the one after
 * it was first seen: no initial notification.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Entity } from '../../ngsi-ld/model.js';
import {
  periodicQueries,
  type CompiledSubscription,
} from '../../ngsi-ld/subscription/compiled-subscription.js';
import { renderCurrentEntity } from '../../ngsi-ld/subscription/notified-entity.js';
import { subscriptionStatus } from '../../ngsi-ld/subscription/subscription.js';
import type { EntityStore } from '../ports/entity-store.port.js';
import type { NewOutboxNotification } from '../ports/subscription-store.port.js';
import type { NotificationOutbox } from './notification-outbox.js';
import type { SubscriptionRegistry } from './subscription-registry.js';

export interface PeriodicNotifier {
  /** Sends what is due now; call it about once a second. */
  tick(): Promise<void>;
}

export function createPeriodicNotifier(deps: {
  registry: SubscriptionRegistry;
  outbox: NotificationOutbox;
  entityStore: Pick<EntityStore, 'queryEntities'>;
  clock: () => Date;
  log: Pick<Logger, 'warn'>;
  /** Most entities in one periodic notification. */
  maxEntities: number;
}): PeriodicNotifier {
  const lastPeriod = new Map<CompiledSubscription, number>();

  async function entitiesOf(compiled: CompiledSubscription): Promise<Entity[]> {
    const found = new Map<string, Entity>();
    for (const query of periodicQueries(compiled, deps.maxEntities)) {
      const page = await deps.entityStore.queryEntities(compiled.tenant, query);
      for (const entity of page.entities) {
        if (found.size >= deps.maxEntities) break;
        found.set(entity.id, entity);
      }
    }
    return [...found.values()];
  }

  return {
    async tick() {
      const now = deps.clock();
      const rows: NewOutboxNotification[] = [];
      const current = new Set(deps.registry.periodic());
      for (const compiled of current) {
        const intervalMs = (compiled.subscription.timeInterval ?? 0) * 1000;
        if (intervalMs <= 0 || subscriptionStatus(compiled.subscription, now) !== 'active')
          continue;
        const period = Math.floor(now.getTime() / intervalMs);
        const last = lastPeriod.get(compiled);
        lastPeriod.set(compiled, period);
        if (last === undefined || last === period) continue;
        try {
          const entities = await entitiesOf(compiled);
          if (entities.length === 0) continue;
          const context = await deps.registry.contextOf(compiled);
          rows.push(
            deps.outbox.notificationRow(
              compiled,
              entities.map((entity) => renderCurrentEntity(compiled, entity, context)),
              context,
              { eventKey: `p${period}`, uniqueId: randomUUID(), now },
            ),
          );
        } catch (error) {
          deps.log.warn(
            { err: error, id: compiled.subscription.id },
            'A periodic notification failed',
          );
        }
      }
      for (const compiled of lastPeriod.keys())
        if (!current.has(compiled)) lastPeriod.delete(compiled);
      await deps.outbox.enqueue(rows);
    },
  };
}
