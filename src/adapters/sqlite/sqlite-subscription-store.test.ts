/**
 * The outbox of the SQLite subscription store beyond the contract
 * (test/contract/subscription-store.contract.ts): how its statements are planned, and what a
 * settled row keeps. Plans are checked by their shape, never by time.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { NewOutboxNotification } from '../../context/ports/subscription-store.port.js';
import { openSqliteDatabase } from './sqlite-database.js';
import { createSqliteSubscriptionStore, OUTBOX_CLAIM_SQL } from './sqlite-subscription-store.js';

describe('SQLite notification outbox', () => {
  const db = openSqliteDatabase(':memory:');
  after(() => db.close());
  const store = createSqliteSubscriptionStore(db);
  const plan = (sql: string, params: Record<string, number> = {}): string =>
    db
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .all(params)
      .map((row) => (row as { detail: string }).detail)
      .join('\n');

  it('the unique key of outbox rows leads with the event, so one change writes one index region', () => {
    const columns = db
      .prepare(`SELECT name FROM pragma_index_info('notification_outbox_event') ORDER BY seqno`)
      .pluck()
      .all();
    assert.deepEqual(columns, ['event_key', 'tenant', 'subscription_id']);
  });

  it("deleting a subscription's pending rows searches the index of unsettled rows", () => {
    const detail = plan(
      `DELETE FROM notification_outbox WHERE tenant = 'a' AND subscription_id = 'b' AND settled_at IS NULL`,
    );
    assert.match(detail, /SEARCH notification_outbox USING INDEX notification_outbox_pending/);
  });

  it('a claim reads the indexes of free rows and of leases, never the rows held in memory', () => {
    const detail = plan(OUTBOX_CLAIM_SQL, { owner: 0, until: 0, now: 0, limit: 10 });
    assert.match(detail, /USING INDEX notification_outbox_free/);
    assert.match(detail, /USING INDEX notification_outbox_leased/);
    assert.doesNotMatch(detail, /SCAN notification_outbox(?! USING)/);
  });

  it('a settled row keeps its event but not its payload', async () => {
    const subscriptionId = 'urn:ngsi-ld:Subscription:1';
    const notification: NewOutboxNotification = {
      tenant: '',
      subscriptionId,
      eventKey: 'c1',
      endpoint: { uri: 'http://127.0.0.1:9/n', accept: 'application/json' },
      message: {
        tenant: '',
        subscriptionId,
        body: '{"type":"Notification"}',
        contentType: 'application/json',
        headers: { Link: '<x>' },
      },
      dueAt: 1,
    };
    const lease = { owner: 'me', until: 10 };
    const [row] = await store.enqueueNotifications([notification], lease);
    assert.ok(row !== undefined);
    await store.settleNotifications([row.key], 5);
    const stored = db
      .prepare('SELECT event_key, body, headers, endpoint, settled_at FROM notification_outbox')
      .get();
    assert.deepEqual(stored, {
      event_key: 'c1',
      body: '',
      headers: '',
      endpoint: '',
      settled_at: 5,
    });
    // The event is still known: the same change notifies once.
    assert.deepEqual(await store.enqueueNotifications([notification], lease), []);
  });
});
