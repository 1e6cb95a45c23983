/**
 * MQTT devices through the real app (docs/mqtt-and-commands.md): devices provisioned with
 * the IoT Agent API publish measurements that are readable as soon as they are
 * acknowledged, and an NGSI-LD write of a command attribute reaches the device on its
 * /cmd topic; its answer on /cmdexe sets <cmd>_status OK. Once with the embedded broker,
 * once with Mosquitto as the external broker (127.0.0.1:1883, required under CI=true).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { verifyDevicePassword } from '../../src/ingest/devices/device-password.js';
import type { DeviceAgent } from '../../src/ingest/ingest.types.js';
import { createEmbeddedBrokerAgent } from '../../src/ingest/mqtt/embedded-broker.agent.js';
import { createExternalBrokerAgent } from '../../src/ingest/mqtt/external-broker.agent.js';
import { createLogger } from '../../src/platform/logging/logger.js';
import { requireService } from '../support/services.js';
import { NGSI, createTestApp, jsonRequest, type TestApp } from '../support/test-app.js';

const MOSQUITTO = 'mqtt://127.0.0.1:1883';
const FIWARE = { 'fiware-service': 'city', 'fiware-servicepath': '/' };
const TENANT = { 'NGSILD-Tenant': 'city' };

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

interface Setup {
  agent: DeviceAgent;
  /** Connects a device client (credentials only for the embedded broker). */
  connect(apikey: string, deviceId: string): Promise<MqttClient>;
  /** The device's PUBACK comes from Civis after the write (embedded), not from a broker. */
  ackMeansWritten: boolean;
}

async function provision(t: TestApp, apikey: string): Promise<void> {
  const group = await t.request(
    jsonRequest(
      'POST',
      '/iot/services',
      {
        services: [
          {
            apikey,
            entity_type: 'Streetlight',
            resource: '/iot/json',
            attributes: [{ object_id: 'l', name: 'illuminance', type: 'Integer' }],
            commands: [{ name: 'switch', type: 'command' }],
          },
        ],
      },
      FIWARE,
    ),
  );
  assert.equal(group.statusCode, 201, group.body);
  const devices = await t.request(
    jsonRequest(
      'POST',
      '/iot/devices',
      {
        devices: [
          { device_id: 'lamp1', protocol: 'IoTA-JSON', transport: 'MQTT' },
          { device_id: 'lamp2', protocol: 'IoTA-UL', transport: 'MQTT' },
        ],
      },
      FIWARE,
    ),
  );
  assert.equal(devices.statusCode, 201, devices.body);
}

