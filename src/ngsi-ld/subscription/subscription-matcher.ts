/**
 * Whether an entity change notifies a subscription (NGSI-LD 5.8.x, subscriptions.md §6):
 * the subscription is active, selects the entity, one of its triggers fired on a watched
 * attribute, and q, geoQ and scopeQ hold on the entity (after the change; for a deletion,
 * its last state). Throttling is the notifier's concern: it needs the last send time.
 */
import type { EntityChangeEvents } from '../change/entity-change-events.js';
import type { Entity } from '../model.js';
import { compileIdPattern } from '../query/id-pattern.js';
import { matchesEntityQuery } from '../query/entity-filter.js';
import { matchesTypeSelector } from '../query/type-selector.js';
import type { CompiledSubscription } from './compiled-subscription.js';
import { subscriptionStatus } from './subscription.js';

export function shouldNotify(
  compiled: CompiledSubscription,
  events: EntityChangeEvents,
  entity: Entity,
  now: Date,
): boolean {
  return (
    subscriptionStatus(compiled.subscription, now) === 'active' &&
    selectsEntity(compiled, entity) &&
    firesOn(compiled, events) &&
    (compiled.filter === undefined || matchesEntityQuery(entity, compiled.filter))
  );
}

/** At least one entity selector matches; no `entities` selects every entity. */
export function selectsEntity(compiled: CompiledSubscription, entity: Entity): boolean {
  const { selectors } = compiled;
  if (selectors === undefined) return true;
  return selectors.some(
    (selector) =>
      (selector.types === undefined || matchesTypeSelector(entity.type, selector.types)) &&
      (selector.id === undefined || selector.id === entity.id) &&
      (selector.idPattern === undefined || compileIdPattern(selector.idPattern)(entity.id)),
  );
}

/**
 * A trigger of the subscription fired on a watched attribute. `entityCreated` and
 * `entityDeleted` fire on those events; `entityUpdated` on any change of an existing
 * entity (it stands for the three attribute triggers, subscriptions.md §2); attribute
 * triggers on an instance change of that kind. With watchedAttributes, the change must
 * touch one of them.
 */
export function firesOn(compiled: CompiledSubscription, events: EntityChangeEvents): boolean {
  const { watched } = compiled;
  const touchesWatched =
    watched === undefined || events.attributes.some((change) => watched.has(change.attr));
  for (const trigger of compiled.triggers) {
    if (trigger === 'entityCreated' || trigger === 'entityDeleted' || trigger === 'entityUpdated') {
      if (events.entity === trigger && touchesWatched) return true;
    } else if (
      events.attributes.some(
        (change) =>
          change.trigger === trigger && (watched === undefined || watched.has(change.attr)),
      )
    )
      return true;
  }
  return false;
}
