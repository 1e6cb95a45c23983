import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startCivis } from '../support/civis-process.js';
import {
  openPostgresTestDatabase,
  type PostgresTestDatabase,
} from '../support/postgres-test-database.js';
import { streetlight } from '../support/sample-entities.js';

const json = { 'content-type': 'application/json' };

/**
 * Issue #2: a write acknowledged to the client survives kill -9 of the process, and
 * concurrent partial updates of different attributes of one entity lose nothing — through
 * the real `civis start` process, on each storage adapter.
 */
async function checkDurability(storageArgs: string[]): Promise<void> {
  const first = await startCivis(storageArgs);
  const acknowledged: number[] = [];
  let stop = false;
  const writer = (async () => {
    for (let n = 0; !stop && n < 5000; n++) {
      const res = await fetch(`${first.url}/ngsi-ld/v1/entities`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify(streetlight(n)),
      }).catch(() => undefined);
      if (res?.status === 201) acknowledged.push(n);
      else break;
    }
  })().finally(() => (stop = true));
  // Enough acknowledged writes before the kill, however loaded the machine (not a time).
  for (let waited = 0; !stop && acknowledged.length < 20 && waited < 60_000; waited += 50)
    await new Promise((resolve) => setTimeout(resolve, 50));

  const names = Array.from({ length: 30 }, (_, i) => `counter${i}`);
  const entityUrl = `${first.url}/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:0`;
  const appended = await fetch(`${entityUrl}/attrs`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify(Object.fromEntries(names.map((n) => [n, 0]))),
  });
  assert.equal(appended.status, 204);
  const patches = await Promise.all(
    names.map((name, i) =>
      fetch(`${entityUrl}/attrs/${name}`, {
        method: 'PATCH',
        headers: json,
        body: JSON.stringify({ value: i + 1 }),
      }),
    ),
  );
  assert.ok(patches.every((res) => res.status === 204));

  await first.kill9();
  stop = true;
  await writer;
  assert.ok(acknowledged.length > 10, `only ${acknowledged.length} writes were acknowledged`);

  const second = await startCivis(storageArgs);
  try {
    const res = await fetch(
      `${second.url}/ngsi-ld/v1/entities?type=Streetlight&count=true&limit=1`,
    );
    const count = Number(res.headers.get('ngsild-results-count'));
    assert.ok(
      count >= acknowledged.length,
      `${count} entities stored, ${acknowledged.length} acknowledged`,
    );
    for (const n of acknowledged) {
      const one = await fetch(
        `${second.url}/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:${n}?pick=id`,
      );
      assert.equal(one.status, 200, `Streetlight ${n} was acknowledged but is missing`);
    }
    const zero = (await (
      await fetch(`${second.url}/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:0?format=keyValues`)
    ).json()) as Record<string, unknown>;
    names.forEach((name, i) =>
      assert.equal(zero[name], i + 1, `${name} lost its concurrent update`),
    );
  } finally {
    await second.stop();
  }
}

describe('Durability and concurrency through the civis process (SQLite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'civis-durability-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('acknowledged writes survive kill -9; concurrent attribute updates all land', () =>
    checkDurability(['--data-dir', dataDir]));
});

describe('Durability and concurrency through the civis process (PostgreSQL)', () => {
  let database: PostgresTestDatabase | undefined;
  let skipReason: string | undefined;
  before(async () => {
    const opened = await openPostgresTestDatabase();
    if (opened.available) database = opened.database;
    else skipReason = opened.reason;
  });
  after(() => database?.close());

  it('acknowledged writes survive kill -9; concurrent attribute updates all land', async (t) => {
    if (!database) return t.skip(skipReason);
    const schema = await database.createSchema();
    await checkDurability(['--database-url', schema.url]);
  });
});
