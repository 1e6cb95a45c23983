import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeEntityChange } from '../change/entity-change-events.js';
import type { Entity } from '../model.js';
import { renderChangedEntity, renderCurrentEntity } from './notified-entity.js';
import { buildNotification } from './notification-message.js';
import { ctx, subscription, vehicle } from './subscription.fixtures.js';

const AT = '2026-01-01T10:00:00.000Z';

function render(members: Record<string, unknown>, previous: Entity | null, current: Entity | null) {
  return renderChangedEntity(
    subscription(members),
    { previous, current, at: AT, events: describeEntityChange(previous, current) },
    ctx,
  );
}

describe('Notification data (subscriptions.md §7)', () => {
  it('the whole entity is notified, not only the changed attribute', () => {
    assert.deepEqual(render({}, vehicle(1, { power: 5 }), vehicle(2, { power: 5 })), {
      id: 'urn:ngsi-ld:Vehicle:1',
      type: 'Vehicle',
      speed: { type: 'Property', value: 2 },
      power: { type: 'Property', value: 5 },
    });
  });

  it('notification.attributes, pick and omit restrict the attributes', () => {
    const n = (notification: Record<string, unknown>) =>
      render(
        { notification: { ...notification, endpoint: { uri: 'http://a.example' } } },
        null,
        vehicle(1, { power: 5 }),
      );
    assert.deepEqual(Object.keys(n({ attributes: ['power'] })), ['id', 'type', 'power']);
    assert.deepEqual(Object.keys(n({ pick: ['id', 'speed'] })), ['id', 'speed']);
    assert.deepEqual(Object.keys(n({ omit: ['speed'] })), ['id', 'type', 'power']);
  });

  it('keyValues and concise formats are honoured', () => {
    const kv = render(
      { notification: { format: 'keyValues', endpoint: { uri: 'http://a.example' } } },
      null,
      vehicle(3),
    );
    assert.deepEqual(kv, { id: 'urn:ngsi-ld:Vehicle:1', type: 'Vehicle', speed: 3 });
    const concise = render(
      { notification: { format: 'concise', endpoint: { uri: 'http://a.example' } } },
      null,
      vehicle(3),
    );
    assert.equal(concise['speed'], 3);
  });

  it('showChanges adds previousValue to updated attributes only', () => {
    const out = render(
      { notification: { showChanges: true, endpoint: { uri: 'http://a.example' } } },
      vehicle(1, { power: 5 }),
      vehicle(2, { power: 5 }),
    );
    assert.deepEqual(out['speed'], { type: 'Property', value: 2, previousValue: 1 });
    assert.deepEqual(out['power'], { type: 'Property', value: 5 });
  });

  it('showChanges in concise keeps an object with value and previousValue', () => {
    const out = render(
      {
        notification: {
          format: 'concise',
          showChanges: true,
          endpoint: { uri: 'http://a.example' },
        },
      },
      vehicle(1),
      vehicle(2),
    );
    assert.deepEqual(out['speed'], { value: 2, previousValue: 1 });
  });

  it('a deleted attribute is the NGSI-LD Null for subscriptions asking for deletions', () => {
    const out = render(
      { notificationTrigger: ['attributeDeleted'] },
      vehicle(1, { power: 5 }),
      vehicle(1),
    );
    assert.equal(out['power'], 'urn:ngsi-ld:null');
    const detailed = render(
      {
        notificationTrigger: ['attributeDeleted'],
        notification: { sysAttrs: true, showChanges: true, endpoint: { uri: 'http://a.example' } },
      },
      vehicle(1, { power: 5 }),
      vehicle(1),
    );
    assert.deepEqual(detailed['power'], {
      type: 'Property',
      value: 'urn:ngsi-ld:null',
      deletedAt: AT,
      previousValue: 5,
    });
    const silent = render({}, vehicle(1, { power: 5 }), vehicle(2));
    assert.equal(silent['power'], undefined);
  });

  it('a deleted entity is {id, type, deletedAt}', () => {
    assert.deepEqual(render({ notificationTrigger: ['entityDeleted'] }, vehicle(1), null), {
      id: 'urn:ngsi-ld:Vehicle:1',
      type: 'Vehicle',
      deletedAt: AT,
    });
  });

  it('geo+json endpoints get GeoJSON Features', () => {
    const out = renderCurrentEntity(
      subscription({
        notification: { endpoint: { uri: 'http://a.example', accept: 'application/geo+json' } },
      }),
      vehicle(1),
      ctx,
    );
    assert.equal(out['type'], 'Feature');
    assert.equal(out['geometry'], null);
  });
});

describe('buildNotification (NGSI-LD 5.2.13, subscriptions.md §7–§8)', () => {
  it('buildNotification carries the Link header for application/json and the tenant', () => {
    const s = subscription({}, 'valencia');
    const n = buildNotification({
      tenant: 'valencia',
      subscription: s.subscription,
      data: [{ id: 'urn:a:1' }],
      context: ctx,
      uniqueId: 'u1',
      notifiedAt: AT,
    });
    assert.equal(n.contentType, 'application/json');
    assert.deepEqual(JSON.parse(n.body), {
      id: 'urn:ngsi-ld:Notification:u1',
      type: 'Notification',
      subscriptionId: s.subscription.id,
      notifiedAt: AT,
      data: [{ id: 'urn:a:1' }],
    });
    assert.match(
      n.headers['Link'] ?? '',
      /^<https:\/\/uri\.etsi\.org\/.*>; rel="http:\/\/www\.w3\.org\/ns\/json-ld#context"/,
    );
    assert.equal(n.headers['NGSILD-Tenant'], 'valencia');
  });

  it('buildNotification puts @context in the body for application/ld+json', () => {
    const s = subscription({
      notification: { endpoint: { uri: 'http://a.example', accept: 'application/ld+json' } },
    });
    const n = buildNotification({
      tenant: '',
      subscription: s.subscription,
      data: [],
      context: ctx,
      uniqueId: 'u',
      notifiedAt: AT,
    });
    assert.equal(JSON.parse(n.body)['@context'], ctx.bodyContext);
    assert.deepEqual(n.headers, {});
  });
});
