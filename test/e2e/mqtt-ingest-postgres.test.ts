/**
 * Measurements over MQTT into PostgreSQL through the civis process, whose ingest writes
 * two batches at once there by default (docs/ingest.md, `ingestWriters`): every
 * acknowledged measurement is in the history, and each device's measurements keep their
 * order (its entity ends with its last value). Unreachable server: skipped locally, a
 * failure under CI=true.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectAsync } from 'mqtt';
import { startCivis } from '../support/civis-process.js';
import { freePort } from '../support/free-port.js';
import { provisionCounters } from '../support/mqtt-counters.js';
import {
  openPostgresTestDatabase,
  type PostgresTestDatabase,
} from '../support/postgres-test-database.js';

const DEVICES = 20;
const MESSAGES_PER_DEVICE = 50;

const entityOf = (d: number) => `urn:ngsi-ld:Counter:c${d}`;

describe('MQTT ingest into PostgreSQL through the civis process', () => {
  let database: PostgresTestDatabase | undefined;
  let skipReason: string | undefined;
  before(async () => {
    const opened = await openPostgresTestDatabase();
    if (opened.available) database = opened.database;
    else skipReason = opened.reason;
  });
  after(() => database?.close());

  it('writes every acknowledged measurement, each device in order, two batches at once', async (t) => {
    if (!database) return t.skip(skipReason);
    const schema = await database.createSchema();
    const port = await freePort();
    const civis = await startCivis(['--database-url', schema.url, '--mqtt-port', String(port)], {
      CIVIS_MQTT_HOST: '127.0.0.1',
    });
    const devices: Array<Awaited<ReturnType<typeof connectAsync>>> = [];
    try {
      await provisionCounters(
        civis.url,
        'lanes',
        Array.from({ length: DEVICES }, (_, d) => ({ id: `c${d}`, entity: entityOf(d) })),
      );

      for (let d = 0; d < DEVICES; d++)
        devices.push(
          await connectAsync(`mqtt://127.0.0.1:${port}`, {
            username: `lanes/c${d}`,
            password: 'lanes',
            clientId: `c${d}-lanes`,
          }),
        );
      // Every device sends its whole sequence without waiting: the sink sees them together.
      await Promise.all(
        devices.flatMap((device, d) =>
          Array.from({ length: MESSAGES_PER_DEVICE }, (_, n) =>
            device.publishAsync(`/lanes/c${d}/attrs`, JSON.stringify({ n }), { qos: 1 }),
          ),
        ),
      );

      const headers = { 'NGSILD-Tenant': 'city' };
      for (let d = 0; d < DEVICES; d++) {
        const current = await fetch(
          `${civis.url}/ngsi-ld/v1/entities/${entityOf(d)}?options=keyValues&attrs=count`,
          { headers },
        );
        assert.equal(current.status, 200);
        assert.equal(((await current.json()) as { count: number }).count, MESSAGES_PER_DEVICE - 1);
        const history = await fetch(
          `${civis.url}/ngsi-ld/v1/temporal/entities/${entityOf(d)}?attrs=count&lastN=${MESSAGES_PER_DEVICE * 2}`,
          { headers },
        );
        assert.equal(history.status, 200);
        const body = (await history.json()) as { count?: Array<{ value: number }> };
        assert.deepEqual(
          (body.count ?? []).map((instance) => instance.value).sort((a, b) => a - b),
          Array.from({ length: MESSAGES_PER_DEVICE }, (_, n) => n),
        );
      }
    } finally {
      await Promise.all(devices.map((device) => device.endAsync(true)));
      await civis.stop();
      await schema.drop();
    }
  });
});
