import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createNotificationSenders } from './notification-senders.js';

describe('createNotificationSenders', () => {
  it('createNotificationSenders covers each scheme once, the stream hub included', async () => {
    const notifications = createNotificationSenders();
    const schemes = notifications.senders.flatMap((sender) => [...sender.schemes]).sort();
    assert.deepEqual(schemes, ['http', 'https', 'mqtt', 'mqtts', 'urn']);
    assert.ok(notifications.senders.includes(notifications.hub));
    await notifications.close();
  });
});
