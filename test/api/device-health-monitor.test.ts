/**
 * The device health monitor against the real entity service (SQLite in memory), with a
 * controllable clock and a fake ingest runtime: counts flushed to the Device entities,
 * stale devices get one Alert per episode, closed when they report again, and several
 * instances share the work through the Device entities.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createSqliteStores } from '../../src/adapters/sqlite/sqlite-stores.js';
import { createEntityService, type EntityService } from '../../src/context/entity.service.js';
import { createJsonLdContextService } from '../../src/context/json-ld-context.service.js';
import { healthVocabulary } from '../../src/ingest/health/device-health.entities.js';
import { CORE_JSON_LD_CONTEXT } from '../../src/ngsi-ld/context/json-ld-context-impl.js';
import { ldContextNotAvailable } from '../../src/ngsi-ld/problem-details.js';
import {
  createDeviceHealthMonitor,
  type DeviceHealthMonitor,
} from '../../src/ingest/health/device-health.monitor.js';
import type { ProvisionedDevice } from '../../src/ingest/devices/device.model.js';
import {
  createFakeRuntime,
  provisionedDevice,
  type FakeRuntime,
} from '../../src/ingest/lorawan/ingest-runtime.fake.js';
import type { Entity } from '../../src/ngsi-ld/model.js';
import { createLogger } from '../../src/platform/logging/logger.js';

const DEVICE_TYPE = 'https://uri.etsi.org/ngsi-ld/default-context/Device';
// Devices provisioned with only the core @context: the health terms fall under its @vocab.
const CORE = healthVocabulary(CORE_JSON_LD_CONTEXT);
const DEVICE_HEALTH_IRIS = CORE;
const ALERT_IRIS = CORE;
const SDM_DEVICE = 'https://smartdatamodels.org/dataModel.Device/';
const SDM_CONTEXT_URL = 'https://contexts.example.org/sdm-device.jsonld';
const SDM_CONTEXT = {
  '@context': {
    Device: `${SDM_DEVICE}Device`,
    deviceState: `${SDM_DEVICE}deviceState`,
    dateLastValueReported: `${SDM_DEVICE}dateLastValueReported`,
  },
};
const T0 = Date.parse('2024-05-14T10:00:00.000Z');
const MINUTE = 60_000;
/** Every device of a tenant, one page. */
const ALL = { limit: 1000, offset: 0 };

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function dateTime(ms: number) {
  return { '@type': 'DateTime', '@value': iso(ms) };
}

