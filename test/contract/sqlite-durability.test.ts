/**
 * SQLite on a file: writes acknowledged to a client survive `kill -9` of the process
 * (DESIGN.md, Storage; WAL with synchronous=NORMAL), and reopening applies no migration twice.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { SQLITE_MIGRATIONS } from '../../src/adapters/sqlite/sqlite-migrations.js';
import { createSqliteStores } from '../../src/adapters/sqlite/sqlite-stores.js';
import { entity, put, queryIds } from './entity-store.fixtures.js';

const directory = mkdtempSync(join(tmpdir(), 'civis-sqlite-'));
after(() => rmSync(directory, { recursive: true, force: true }));

/** Runs the writer child until it acknowledged `acks` batches, kills it with SIGKILL, returns the last ack. */
function writeThenKill(path: string, acks: number): Promise<number> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(new URL('./sqlite-durability.child.ts', import.meta.url)),
      path,
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let last = -1;
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) last = Number(line);
      if (last + 1 >= acks && child.exitCode === null) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) =>
      signal === 'SIGKILL'
        ? resolve(last)
        : reject(new Error(`writer exited before it was killed (${signal})`)),
    );
  });
}

describe('SQLite file storage', () => {
  it('mutate acknowledged writes, and their history, survive kill -9 of the process', async () => {
    const path = join(directory, 'durability.db');
    const last = await writeThenKill(path, 200);
    assert.ok(last >= 199);
    const stores = createSqliteStores({ path });
    const ids = await queryIds(stores.entityStore, '', {});
    // The history is projected from the change log by a worker: what it had not reached
    // when the process was killed is projected after the restart.
    const instances = await Promise.all(
      ids.map(async (id) => {
        const history = await stores.historyStore.retrieveHistory('', id, {
          window: { timeproperty: 'modifiedAt' },
          maxInstances: 10,
        });
        return Object.values(history?.attrs ?? {}).flatMap((a) => a.instances).length;
      }),
    );
    await stores.close();
    for (let i = 0; i <= last; i++) assert.equal(ids[i], `urn:ngsi-ld:Thing:${i}`);
    // One attribute written once per entity: one instance each, none lost, none doubled.
    assert.deepEqual(
      instances.filter((n) => n !== 1),
      [],
    );
  });

  it('createSqliteStores applies each migration once and keeps the data when reopened', async () => {
    const path = join(directory, 'reopen.db');
    const first = createSqliteStores({ path });
    await first.entityStore.mutate('', [put(entity('urn:ngsi-ld:Car:1', 'Car'))], {
      createTenant: false,
    });
    await first.close();
    await first.close();
    const second = createSqliteStores({ path });
    assert.ok(await second.entityStore.getEntity('', 'urn:ngsi-ld:Car:1'));
    await second.close();
    const db = new Database(path, { readonly: true });
    const rows = db
      .prepare('SELECT version, name FROM schema_migrations ORDER BY version')
      .all() as Array<{ version: number; name: string }>;
    const journal = db.pragma('journal_mode', { simple: true });
    db.close();
    assert.deepEqual(
      rows.map((r) => [r.version, r.name]),
      SQLITE_MIGRATIONS.map((m) => [m.version, m.name]),
    );
    assert.equal(journal, 'wal');
  });
});