async function journey(t: TestContext, setUp: Setup): Promise<void> {
  const app = await createTestApp({}, { deviceAgents: [setUp.agent] });
  t.after(() => app.close());
  const apikey = `e2e${randomUUID().slice(0, 8)}`;
  await provision(app, apikey);
  const entity = async (id: string) =>
    (await app.request(jsonRequest('GET', `${NGSI}/entities/${id}`, undefined, TENANT))).json();
  /** The entity once `ready` holds: at once when the PUBACK came from Civis. */
  const entityWhen = async (
    id: string,
    ready: (e: Record<string, { value?: unknown }>) => boolean,
  ) =>
    setUp.ackMeansWritten
      ? entity(id)
      : until(async () => {
          const current = await entity(id);
          return ready(current) ? current : undefined;
        }, `${id} updated`);

  // A measurement is readable as soon as its PUBACK (from Civis) arrived.
  const lamp = await setUp.connect(apikey, 'lamp1');
  t.after(() => lamp.endAsync(true));
  await lamp.publishAsync(`/${apikey}/lamp1/attrs`, '{"l": 40}', { qos: 1 });
  const measured = await entityWhen('urn:ngsi-ld:Streetlight:lamp1', (e) => !!e['illuminance']);
  assert.equal(measured.illuminance?.value, 40, JSON.stringify(measured));

  // Command round trip, JSON device.
  await lamp.subscribeAsync(`/${apikey}/lamp1/cmd`, { qos: 1 });
  const commands: string[] = [];
  lamp.on('message', (_topic, payload) => commands.push(payload.toString()));
  const patch = await app.request(
    jsonRequest(
      'PATCH',
      `${NGSI}/entities/urn:ngsi-ld:Streetlight:lamp1/attrs`,
      { switch: { type: 'Property', value: 'on' } },
      TENANT,
    ),
  );
  assert.equal(patch.statusCode, 204, patch.body);
  await until(async () => (commands.length > 0 ? true : undefined), 'the command');
  assert.deepEqual(commands, ['{"switch":"on"}']);
  assert.equal((await entity('urn:ngsi-ld:Streetlight:lamp1')).switch_status?.value, 'PENDING');
  await lamp.publishAsync(`/${apikey}/lamp1/cmdexe`, '{"switch":"switched on"}', { qos: 1 });
  const answered = await entityWhen(
    'urn:ngsi-ld:Streetlight:lamp1',
    (e) => e['switch_status']?.value === 'OK',
  );
  assert.equal(answered.switch_status?.value, 'OK');
  assert.equal(answered.switch_info?.value, 'switched on');
  // The status writes issued no further command.
  await sleep(100);
  assert.equal(commands.length, 1);

  // Command round trip, UltraLight device.
  const ul = await setUp.connect(apikey, 'lamp2');
  t.after(() => ul.endAsync(true));
  await ul.subscribeAsync(`/${apikey}/lamp2/cmd`, { qos: 1 });
  const ulCommands: string[] = [];
  ul.on('message', (_topic, payload) => ulCommands.push(payload.toString()));
  await app.request(
    jsonRequest(
      'PATCH',
      `${NGSI}/entities/urn:ngsi-ld:Streetlight:lamp2/attrs`,
      { switch: { type: 'Property', value: 'off' } },
      TENANT,
    ),
  );
  await until(async () => (ulCommands.length > 0 ? true : undefined), 'the UL command');
  assert.deepEqual(ulCommands, ['lamp2@switch|off']);
  await ul.publishAsync(`/${apikey}/lamp2/cmdexe`, 'lamp2@switch|dark', { qos: 1 });
  const ulAnswered = await entityWhen(
    'urn:ngsi-ld:Streetlight:lamp2',
    (e) => e['switch_status']?.value === 'OK',
  );
  assert.equal(ulAnswered.switch_status?.value, 'OK');
  assert.equal(ulAnswered.switch_info?.value, 'dark');

  // A malformed payload is acknowledged, not written, and listed as a rejection.
  await lamp.publishAsync(`/${apikey}/lamp1/attrs`, '{"l": ', { qos: 1 });
  const rejections = await until(async () => {
    const res = await app.request(
      jsonRequest('GET', '/api/ingest/rejections?reason=malformed-payload', undefined, FIWARE),
    );
    const body = res.json() as { rejections?: Array<{ deviceId?: string }> };
    return body.rejections?.length ? body.rejections : undefined;
  }, 'the rejection');
  assert.equal(rejections[0]?.deviceId, 'lamp1');
  assert.equal((await entity('urn:ngsi-ld:Streetlight:lamp1')).illuminance?.value, 40);
}

const baseOptions: IClientOptions = { reconnectPeriod: 0, connectTimeout: 3_000 };

describe('MQTT devices and commands through the app', () => {
  it('embedded broker: measurements, command round trips, rejections', async (t) => {
    const agent = createEmbeddedBrokerAgent({
      port: 0,
      host: '127.0.0.1',
      maxPayloadBytes: 64 * 1024,
      verifyPassword: verifyDevicePassword,
      log: createLogger('silent'),
    });
    await journey(t, {
      agent,
      ackMeansWritten: true,
      connect: (apikey, deviceId) =>
        connectAsync(`mqtt://127.0.0.1:${agent.address()?.port}`, {
          ...baseOptions,
          username: `${apikey}/${deviceId}`,
          password: apikey,
        }),
    });
  });

  it('external broker (Mosquitto): measurements, command round trips, rejections', async (t) => {
    const availability = await requireService(
      'Mosquitto',
      async () => (await connectAsync(MOSQUITTO, baseOptions)).endAsync(),
      { at: '127.0.0.1:1883' },
    );
    if (!availability.available) return t.skip(availability.reason);
    const clientId = `civis-e2e-${randomUUID().slice(0, 8)}`;
    t.after(async () => {
      // Removes the persistent session the agent left in Mosquitto.
      const cleaner = await connectAsync(MOSQUITTO, { ...baseOptions, clientId, clean: true });
      await cleaner.endAsync();
    });
    await journey(t, {
      agent: createExternalBrokerAgent({
        url: MOSQUITTO,
        clientId,
        sharedGroup: `g${randomUUID().slice(0, 8)}`,
        maxPayloadBytes: 64 * 1024,
        log: createLogger('silent'),
        reconnectPeriodMs: 200,
      }),
      connect: () => connectAsync(MOSQUITTO, baseOptions),
      ackMeansWritten: false,
    });
  });
});
