/**
 * A QoS 1 measurement acknowledged by the embedded MQTT broker survives kill -9 of the
 * whole platform, and what was not acknowledged is sent again by the device and taken by
 * the restarted platform: nothing acknowledged is lost (docs/mqtt-and-commands.md).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectAsync } from 'mqtt';
import { startCivis, type CivisProcess } from '../support/civis-process.js';
import { freePort } from '../support/free-port.js';
import { provisionCounters } from '../support/mqtt-counters.js';

const ENTITY = 'urn:ngsi-ld:Counter:c1';
const MESSAGES = 2_000;

/** Every value of `count` in the history of the entity. */
async function countHistory(civis: CivisProcess): Promise<Set<number>> {
  const res = await fetch(
    `${civis.url}/ngsi-ld/v1/temporal/entities/${ENTITY}?attrs=count&lastN=${MESSAGES * 2}`,
    { headers: { 'NGSILD-Tenant': 'city' } },
  );
  assert.equal(res.status, 200, await res.clone().text());
  const body = (await res.json()) as { count?: { value: number } | Array<{ value: number }> };
  const instances = Array.isArray(body.count) ? body.count : body.count ? [body.count] : [];
  return new Set(instances.map((instance) => instance.value));
}

describe('MQTT durability through the civis process (SQLite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'civis-mqtt-durability-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('acknowledged QoS 1 measurements survive kill -9; the rest is sent again', async () => {
    const port = await freePort();
    const args = ['--data-dir', dataDir, '--mqtt-port', String(port)];
    const env = { CIVIS_MQTT_HOST: '127.0.0.1' };
    const first = await startCivis(args, env);
    await provisionCounters(first.url, 'durable', [{ id: 'c1', entity: ENTITY }]);

    const device = await connectAsync(`mqtt://127.0.0.1:${port}`, {
      username: 'durable/c1',
      password: 'durable',
      clientId: 'c1-durability',
      reconnectPeriod: 100,
      connectTimeout: 5_000,
    });
    // Refused connections while the platform restarts are expected.
    device.on('error', () => undefined);
    const acknowledged = new Set<number>();
    const all = Array.from({ length: MESSAGES }, (_, n) =>
      device
        .publishAsync('/durable/c1/attrs', JSON.stringify({ n }), { qos: 1 })
        .then(() => void acknowledged.add(n)),
    );
    for (let i = 0; i < 500 && acknowledged.size < 100; i++) await sleep(10);
    await first.kill9();
    const ackedBeforeKill = new Set(acknowledged);
    assert.ok(ackedBeforeKill.size >= 100, `only ${ackedBeforeKill.size} acknowledged`);
    assert.ok(ackedBeforeKill.size < MESSAGES, 'the kill came after the whole stream');

    const second = await startCivis(args, env);
    try {
      await Promise.race([
        Promise.all(all),
        sleep(20_000).then(() => assert.fail(`${acknowledged.size} of ${MESSAGES} acknowledged`)),
      ]).finally(() => device.endAsync(true));
      const stored = await countHistory(second);
      for (const n of ackedBeforeKill)
        assert.ok(stored.has(n), `measurement ${n} was acknowledged before the kill but is lost`);
      assert.equal(stored.size, MESSAGES);
    } finally {
      await second.stop();
    }
  });
});
