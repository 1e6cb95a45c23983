import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SubscriptionEndpoint } from '../../ngsi-ld/subscription/subscription.js';
import type {
  DeliveryOutcome,
  NotificationEndpoint,
  NotificationSender,
} from '../ports/notification-sender.port.js';
import type {
  DeliveryReport,
  OutboxNotification,
  SubscriptionStore,
} from '../ports/subscription-store.port.js';
import { createNotificationDelivery } from './notification-delivery.js';

/** The outbox writes delivery makes; any other store call fails the test. */
function fakeStore() {
  const writes = {
    settled: [] as number[],
    rescheduled: [] as Array<{ key: number; attempts: number; dueAt: number }>,
    reports: [] as DeliveryReport[],
  };
  const store = {
    async settleNotifications(keys: readonly number[]) {
      writes.settled.push(...keys);
    },
    async rescheduleNotifications(rows: typeof writes.rescheduled) {
      writes.rescheduled.push(...rows);
    },
    async recordDeliveries(reports: readonly DeliveryReport[]) {
      writes.reports.push(...reports);
    },
  };
  const strict = new Proxy(store, {
    get(target, name) {
      if (name in target) return target[name as keyof typeof target];
      throw new Error(`unexpected store call ${String(name)}`);
    },
  }) as unknown as SubscriptionStore;
  return { store: strict, writes };
}

function sender(answer: (endpoint: NotificationEndpoint) => Promise<DeliveryOutcome>) {
  const sent: Array<{ endpoint: NotificationEndpoint; timeoutMs: number }> = [];
  const result: NotificationSender = {
    schemes: ['http'],
    async send(endpoint, _message, { timeoutMs }) {
      sent.push({ endpoint, timeoutMs });
      return answer(endpoint);
    },
    async close() {},
  };
  return { sender: result, sent };
}

/** A sender whose sends all wait until `release()`, then succeed. */
function heldSender() {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  return { ...sender(async () => (await held, { ok: true })), release: () => release() };
}

const SLOW: SubscriptionEndpoint = { uri: 'http://slow.example/n', accept: 'application/json' };

function row(key: number, uri = 'http://stale.example/n'): OutboxNotification {
  return {
    key,
    attempts: 0,
    tenant: '',
    subscriptionId: 'urn:ngsi-ld:Subscription:1',
    eventKey: `c${key}`,
    endpoint: { uri },
    message: {
      tenant: '',
      subscriptionId: 'urn:ngsi-ld:Subscription:1',
      body: '{}',
      contentType: 'application/json',
      headers: {},
    },
    dueAt: 0,
  };
}

const settings = {
  timeoutMs: 1_000,
  concurrencyPerEndpoint: 1,
  maxQueuedPerEndpoint: 10,
  maxHeld: 1_000,
  overflowDelayMs: 1_000,
  retry: { baseMs: 10, maxMs: 100, maxAttempts: 3 },
  leaseMs: 30_000,
  flushMs: 1,
  claimBatch: 10,
};

function delivery(
  deps: {
    store: SubscriptionStore;
    sender: NotificationSender;
    endpointOf: (tenant: string, id: string) => SubscriptionEndpoint | undefined;
    settings?: Partial<typeof settings>;
  },
  log: { warn(...args: unknown[]): void; debug(): void } = {
    warn: () => undefined,
    debug: () => undefined,
  },
) {
  return createNotificationDelivery({
    store: deps.store,
    senders: [deps.sender],
    clock: () => new Date(),
    random: () => 0.5,
    log,
    owner: 'test',
    settings: { ...settings, ...deps.settings },
    endpointOf: deps.endpointOf,
  });
}