describe('device health monitor', () => {
  let stores: ReturnType<typeof createSqliteStores>;
  let entities: EntityService;
  let contexts: ReturnType<typeof createJsonLdContextService>;
  let now: number;
  let runtime: FakeRuntime;
  const monitors: DeviceHealthMonitor[] = [];

  const clock = () => new Date(now);
  const sensor = provisionedDevice(
    { device_id: 'air-1', tenant: 'north', createdAt: iso(T0) },
    600,
  );

  function monitorFor(rt: FakeRuntime): DeviceHealthMonitor {
    const monitor = createDeviceHealthMonitor({
      runtime: rt,
      entities,
      contexts,
      intervalMs: 60_000,
      log: createLogger('silent'),
    });
    monitors.push(monitor);
    return monitor;
  }

  async function createDeviceEntity(device: ProvisionedDevice): Promise<void> {
    await entities.createEntity(device.device.tenant, {
      id: `urn:ngsi-ld:Device:${device.device.device_id}`,
      type: [DEVICE_TYPE],
      attrs: {},
    });
  }

  async function report(rt: FakeRuntime, device: ProvisionedDevice, count = 1): Promise<void> {
    for (let i = 0; i < count; i++) {
      await rt.sink.submit({
        device,
        values: { pm10: 20 + i },
        receivedAt: iso(now),
        transport: 'lorawan',
      });
    }
  }

  /** Counts the entity queries of the monitor from now on. */
  function countQueries(): { count(): number } {
    let n = 0;
    const query = entities.queryEntities.bind(entities);
    entities.queryEntities = async (...args) => {
      n += 1;
      return query(...args);
    };
    return { count: () => n };
  }

  async function entity(tenant: string, id: string): Promise<Entity | undefined> {
    return stores.entityStore.getEntity(tenant, id);
  }

  function value(e: Entity | undefined, iri: string): unknown {
    return e?.attrs[iri]?.[0]?.value;
  }

  async function alertsOf(tenant: string): Promise<Entity[]> {
    const page = await entities.queryEntities(tenant, {
      types: { anyOf: [[ALERT_IRIS.Alert]] },
      limit: 100,
      offset: 0,
      count: false,
    });
    return page.entities;
  }

  beforeEach(async () => {
    now = T0;
    stores = createSqliteStores({ path: ':memory:' });
    entities = createEntityService({
      store: stores.entityStore,
      clock,
      updateAppendsMissingAttributes: true,
    });
    contexts = createJsonLdContextService({
      loader: {
        async load(url) {
          if (url !== SDM_CONTEXT_URL) throw ldContextNotAvailable(`Cannot fetch @context ${url}`);
          return structuredClone(SDM_CONTEXT);
        },
      },
      store: stores.contextStore,
      clock,
      maxCacheEntries: 10,
      cacheTtlMs: 60_000,
      publicBaseUrl: 'http://localhost:1026',
      log: createLogger('silent'),
    });
    runtime = createFakeRuntime([sensor], clock);
    await createDeviceEntity(sensor);
  });

  afterEach(async () => {
    for (const monitor of monitors.splice(0)) await monitor.stop();
    await stores.close();
  });

  it('flushes lastSeen, the message count and deviceState ok, only for devices that reported', async () => {
    const monitor = monitorFor(runtime);
    now = T0 + MINUTE;
    await report(runtime, sensor, 3);
    await monitor.tick();
    let device = await entity('north', 'urn:ngsi-ld:Device:air-1');
    assert.deepEqual(
      value(device, DEVICE_HEALTH_IRIS.dateLastValueReported),
      dateTime(T0 + MINUTE),
    );
    assert.equal(value(device, DEVICE_HEALTH_IRIS.messageCount), 3);
    assert.equal(value(device, DEVICE_HEALTH_IRIS.deviceState), 'ok');
    assert.equal(
      await entity('', 'urn:ngsi-ld:Device:air-1'),
      undefined,
      'written in its tenant only',
    );

    now += MINUTE;
    await report(runtime, sensor, 2);
    await monitor.tick();
    device = await entity('north', 'urn:ngsi-ld:Device:air-1');
    assert.equal(value(device, DEVICE_HEALTH_IRIS.messageCount), 5);
    const modifiedAt = device?.modifiedAt;

    now += MINUTE;
    await monitor.tick();
    device = await entity('north', 'urn:ngsi-ld:Device:air-1');
    assert.equal(device?.modifiedAt, modifiedAt, 'no write without new messages');
  });

  it('raises one Alert when the stale period elapses, and closes it when the device reports', async () => {
    const monitor = monitorFor(runtime);
    await report(runtime, sensor);
    await monitor.tick();

    now = T0 + 10 * MINUTE - 1;
    await monitor.tick();
    assert.deepEqual(await alertsOf('north'), []);

    now = T0 + 11 * MINUTE;
    await monitor.tick();
    let device = await entity('north', 'urn:ngsi-ld:Device:air-1');
    assert.equal(value(device, DEVICE_HEALTH_IRIS.deviceState), 'stale');
    const [alert, ...others] = await alertsOf('north');
    assert.deepEqual(others, []);
    assert.equal(alert?.id, 'urn:ngsi-ld:Alert:device-stale:air-1');
    assert.equal(value(alert, ALERT_IRIS.category), 'technical');
    assert.equal(value(alert, ALERT_IRIS.subCategory), 'deviceNotReporting');
    assert.equal(value(alert, ALERT_IRIS.severity), 'medium');
    assert.equal(value(alert, ALERT_IRIS.alertSource), 'urn:ngsi-ld:Device:air-1');
    assert.deepEqual(value(alert, ALERT_IRIS.dateIssued), dateTime(T0 + 11 * MINUTE));
    assert.deepEqual(value(alert, ALERT_IRIS.validFrom), dateTime(T0 + 10 * MINUTE));
    assert.equal(alert?.attrs[ALERT_IRIS.validTo], undefined);
    assert.deepEqual(await alertsOf(''), [], 'no alert in another tenant');

    // Later ticks of the same episode change nothing.
    now += 5 * MINUTE;
    await monitor.tick();
    const [same] = await alertsOf('north');
    assert.equal(same?.modifiedAt, alert?.modifiedAt);

    now += MINUTE;
    await report(runtime, sensor);
    await monitor.tick();
    device = await entity('north', 'urn:ngsi-ld:Device:air-1');
    assert.equal(value(device, DEVICE_HEALTH_IRIS.deviceState), 'ok');
    const [closed] = await alertsOf('north');
    assert.deepEqual(value(closed, ALERT_IRIS.validTo), dateTime(now));
    assert.deepEqual(value(closed, ALERT_IRIS.dateIssued), dateTime(T0 + 11 * MINUTE));
  });

  it('reuses the alert id for the next episode, without the old validTo', async () => {
    const monitor = monitorFor(runtime);
    await report(runtime, sensor);
    now = T0 + 11 * MINUTE;
    await monitor.tick();
    await report(runtime, sensor);
    await monitor.tick();
    now += 11 * MINUTE;
    await monitor.tick();
    const alerts = await alertsOf('north');
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]?.attrs[ALERT_IRIS.validTo], undefined);
    assert.deepEqual(value(alerts[0], ALERT_IRIS.dateIssued), dateTime(now));
  });

  it('counts a device that never reported as stale from its provisioning', async () => {
    const monitor = monitorFor(runtime);
    now = T0 + 10 * MINUTE;
    await monitor.tick();
    const [alert] = await alertsOf('north');
    assert.match(String(value(alert, ALERT_IRIS.description)), /since it was provisioned/);
    const [health] = (await monitor.report('north', ALL)).devices;
    assert.deepEqual(health, {
      deviceId: 'air-1',
      entityId: 'urn:ngsi-ld:Device:air-1',
      lastSeen: null,
      messageCount: 0,
      messagesReceived: 0,
      stalePeriod: 600,
      stale: true,
      staleSince: iso(T0 + 10 * MINUTE),
    });
  });

  it('does not raise a second alert when another instance checks the same device', async () => {
    const a = monitorFor(runtime);
    const b = monitorFor(createFakeRuntime([sensor], clock));
    await report(runtime, sensor);
    await a.tick();
    now = T0 + 12 * MINUTE;
    await a.tick();
    const [first] = await alertsOf('north');
    now += MINUTE;
    await b.tick();
    const alerts = await alertsOf('north');
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]?.modifiedAt, first?.modifiedAt, 'b saw deviceState stale and left it');
    assert.equal((await b.report('north', ALL)).devices[0]?.stale, true);
  });

  it('does not call a device stale when another instance receives its messages', async () => {
    const a = monitorFor(runtime);
    const b = monitorFor(createFakeRuntime([sensor], clock));
    for (let minute = 1; minute <= 30; minute += 5) {
      now = T0 + minute * MINUTE;
      await report(runtime, sensor);
      await a.tick();
      await b.tick();
    }
    assert.deepEqual(await alertsOf('north'), []);
    const [seenByB] = (await b.report('north', ALL)).devices;
    assert.equal(seenByB?.lastSeen, iso(T0 + 26 * MINUTE));
    assert.equal(seenByB?.messagesReceived, 0);
    assert.equal(seenByB?.messageCount, 6);
    assert.equal(seenByB?.stale, false);
  });

  it('another instance closes the alert when the device reports to it', async () => {
    const a = monitorFor(runtime);
    const otherRuntime = createFakeRuntime([sensor], clock);
    const b = monitorFor(otherRuntime);
    now = T0 + 11 * MINUTE;
    await a.tick();
    assert.equal((await alertsOf('north')).length, 1);
    now += MINUTE;
    await report(otherRuntime, sensor);
    await b.tick();
    const [closed] = await alertsOf('north');
    assert.deepEqual(value(closed, ALERT_IRIS.validTo), dateTime(now));
    await a.tick();
    assert.equal((await a.report('north', ALL)).devices[0]?.stale, false);
  });

  it('keeps the counts of a device without Device entity until one exists', async () => {
    const orphan = provisionedDevice({ device_id: 'air-9', tenant: 'north', createdAt: iso(T0) });
    runtime.devices.push(orphan);
    const monitor = monitorFor(runtime);
    await report(runtime, orphan, 2);
    await monitor.tick();
    assert.equal(await entity('north', 'urn:ngsi-ld:Device:air-9'), undefined, 'not created');
    await createDeviceEntity(orphan);
    await report(runtime, orphan);
    await monitor.tick();
    const device = await entity('north', 'urn:ngsi-ld:Device:air-9');
    assert.equal(value(device, DEVICE_HEALTH_IRIS.messageCount), 3);
  });

  it('stops watching a device removed from the registry', async () => {
    const monitor = monitorFor(runtime);
    await monitor.tick();
    runtime.devices = [];
    now = T0 + 60 * MINUTE;
    await monitor.tick();
    assert.deepEqual(await alertsOf('north'), []);
    assert.deepEqual(await monitor.report('north', ALL), { devices: [], count: 0 });
  });

  it('forgets a device deleted with its Device entity, even with counts in flight', async () => {
    const plain = provisionedDevice({ device_id: 'air-3', tenant: 'north', createdAt: iso(T0) });
    runtime.devices.push(plain);
    await createDeviceEntity(plain);
    const monitor = monitorFor(runtime);
    await report(runtime, plain, 2);
    await monitor.tick();
    assert.deepEqual(
      (await monitor.report('north', ALL)).devices.map((d) => [d.deviceId, d.messageCount]),
      [
        ['air-1', 0],
        ['air-3', 2],
      ],
    );
    // Deleted (registry, then Device entity) while a message of it was being written.
    runtime.devices = runtime.devices.filter((d) => d !== plain);
    await entities.deleteEntity('north', 'urn:ngsi-ld:Device:air-3');
    await report(runtime, plain);
    const queries = countQueries();
    await monitor.tick();
    await monitor.tick();
    assert.equal(queries.count(), 1, 'asked once, then forgotten (no query every tick)');
    assert.deepEqual(
      (await monitor.report('north', ALL)).devices.map((d) => d.deviceId),
      ['air-1'],
    );
  });

  it('drops the idle entry of a deleted device without stale period', async () => {
    const plain = provisionedDevice({ device_id: 'air-4', tenant: 'north', createdAt: iso(T0) });
    runtime.devices.push(plain);
    await createDeviceEntity(plain);
    const monitor = monitorFor(runtime);
    await report(runtime, plain);
    await monitor.tick();
    runtime.devices = runtime.devices.filter((d) => d !== plain);
    await monitor.tick();
    const lookups: string[] = [];
    const find = runtime.directory.findByApikey;
    runtime.directory.findByApikey = async (apikey, deviceId) => {
      lookups.push(deviceId);
      return find(apikey, deviceId);
    };
    assert.deepEqual(
      (await monitor.report('north', ALL)).devices.map((d) => d.deviceId),
      ['air-1'],
    );
    assert.deepEqual(lookups, [], 'the tick had forgotten it already');
  });

  it("writes the health attributes under the device's own @context terms", async () => {
    const sdmSensor = provisionedDevice(
      { device_id: 'air-sdm', tenant: 'north', createdAt: iso(T0), ldContext: SDM_CONTEXT_URL },
      600,
    );
    sdmSensor.ldContext = SDM_CONTEXT_URL;
    runtime.devices.push(sdmSensor);
    await entities.createEntity('north', {
      id: 'urn:ngsi-ld:Device:air-sdm',
      type: [`${SDM_DEVICE}Device`],
      attrs: { [`${SDM_DEVICE}deviceState`]: [{ type: 'Property', value: 'provisioned' }] },
    });
    const monitor = monitorFor(runtime);
    await report(runtime, sdmSensor, 2);
    await monitor.tick();
    const device = await entity('north', 'urn:ngsi-ld:Device:air-sdm');
    assert.equal(value(device, `${SDM_DEVICE}deviceState`), 'ok');
    assert.deepEqual(value(device, `${SDM_DEVICE}dateLastValueReported`), dateTime(T0));
    assert.equal(value(device, DEVICE_HEALTH_IRIS.messageCount), 2);
    assert.equal(value(device, DEVICE_HEALTH_IRIS.deviceState), undefined, 'no second deviceState');
  });

  it('keeps the counts of a device whose @context is unavailable', async () => {
    const lost = provisionedDevice({ device_id: 'air-7', tenant: 'north', createdAt: iso(T0) });
    lost.ldContext = 'https://contexts.example.org/gone.jsonld';
    await createDeviceEntity(lost);
    const monitor = monitorFor(runtime);
    await report(runtime, lost, 2);
    await monitor.tick();
    const id = 'urn:ngsi-ld:Device:air-7';
    assert.equal(value(await entity('north', id), CORE.messageCount), undefined);
    // Re-provisioned with the core @context, it reports once more: nothing was lost.
    delete lost.ldContext;
    await report(runtime, lost);
    await monitor.tick();
    assert.equal(value(await entity('north', id), CORE.messageCount), 3);
  });

  it('stop flushes the counts still in memory', async () => {
    const monitor = monitorFor(runtime);
    monitor.start();
    await report(runtime, sensor, 4);
    await monitor.stop();
    assert.equal(
      value(await entity('north', 'urn:ngsi-ld:Device:air-1'), DEVICE_HEALTH_IRIS.messageCount),
      4,
    );
  });
});
