/**
 * The RejectionStore contract (ingest/ports/rejection-store.port.ts), run unchanged against
 * every adapter: newest first, exact filters, tenants kept apart (rejections without a tenant
 * belong to the default tenant), trimming to the capacity, counts per reason.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Rejection } from '../../src/ingest/ingest.types.js';
import type { RejectionStore } from '../../src/ingest/ports/rejection-store.port.js';

export interface RejectionStoreUnderTest {
  store: RejectionStore;
  cleanup(): Promise<void>;
}

/** Makes a store that keeps `capacity` rejections. */
export type MakeRejectionStore = (capacity: number) => Promise<RejectionStoreUnderTest>;

function rejection(n: number, extra: Partial<Rejection> = {}): Rejection {
  return {
    at: new Date(Date.UTC(2024, 4, 1, 0, 0, n)).toISOString(),
    reason: 'malformed-payload',
    transport: 'http',
    tenant: 'city',
    apikey: 'key1',
    deviceId: `d${n}`,
    source: '/iot/json',
    detail: `rejection ${n}`,
    payloadExcerpt: '{"t": ',
    ...extra,
  };
}

export function describeRejectionStoreContract(name: string, make: MakeRejectionStore): void {
  describe(`RejectionStore contract: ${name}`, () => {
    let subject: RejectionStoreUnderTest;
    beforeEach(async () => {
      subject = await make(5);
    });
    afterEach(() => subject.cleanup());

    it("list returns a tenant's rejections newest first, every member kept", async () => {
      await subject.store.add([rejection(1), rejection(2)]);
      await subject.store.add([rejection(3)]);
      const page = await subject.store.list({ tenant: 'city', limit: 10, offset: 0 });
      assert.equal(page.count, 3);
      assert.deepEqual(
        page.rejections.map((r) => r.deviceId),
        ['d3', 'd2', 'd1'],
      );
      assert.deepEqual(page.rejections[2], rejection(1));
    });

    it('list pages with limit and offset; count is the number matching', async () => {
      await subject.store.add([rejection(1), rejection(2), rejection(3), rejection(4)]);
      const page = await subject.store.list({ tenant: 'city', limit: 2, offset: 1 });
      assert.equal(page.count, 4);
      assert.deepEqual(
        page.rejections.map((r) => r.deviceId),
        ['d3', 'd2'],
      );
    });

    it('list filters by reason and device id exactly', async () => {
      await subject.store.add([
        rejection(1, { reason: 'type-mismatch' }),
        rejection(2),
        rejection(3, { reason: 'type-mismatch', deviceId: 'd1' }),
      ]);
      const byReason = await subject.store.list({
        tenant: 'city',
        reason: 'type-mismatch',
        limit: 10,
        offset: 0,
      });
      assert.equal(byReason.count, 2);
      const byBoth = await subject.store.list({
        tenant: 'city',
        reason: 'type-mismatch',
        deviceId: 'd1',
        limit: 10,
        offset: 0,
      });
      assert.deepEqual(
        byBoth.rejections.map((r) => r.detail),
        ['rejection 3', 'rejection 1'],
      );
      const none = await subject.store.list({
        tenant: 'city',
        deviceId: 'D1',
        limit: 10,
        offset: 0,
      });
      assert.equal(none.count, 0);
    });

    it('tenants are kept apart; rejections without a tenant belong to the default tenant', async () => {
      const { tenant: _t, ...tenantless } = rejection(3, { reason: 'unknown-apikey' });
      await subject.store.add([rejection(1), rejection(2, { tenant: '' }), tenantless]);
      const city = await subject.store.list({ tenant: 'city', limit: 10, offset: 0 });
      assert.deepEqual(
        city.rejections.map((r) => r.deviceId),
        ['d1'],
      );
      const fallback = await subject.store.list({ tenant: '', limit: 10, offset: 0 });
      assert.deepEqual(
        fallback.rejections.map((r) => r.deviceId),
        ['d3', 'd2'],
      );
      assert.equal(fallback.rejections[0]?.tenant, undefined);
      assert.equal(fallback.rejections[1]?.tenant, '');
      assert.equal((await subject.store.list({ tenant: 'other', limit: 10, offset: 0 })).count, 0);
    });

    it('add keeps only the newest rejections beyond the capacity', async () => {
      await subject.store.add([1, 2, 3, 4].map((n) => rejection(n)));
      await subject.store.add([5, 6, 7].map((n) => rejection(n)));
      const page = await subject.store.list({ tenant: 'city', limit: 10, offset: 0 });
      assert.deepEqual(
        page.rejections.map((r) => r.deviceId),
        ['d7', 'd6', 'd5', 'd4', 'd3'],
      );
    });

    it('countByReason counts the stored rejections of one tenant per reason', async () => {
      await subject.store.add([
        rejection(1, { reason: 'type-mismatch' }),
        rejection(2, { reason: 'type-mismatch' }),
        rejection(3),
        rejection(4, { tenant: 'other', reason: 'oversized' }),
      ]);
      assert.deepEqual(await subject.store.countByReason('city'), {
        'type-mismatch': 2,
        'malformed-payload': 1,
      });
      assert.deepEqual(await subject.store.countByReason('nobody'), {});
    });

    it('add stores hostile text as it is: quotes, SQL, emoji, long lines', async () => {
      const hostile = rejection(1, {
        deviceId: "x'); DROP TABLE ingest_rejections; --",
        detail: '😀 "quoted" \\ backslash',
        payloadExcerpt: 'a'.repeat(1024),
      });
      await subject.store.add([hostile]);
      const [stored] = (await subject.store.list({ tenant: 'city', limit: 1, offset: 0 }))
        .rejections;
      assert.deepEqual(stored, hostile);
    });

    it('add of nothing does nothing', async () => {
      await subject.store.add([]);
      assert.equal((await subject.store.list({ tenant: 'city', limit: 1, offset: 0 })).count, 0);
    });
  });
}