describe('createNotificationDelivery', () => {
  it('claims a backlog batch after batch in one poll', async () => {
    const { store, writes } = fakeStore();
    const due = Array.from({ length: 25 }, (_, i) => row(i + 1));
    const batches: number[] = [];
    const claiming = new Proxy(store, {
      get(target, name) {
        if (name === 'claimNotifications')
          return async (_lease: unknown, _now: number, limit: number) => {
            batches.push(limit);
            return due.splice(0, limit);
          };
        return target[name as keyof SubscriptionStore];
      },
    });
    const s = sender(async () => ({ ok: true }));
    const endpoint: SubscriptionEndpoint = {
      uri: 'http://fast.example/n',
      accept: 'application/json',
    };
    const d = delivery({
      store: claiming,
      sender: s.sender,
      endpointOf: () => endpoint,
      settings: { maxQueuedPerEndpoint: 100 },
    });
    await d.poll();
    assert.deepEqual(batches, [10, 10, 10]);
    await d.idle();
    assert.equal(writes.settled.length, 25);
    await d.stop();
  });

  it('claims no more rows than memory may hold', async () => {
    const { store } = fakeStore();
    const limits: number[] = [];
    let next = 100;
    const claiming = new Proxy(store, {
      get(target, name) {
        if (name === 'claimNotifications')
          return async (_lease: unknown, _now: number, limit: number) => {
            limits.push(limit);
            return Array.from({ length: limit }, () => row(next++, 'http://other.example/n'));
          };
        if (name === 'renewLeases') return async () => undefined;
        return target[name as keyof SubscriptionStore];
      },
    });
    const { release, ...s } = heldSender();
    const d = delivery({
      store: claiming,
      sender: s.sender,
      endpointOf: () => SLOW,
      settings: { maxQueuedPerEndpoint: 100, maxHeld: 25 },
    });
    d.accept(Array.from({ length: 7 }, (_, i) => row(i + 1)));
    await d.poll();
    // 7 held: room for 18, claimed 10 then 8; a full memory claims nothing.
    assert.deepEqual(limits, [10, 8]);
    await d.poll();
    assert.deepEqual(limits, [10, 8]);
    release();
    await d.idle();
    await d.stop();
  });

  it('sends a row accepted before its insert committed at once, and writes its outcome after the commit', async () => {
    const { store, writes } = fakeStore();
    const s = sender(async () => ({ ok: true }));
    const endpoint: SubscriptionEndpoint = {
      uri: 'http://fast.example/n',
      accept: 'application/json',
    };
    const d = delivery({ store, sender: s.sender, endpointOf: () => endpoint });
    let commit: () => void = () => undefined;
    const committed = new Promise<void>((resolve) => (commit = resolve));
    d.accept([row(1)], committed);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(s.sent.length, 1);
    await d.flush();
    assert.equal(writes.settled.length + writes.reports.length, 0);
    commit();
    await d.idle();
    assert.deepEqual(writes.settled, [1]);
    assert.equal(writes.reports[0]?.sent, 1);
    await d.stop();
  });

  it('writes nothing about rows whose insert failed to commit', async () => {
    const { store, writes } = fakeStore();
    const { release, ...s } = heldSender();
    const d = delivery({ store, sender: s.sender, endpointOf: () => SLOW });
    const failed = Promise.reject(new Error('commit failed'));
    failed.catch(() => undefined);
    // One in flight, ten queued, one beyond the queue (sent back to the outbox, were it there).
    d.accept(
      Array.from({ length: 12 }, (_, i) => row(i + 1)),
      failed,
    );
    release();
    await d.idle();
    assert.equal(s.sent.length, 11);
    assert.deepEqual(writes, { settled: [], rescheduled: [], reports: [] });
    await d.stop();
  });

  it('sends rows beyond a full endpoint queue back to the outbox for the next poll', async () => {
    const { store, writes } = fakeStore();
    const { release, ...s } = heldSender();
    const d = delivery({ store, sender: s.sender, endpointOf: () => SLOW });
    const before = Date.now();
    // One in flight (concurrency 1), ten waiting (the queue's bound), two beyond it.
    d.accept(Array.from({ length: 13 }, (_, i) => row(i + 1)));
    await d.flush();
    assert.deepEqual(
      writes.rescheduled.map((r) => [r.key, r.attempts]),
      [
        [12, 0],
        [13, 0],
      ],
    );
    for (const r of writes.rescheduled) {
      assert.ok(r.dueAt >= before + settings.overflowDelayMs);
      assert.ok(r.dueAt <= Date.now() + settings.overflowDelayMs);
    }
    release();
    await d.idle();
    assert.equal(writes.settled.length, 11);
    await d.stop();
  });

  it('sends to the endpoint the subscription has now, not the one stored with the row', async () => {
    const { store } = fakeStore();
    const s = sender(async () => ({ ok: true }));
    let current: SubscriptionEndpoint = { uri: 'http://old.example/n', accept: 'application/json' };
    const d = delivery({ store, sender: s.sender, endpointOf: () => current });
    d.accept([row(1)]);
    current = { uri: 'http://new.example/n', accept: 'application/json', timeout: 250 };
    d.accept([row(2)]);
    await d.idle();
    assert.deepEqual(
      s.sent.map((x) => [x.endpoint.uri, x.timeoutMs]),
      [
        ['http://old.example/n', 1_000],
        ['http://new.example/n', 250],
      ],
    );
    await d.stop();
  });

  it('drops the rows of a subscription no longer active, unsent and uncounted', async () => {
    const { store, writes } = fakeStore();
    const s = sender(async () => ({ ok: true }));
    const d = delivery({ store, sender: s.sender, endpointOf: () => undefined });
    d.accept([row(1), row(2)]);
    await d.idle();
    assert.deepEqual(s.sent, []);
    assert.deepEqual(writes.settled, [1, 2]);
    assert.deepEqual(writes.reports, []);
    await d.stop();
  });

  it('a row queued behind a slow send is dropped when its subscription stops meanwhile', async () => {
    const { store, writes } = fakeStore();
    let release: () => void = () => undefined;
    const s = sender(
      () => new Promise<DeliveryOutcome>((resolve) => (release = () => resolve({ ok: true }))),
    );
    let live = true;
    const endpoint: SubscriptionEndpoint = {
      uri: 'http://a.example/n',
      accept: 'application/json',
    };
    const d = delivery({
      store,
      sender: s.sender,
      endpointOf: () => (live ? endpoint : undefined),
    });
    d.accept([row(1), row(2)]);
    live = false;
    release();
    await d.idle();
    assert.equal(s.sent.length, 1);
    assert.deepEqual(writes.settled.sort(), [1, 2]);
    await d.stop();
  });

  it('an endpoint timeout beyond what timers take still waits for the answer', async () => {
    const { store, writes } = fakeStore();
    const s = sender(() => new Promise((resolve) => setTimeout(() => resolve({ ok: true }), 30)));
    const endpoint = {
      uri: 'http://a.example/n',
      accept: 'application/json',
      timeout: 3e9,
    } as const;
    const d = delivery({ store, sender: s.sender, endpointOf: () => endpoint });
    d.accept([row(1)]);
    await d.idle();
    assert.equal(writes.reports[0]?.status, 'ok');
    assert.equal(s.sent[0]?.timeoutMs, 2 ** 31 - 1);
    await d.stop();
  });

  it('reschedules at whole milliseconds, at least the cooldown', async () => {
    const { store, writes } = fakeStore();
    const s = sender(async () => ({ ok: false, reason: 'busy', retryable: true }));
    const endpoint = {
      uri: 'http://a.example/n',
      accept: 'application/json',
      cooldown: 20.5,
    } as const;
    const before = Date.now();
    const d = delivery({ store, sender: s.sender, endpointOf: () => endpoint });
    d.accept([row(1)]);
    await d.idle();
    const [rescheduled] = writes.rescheduled;
    assert.ok(rescheduled !== undefined && Number.isInteger(rescheduled.dueAt));
    assert.ok(rescheduled.dueAt - before >= 21);
    await d.stop();
  });

  it('logs no password of an endpoint URI when it gives up', async () => {
    const { store } = fakeStore();
    const lines: string[] = [];
    const s = sender(async (e) => ({ ok: false, reason: `${e.uri} refused`, retryable: false }));
    const endpoint = { uri: 'http://user:s3cret@a.example/n', accept: 'application/json' } as const;
    const log = {
      warn: (...args: unknown[]) => void lines.push(JSON.stringify(args[0])),
      debug: () => undefined,
    };
    const d = delivery({ store, sender: s.sender, endpointOf: () => endpoint }, log);
    d.accept([row(1)]);
    await d.idle();
    assert.equal(lines.length, 1);
    assert.doesNotMatch(lines[0] ?? '', /s3cret/);
    assert.match(lines[0] ?? '', /user:\*\*\*@a\.example/);
    await d.stop();
  });
});
