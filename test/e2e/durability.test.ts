import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startCivis } from '../support/civis-process.js';
import { streetlight } from '../support/sample-entities.js';

/** Issue #2: a write acknowledged to the client survives kill -9 of the process. */
describe('Durability of acknowledged writes (SQLite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'civis-durability-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('every acknowledged create and update is there after kill -9 and restart', async () => {
    const first = await startCivis(['--data-dir', dataDir]);
    const acknowledged: number[] = [];
    let stop = false;
    const writer = (async () => {
      for (let n = 0; !stop && n < 5000; n++) {
        const res = await fetch(`${first.url}/ngsi-ld/v1/entities`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(streetlight(n)),
        }).catch(() => undefined);
        if (res?.status === 201) acknowledged.push(n);
        else break;
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const patched = await fetch(
      `${first.url}/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:0/attrs/status`,
      {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ value: 'patched-before-crash' }),
      },
    );
    assert.equal(patched.status, 204);
    await first.kill9();
    stop = true;
    await writer;
    assert.ok(acknowledged.length > 10, `only ${acknowledged.length} writes were acknowledged`);

    const second = await startCivis(['--data-dir', dataDir]);
    try {
      const res = await fetch(
        `${second.url}/ngsi-ld/v1/entities?type=Streetlight&count=true&limit=1`,
      );
      const count = Number(res.headers.get('ngsild-results-count'));
      assert.ok(
        count >= acknowledged.length,
        `${count} entities stored, ${acknowledged.length} acknowledged`,
      );
      for (const n of [acknowledged[0], acknowledged[acknowledged.length - 1]]) {
        const one = await fetch(`${second.url}/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:${n}`);
        assert.equal(one.status, 200, `Streetlight ${n} was acknowledged but is missing`);
      }
      const zero = (await (
        await fetch(`${second.url}/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:0`)
      ).json()) as { status: { value: string } };
      assert.equal(zero.status.value, 'patched-before-crash');
    } finally {
      await second.stop();
    }
  });
});
