import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeliveryReport } from '../ports/subscription-store.port.js';
import { createDeliveryOutcomes, type Rescheduling } from './delivery-outcomes.js';

/** A store whose writes fail for the rows `refuses` names (or all, while `down`). */
function fakeStore(refuses: (row: unknown) => boolean = () => false) {
  const state = {
    down: false,
    settled: [] as number[],
    rescheduled: [] as Rescheduling[],
    reports: [] as DeliveryReport[],
    calls: 0,
  };
  const write =
    <T>(into: T[]) =>
    async (rows: readonly T[]) => {
      state.calls += 1;
      if (state.down || rows.some(refuses)) throw new Error('refused');
      into.push(...rows);
    };
  return {
    state,
    store: {
      settleNotifications: write(state.settled),
      rescheduleNotifications: write(state.rescheduled),
      recordDeliveries: write(state.reports),
    },
  };
}

const warnings: string[] = [];
const log = {
  warn(...args: unknown[]) {
    warnings.push(String(args[1]));
  },
};

function outcomes(store: ReturnType<typeof fakeStore>['store'], maxPending?: number) {
  return createDeliveryOutcomes({
    store,
    clock: () => new Date(0),
    log,
    flushMs: 60_000,
    retryMs: 60_000,
    onFlushed: () => undefined,
    ...(maxPending === undefined ? {} : { maxPending }),
  });
}

const row = (key: number) => ({ key, attempts: 1, dueAt: key === 2 ? 1.5 : 1_000 });

describe('createDeliveryOutcomes', () => {
  it('a row the store refuses does not hold back the others of its batch', async () => {
    const { store, state } = fakeStore((r) => (r as Rescheduling).dueAt === 1.5);
    const o = outcomes(store);
    for (const key of [1, 2, 3]) o.reschedule(row(key));
    o.settle(7);
    await o.flush();
    assert.deepEqual(
      state.rescheduled.map((r) => r.key),
      [1, 3],
    );
    assert.deepEqual(state.settled, [7]);
    assert.equal(o.isEmpty(), false, 'the refused row waits for the next flush');
    o.stop();
  });

  it('a row refused at three flushes is dropped with a warning', async () => {
    const { store, state } = fakeStore((r) => (r as Rescheduling).dueAt === 1.5);
    const o = outcomes(store);
    o.reschedule(row(2));
    for (let i = 0; i < 3; i++) await o.flush();
    o.stop();
    assert.equal(state.rescheduled.length, 0);
    assert.ok(warnings.includes('Dropping an outcome the store refuses'));
    o.reschedule(row(4));
    await o.flush();
    assert.deepEqual(
      state.rescheduled.map((r) => r.key),
      [4],
    );
  });

  it('while the store is down rows wait untried after a few probes, then are all written', async () => {
    const { store, state } = fakeStore();
    const o = outcomes(store);
    for (let key = 1; key <= 100; key++) o.settle(key);
    state.down = true;
    await o.flush();
    assert.ok(state.calls <= 5, `${state.calls} writes while down`);
    state.down = false;
    await o.flush();
    assert.equal(state.settled.length, 100);
    o.stop();
  });

  it('outcomes waiting are bounded: the oldest beyond maxPending are dropped', async () => {
    const { store, state } = fakeStore();
    const o = outcomes(store, 10);
    state.down = true;
    for (let key = 1; key <= 25; key++) o.settle(key);
    await o.flush();
    state.down = false;
    await o.flush();
    assert.deepEqual(state.settled, [16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
    o.stop();
  });

  it('counters of one subscription are added up, also across a failed flush', async () => {
    const { store, state } = fakeStore();
    const o = outcomes(store);
    const notification = {
      key: 1,
      attempts: 0,
      tenant: '',
      subscriptionId: 'urn:s:1',
      eventKey: 'c1',
      endpoint: { uri: 'http://a.example/' },
      message: {
        tenant: '',
        subscriptionId: 'urn:s:1',
        body: '{}',
        contentType: 'application/json',
        headers: {},
      },
      dueAt: 0,
    };
    o.record(notification, { ok: false, reason: 'x', retryable: true }, 't1');
    state.down = true;
    await o.flush();
    state.down = false;
    o.record(notification, { ok: true }, 't2');
    await o.flush();
    assert.deepEqual(state.reports, [
      {
        tenant: '',
        id: 'urn:s:1',
        sent: 2,
        failed: 1,
        lastNotification: 't2',
        status: 'ok',
        lastSuccess: 't2',
        lastFailure: 't1',
      },
    ]);
    o.stop();
  });
});
