import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderSubscription } from './subscription-renderer.js';
import { retryDelayMs } from './retry-schedule.js';
import { fakeContext } from '../entity/entity.fixtures.js';
import { NOW, ctx, subscription } from './subscription.fixtures.js';

describe('renderSubscription (NGSI-LD 5.8.3, subscriptions.md §4)', () => {
  it('renderSubscription compacts names and shows status and delivery members', () => {
    const s = subscription({ watchedAttributes: ['speed'], q: 'speed>50' }).subscription;
    const out = renderSubscription(
      s,
      { status: 'failed', timesSent: 3, timesFailed: 1, lastFailure: '2026-01-01T00:00:01Z' },
      ctx,
      { now: NOW, sysAttrs: false },
    );
    assert.deepEqual(out['entities'], [{ type: 'Vehicle' }]);
    assert.deepEqual(out['watchedAttributes'], ['speed']);
    assert.equal(out['status'], 'active');
    assert.equal(out['isActive'], true);
    assert.deepEqual(out['notification'], {
      format: 'normalized',
      endpoint: { uri: 'http://127.0.0.1:9/notify', accept: 'application/json' },
      status: 'failed',
      timesSent: 3,
      timesFailed: 1,
      lastFailure: '2026-01-01T00:00:01Z',
    });
    assert.equal(out['createdAt'], undefined);
  });

  it('renderSubscription shows paused and expired subscriptions and sysAttrs on demand', () => {
    const paused = subscription({ isActive: false }).subscription;
    assert.equal(
      renderSubscription(paused, { timesSent: 0, timesFailed: 0 }, ctx, {
        now: NOW,
        sysAttrs: true,
      })['status'],
      'paused',
    );
    const expiring = subscription({ expiresAt: '2026-02-01T00:00:00Z' }).subscription;
    const later = new Date('2026-03-01T00:00:00Z');
    const out = renderSubscription(expiring, { timesSent: 0, timesFailed: 0 }, ctx, {
      now: later,
      sysAttrs: true,
    });
    assert.equal(out['status'], 'expired');
    assert.equal(out['createdAt'], NOW.toISOString());
  });
});

describe('renderSubscription type selections', () => {
  const VEHICLE = 'https://example.org/Vehicle';
  const BUS = 'https://example.org/Bus';
  const created = subscription(
    { entities: [{ type: '(Vehicle;Bus) | https://example.org/Bus,Car' }] },
    '',
    fakeContext({ Vehicle: VEHICLE, Bus: BUS }),
  ).subscription;
  const entitiesOf = (context: typeof ctx) =>
    renderSubscription(created, { timesSent: 0, timesFailed: 0 }, context, {
      now: NOW,
      sysAttrs: false,
    })['entities'];

  it('renderSubscription compacts each type name of an expression with the request context', () => {
    assert.deepEqual(entitiesOf(fakeContext({ Vehicle: VEHICLE, Bus: BUS })), [
      { type: '(Vehicle;Bus) | Bus,Car' },
    ]);
  });

  it('renderSubscription shows full IRIs for type names the request context lacks', () => {
    assert.deepEqual(entitiesOf(fakeContext({ Truck: VEHICLE })), [
      { type: `(Truck;${BUS}) | ${BUS},Car` },
    ]);
  });
});

describe('retryDelayMs', () => {
  const policy = { baseMs: 1000, maxMs: 60_000, maxAttempts: 5 };
  it('retryDelayMs doubles per attempt up to the cap, then gives up', () => {
    assert.equal(retryDelayMs(1, policy, 0.999999), 1000);
    assert.equal(retryDelayMs(2, policy, 0.999999), 2000);
    assert.equal(retryDelayMs(3, policy, 0), 2000);
    assert.equal(retryDelayMs(4, { ...policy, maxMs: 5000 }, 0.999999), 5000);
    assert.equal(retryDelayMs(5, policy, 0.5), undefined);
  });

  it('retryDelayMs waits at least the cooldown', () => {
    assert.equal(retryDelayMs(1, policy, 0, 30_000), 30_000);
  });

  it('retryDelayMs is always whole milliseconds', () => {
    assert.equal(retryDelayMs(1, { ...policy, baseMs: 3 }, 0.123), 2);
    assert.equal(retryDelayMs(1, policy, 0, 1500.25), 1501);
  });
});
