import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeEntityChange } from '../change/entity-change-events.js';
import type { Entity } from '../model.js';
import { subscriptionStatus } from './subscription.js';
import { shouldNotify } from './subscription-matcher.js';
import { NOW, subscription, vehicle } from './subscription.fixtures.js';

function notifies(
  members: Record<string, unknown>,
  previous: Entity | null,
  current: Entity | null,
): boolean {
  const events = describeEntityChange(previous, current);
  return shouldNotify(subscription(members), events, (current ?? previous) as Entity, NOW);
}

describe('shouldNotify (NGSI-LD 5.8, subscriptions.md §6)', () => {
  it('shouldNotify fires on entity creation and update with the default triggers', () => {
    assert.equal(notifies({}, null, vehicle(10)), true);
    assert.equal(notifies({}, vehicle(10), vehicle(20)), true);
  });

  it('shouldNotify stays silent on deletions with the default triggers', () => {
    assert.equal(notifies({}, vehicle(10), null), false);
    assert.equal(notifies({}, vehicle(10, { power: 1 }), vehicle(10)), false);
  });

  it('shouldNotify fires on deletions when entityDeleted or attributeDeleted is asked', () => {
    assert.equal(notifies({ notificationTrigger: ['entityDeleted'] }, vehicle(10), null), true);
    assert.equal(
      notifies(
        { notificationTrigger: ['attributeDeleted'] },
        vehicle(10, { power: 1 }),
        vehicle(10),
      ),
      true,
    );
  });

  it('shouldNotify ignores a rewrite that changes nothing', () => {
    assert.equal(notifies({}, vehicle(10), vehicle(10)), false);
  });

  it('shouldNotify with entityUpdated fires on updates, not on creation', () => {
    assert.equal(
      notifies({ notificationTrigger: ['entityUpdated'] }, vehicle(10), vehicle(11)),
      true,
    );
    assert.equal(notifies({ notificationTrigger: ['entityUpdated'] }, null, vehicle(11)), false);
    assert.equal(notifies({ notificationTrigger: ['entityCreated'] }, null, vehicle(11)), true);
  });

  it('shouldNotify needs a watched attribute among the changed ones', () => {
    assert.equal(
      notifies(
        { watchedAttributes: ['power'] },
        vehicle(10, { power: 1 }),
        vehicle(11, { power: 1 }),
      ),
      false,
    );
    assert.equal(
      notifies({ watchedAttributes: ['power', 'speed'] }, vehicle(10), vehicle(11)),
      true,
    );
  });

  it('shouldNotify applies q on the state after the change', () => {
    assert.equal(notifies({ q: 'speed>50' }, vehicle(10), vehicle(60)), true);
    assert.equal(notifies({ q: 'speed>50' }, vehicle(60), vehicle(10)), false);
  });

  it('shouldNotify selects entities by type, id and idPattern', () => {
    const other = { ...vehicle(1), type: ['https://example.org/Bus'] };
    assert.equal(notifies({}, null, other), false);
    assert.equal(
      notifies({ entities: [{ type: 'Vehicle', id: 'urn:ngsi-ld:Vehicle:2' }] }, null, vehicle(1)),
      false,
    );
    assert.equal(
      notifies({ entities: [{ type: 'Vehicle', idPattern: 'Vehicle:1$' }] }, null, vehicle(1)),
      true,
    );
    assert.equal(
      notifies({ entities: undefined, watchedAttributes: ['speed'] }, null, other),
      true,
    );
  });

  it('shouldNotify stays silent for paused and expired subscriptions', () => {
    assert.equal(notifies({ isActive: false }, null, vehicle(1)), false);
    const expiring = subscription({ expiresAt: '2026-06-01T00:00:00Z' });
    assert.equal(
      subscriptionStatus(expiring.subscription, new Date('2026-07-01T00:00:00Z')),
      'expired',
    );
    assert.equal(
      shouldNotify(
        expiring,
        describeEntityChange(null, vehicle(1)),
        vehicle(1),
        new Date('2026-07-01T00:00:00Z'),
      ),
      false,
    );
  });
});
