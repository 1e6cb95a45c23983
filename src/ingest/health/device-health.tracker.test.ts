import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { provisionedDevice } from '../lorawan/ingest-runtime.fake.js';
import type { Measurement } from '../ingest.types.js';
import {
  applyStored,
  createDeviceHealthTracker,
  lastKnownReportMs,
  staleSince,
  type DeviceHealthEntry,
} from './device-health.tracker.js';

const T0 = Date.parse('2024-05-14T10:00:00.000Z');
const sensor = provisionedDevice({ device_id: 'air-1', tenant: 'north' }, 600);

function measurement(atMs: number, device = sensor): Measurement {
  return {
    device,
    values: { pm10: 21 },
    receivedAt: new Date(atMs).toISOString(),
    transport: 'lorawan',
  };
}

function entry(init: Partial<DeviceHealthEntry>): DeviceHealthEntry {
  return {
    tenant: '',
    deviceId: 'd',
    apikey: 'k',
    entityId: 'urn:ngsi-ld:Device:d',
    messages: 0,
    unflushed: 0,
    state: 'unknown',
    listed: false,
    ...init,
  };
}

describe('createDeviceHealthTracker', () => {
  it('record keeps the latest receivedAt and counts messages per tenant and device', () => {
    const tracker = createDeviceHealthTracker();
    tracker.record([measurement(T0 + 2000), measurement(T0 + 1000)], T0);
    tracker.record(
      [measurement(T0, provisionedDevice({ device_id: 'air-1', tenant: 'south' }))],
      T0,
    );
    const [north] = tracker.entries('north');
    assert.equal(north?.lastSeenMs, T0 + 2000);
    assert.equal(north?.messages, 2);
    assert.equal(north?.entityId, 'urn:ngsi-ld:Device:air-1');
    assert.equal(tracker.entries('south')[0]?.messages, 1);
    assert.deepEqual(tracker.entries(''), []);
  });

  it('takeReports returns only devices with new messages and starts their count again', () => {
    const tracker = createDeviceHealthTracker();
    tracker.record([measurement(T0), measurement(T0 + 10)], T0);
    const reports = tracker.takeReports();
    assert.deepEqual(
      reports.map((r) => [r.entry.deviceId, r.count, r.lastSeenMs]),
      [['air-1', 2, T0 + 10]],
    );
    assert.deepEqual(tracker.takeReports(), []);
    tracker.record([measurement(T0 + 20)], T0);
    tracker.giveBack(reports[0]!);
    assert.equal(tracker.takeReports()[0]?.count, 3);
  });

  it('syncRegistry takes stale periods and forgets devices no longer listed that never reported', () => {
    const tracker = createDeviceHealthTracker();
    const idle = provisionedDevice({ device_id: 'idle', tenant: 'north' }, 300);
    tracker.syncRegistry([sensor, idle]);
    assert.deepEqual(
      tracker.entries('north').map((e) => [e.deviceId, e.stalePeriodSeconds, e.provisionedAtMs]),
      [
        ['air-1', 600, Date.parse(sensor.device.createdAt)],
        ['idle', 300, Date.parse(idle.device.createdAt)],
      ],
    );
    tracker.record([measurement(T0)], T0);
    tracker.syncRegistry([]);
    assert.deepEqual(
      tracker.entries('north').map((e) => [e.deviceId, e.stalePeriodSeconds]),
      [['air-1', undefined]],
    );
  });

  it('idleUnlisted walks the unlisted entries without unflushed counts, a few at a time', () => {
    const tracker = createDeviceHealthTracker();
    const plain = (id: string) => provisionedDevice({ device_id: id, tenant: 'north' });
    tracker.syncRegistry([sensor]);
    tracker.record(
      ['a', 'b', 'c'].map((id) => measurement(T0, plain(id))),
      T0,
    );
    tracker.record([measurement(T0)], T0);
    tracker.takeReports();
    tracker.record([measurement(T0 + 1, plain('c'))], T0);
    tracker.syncRegistry([sensor]);
    // air-1 is listed, c has an unflushed message: only a and b are idle and unlisted.
    const first = tracker.idleUnlisted(1).map((e) => e.deviceId);
    const second = tracker.idleUnlisted(1).map((e) => e.deviceId);
    assert.deepEqual([...first, ...second].sort(), ['a', 'b']);
    assert.deepEqual(
      tracker
        .idleUnlisted(10)
        .map((e) => e.deviceId)
        .sort(),
      ['a', 'b'],
    );
    const [a] = tracker.idleUnlisted(10).filter((e) => e.deviceId === 'a');
    tracker.forget(a!);
    assert.deepEqual(
      tracker.entries('north').map((e) => e.deviceId),
      ['air-1', 'b', 'c'],
    );
    assert.equal(tracker.size, 3);
  });

  it('staleCandidates lists devices past their stale period and devices already stale', () => {
    const tracker = createDeviceHealthTracker();
    tracker.syncRegistry([sensor]);
    tracker.record([measurement(T0)], T0);
    assert.deepEqual(tracker.staleCandidates(T0 + 599_999), []);
    assert.equal(tracker.staleCandidates(T0 + 600_000).length, 1);
    const [only] = tracker.entries('north');
    only!.state = 'stale';
    only!.lastSeenMs = T0 + 1_000_000;
    assert.equal(tracker.staleCandidates(T0 + 1_000_001).length, 1);
  });
});

describe('staleSince', () => {
  it('staleSince counts from the latest report this instance or the Device entity knows', () => {
    const e = entry({ stalePeriodSeconds: 60, lastSeenMs: T0, storedLastReportedMs: T0 + 30_000 });
    assert.equal(lastKnownReportMs(e), T0 + 30_000);
    assert.equal(staleSince(e, T0 + 89_999), undefined);
    assert.equal(staleSince(e, T0 + 90_000), T0 + 90_000);
  });

  it('staleSince counts from provisioning when the device never reported', () => {
    const e = entry({ stalePeriodSeconds: 60, provisionedAtMs: T0 });
    assert.equal(staleSince(e, T0 + 120_000), T0 + 60_000);
  });

  it('staleSince is undefined without a stale period or any reference time', () => {
    assert.equal(staleSince(entry({ lastSeenMs: T0 }), T0 + 1e12), undefined);
    assert.equal(staleSince(entry({ stalePeriodSeconds: 1 }), T0), undefined);
  });

  it('applyStored never moves the stored report backwards', () => {
    const e = entry({ storedLastReportedMs: T0 });
    applyStored(e, { lastReportedMs: T0 - 1 });
    assert.equal(e.storedLastReportedMs, T0);
    applyStored(e, { lastReportedMs: T0 + 1 });
    assert.equal(e.storedLastReportedMs, T0 + 1);
  });
});
