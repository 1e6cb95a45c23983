import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonLdContext } from '../../ngsi-ld/context/json-ld-context.js';
import type { CompiledSubscription } from '../../ngsi-ld/subscription/compiled-subscription.js';
import { ctx, subscription, vehicle } from '../../ngsi-ld/subscription/subscription.fixtures.js';
import type { EntityChange } from '../ports/change-log.port.js';
import type { NewOutboxNotification } from '../ports/subscription-store.port.js';
import { createNotificationDispatcher } from './notification-dispatcher.js';
import type { NotificationOutbox } from './notification-outbox.js';
import type { SubscriptionRegistry } from './subscription-registry.js';

/** A registry whose candidates are the given subscriptions, their contexts resolved. */
function registryOf(subscriptions: CompiledSubscription[], context: JsonLdContext) {
  return {
    size: subscriptions.length,
    catchUp: async () => undefined,
    watchesTenant: () => true,
    candidates: () => new Set(subscriptions),
    resolvedContextOf: () => context,
    contextOf: async () => context,
    get: () => undefined,
  } as unknown as SubscriptionRegistry;
}

/** An outbox that records the data each notification was made with. */
function recordingOutbox() {
  const data: unknown[][] = [];
  const outbox: NotificationOutbox = {
    notificationRow(compiled, rowData) {
      data.push(rowData);
      return { subscriptionId: compiled.subscription.id } as NewOutboxNotification;
    },
    enqueue: async () => undefined,
  };
  return { outbox, data };
}

const change: EntityChange = {
  seq: 7,
  tenant: '',
  entityId: 'urn:ngsi-ld:Vehicle:1',
  at: '2026-01-01T00:00:00.000Z',
  previous: vehicle(10),
  current: vehicle(20),
};

describe('createNotificationDispatcher', () => {
  it('renders a change once for subscriptions that notify it alike, apart for others', async () => {
    const alike = [1, 2, 3].map(() =>
      subscription({ notification: { format: 'keyValues', endpoint: { uri: 'http://a/n' } } }),
    );
    const other = subscription({
      notification: { format: 'normalized', endpoint: { uri: 'http://a/n' } },
    });
    const { outbox, data } = recordingOutbox();
    const handle = createNotificationDispatcher({
      registry: registryOf([...alike, other], ctx),
      outbox,
      clock: () => new Date('2026-01-01T00:00:01.000Z'),
    });
    await handle([change]);
    assert.equal(data.length, 4);
    const [first, second, third, fourth] = data.map((rowData) => rowData[0]);
    assert.equal(first, second);
    assert.equal(second, third);
    assert.notEqual(fourth, first);
    assert.deepEqual(first, { id: 'urn:ngsi-ld:Vehicle:1', type: 'Vehicle', speed: 20 });
  });
});
