/**
 * The consumer of the change bus (group `notifications`): for each committed entity change
 * it asks the index for the subscriptions that could care, runs the exact test
 * (shouldNotify) and throttling on those only, renders one Notification per subscription
 * (the entity once for all the subscriptions that render it alike),
 * writes the notifications of a batch of changes to the outbox (in a few transactions) and
 * hands them to delivery straight from memory. The changes are settled (the handler
 * resolves) only once the outbox rows are committed; a change delivered twice produces its
 * notifications once (the outbox is unique per subscription and change seq).
 */
import { randomUUID } from 'node:crypto';
import { describeEntityChange } from '../../ngsi-ld/change/entity-change-events.js';
import type { CompiledSubscription } from '../../ngsi-ld/subscription/compiled-subscription.js';
import {
  renderChangedEntity,
  type ChangeToNotify,
} from '../../ngsi-ld/subscription/notified-entity.js';
import type { JsonLdContext } from '../../ngsi-ld/context/json-ld-context.js';
import { shouldNotify } from '../../ngsi-ld/subscription/subscription-matcher.js';
import type { EntityChange } from '../ports/change-log.port.js';
import type { NewOutboxNotification } from '../ports/subscription-store.port.js';
import type { NotificationOutbox } from './notification-outbox.js';
import type { SubscriptionRegistry } from './subscription-registry.js';

/**
 * What rendering a change for a subscription depends on besides the change and the
 * @context: subscriptions that agree on it share one rendering (ten subscriptions of one
 * entity, alike but for their endpoints, render it once).
 */
const renderKeys = new WeakMap<CompiledSubscription, string>();

function renderKeyOf(compiled: CompiledSubscription): string {
  let key = renderKeys.get(compiled);
  if (key === undefined) {
    const { showChanges, endpoint } = compiled.subscription.notification;
    key = JSON.stringify([compiled.render, showChanges, compiled.showsDeletions, endpoint.accept]);
    renderKeys.set(compiled, key);
  }
  return key;
}

/** The renderings of one change, each made once per render key and @context. */
function renderingsOf(change: ChangeToNotify) {
  const made = new Map<string, Array<{ context: JsonLdContext; data: unknown }>>();
  return {
    of(compiled: CompiledSubscription, context: JsonLdContext): unknown {
      const key = renderKeyOf(compiled);
      let alike = made.get(key);
      if (alike === undefined) made.set(key, (alike = []));
      const found = alike.find((rendering) => rendering.context === context);
      if (found !== undefined) return found.data;
      const data = renderChangedEntity(compiled, change, context);
      alike.push({ context, data });
      return data;
    },
  };
}

export interface NotificationDispatcherDeps {
  registry: SubscriptionRegistry;
  outbox: NotificationOutbox;
  clock: () => Date;
}

export function createNotificationDispatcher(
  deps: NotificationDispatcherDeps,
): (changes: readonly EntityChange[]) => Promise<void> {
  const { registry, outbox, clock } = deps;
  /**
   * Last notification time of each throttled subscription (subscriptions.md §6.5), kept in
   * memory: after a restart or on another instance a throttled subscription may notify once
   * early, never miss a change it should notify.
   */
  const lastSent = new Map<string, number>();

  const throttleKey = (compiled: CompiledSubscription) =>
    `${compiled.tenant} ${compiled.subscription.id}`;

  function throttled(compiled: CompiledSubscription, now: number): boolean {
    const seconds = compiled.subscription.throttling;
    if (seconds === undefined) return false;
    const last = lastSent.get(throttleKey(compiled));
    return last !== undefined && now - last < seconds * 1000;
  }

  /** The notifications one change makes; `sending` collects throttled subscriptions. */
  async function notificationsOf(
    change: EntityChange,
    now: Date,
    sending: Map<string, CompiledSubscription>,
  ): Promise<NewOutboxNotification[]> {
    // A subscription written on another instance just before this change must be known.
    await registry.catchUp(change.subscriptionsVersion);
    const entity = change.current ?? change.previous;
    if (entity === null || !registry.watchesTenant(change.tenant)) return [];
    const events = describeEntityChange(change.previous, change.current);
    if (events.triggers.size === 0) return [];
    const types = new Set([...(change.previous?.type ?? []), ...(change.current?.type ?? [])]);
    const candidates = registry.candidates(
      change.tenant,
      change.entityId,
      types,
      events.changedAttributes,
    );
    if (candidates.size === 0) return [];
    const nowMs = now.getTime();
    const rows: NewOutboxNotification[] = [];
    const rendered = renderingsOf({
      previous: change.previous,
      current: change.current,
      at: change.at,
      events,
    });
    for (const compiled of candidates) {
      // Filters test the state after the change, or the last one of a deleted entity.
      if (!shouldNotify(compiled, events, entity, now)) continue;
      if (compiled.subscription.throttling !== undefined) {
        // An earlier change of the same batch counts as sent.
        if (sending.has(throttleKey(compiled)) || throttled(compiled, nowMs)) continue;
        sending.set(throttleKey(compiled), compiled);
      }
      const context = registry.resolvedContextOf(compiled) ?? (await registry.contextOf(compiled));
      const data = [rendered.of(compiled, context)];
      rows.push(
        outbox.notificationRow(compiled, data, context, {
          eventKey: `c${change.seq}`,
          uniqueId: randomUUID(),
          now,
        }),
      );
    }
    return rows;
  }

  return async function handleChanges(changes) {
    const now = clock();
    const sending = new Map<string, CompiledSubscription>();
    const rows: NewOutboxNotification[] = [];
    for (const change of changes) rows.push(...(await notificationsOf(change, now, sending)));
    if (lastSent.size > registry.size + 100) forgetDeleted();
    await outbox.enqueue(rows);
    // Only once written: a change handled again after a failure is not throttled by itself.
    for (const key of sending.keys()) lastSent.set(key, now.getTime());
  };

  function forgetDeleted(): void {
    for (const key of lastSent.keys()) {
      const space = key.indexOf(' ');
      if (registry.get(key.slice(0, space), key.slice(space + 1)) === undefined)
        lastSent.delete(key);
    }
  }
}
