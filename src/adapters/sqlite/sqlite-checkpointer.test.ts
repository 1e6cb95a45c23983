import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import { startSqliteCheckpointer } from './sqlite-checkpointer.js';
import { openSqliteDatabase } from './sqlite-database.js';
import { createSqliteStores } from './sqlite-stores.js';

const directory = mkdtempSync(join(tmpdir(), 'civis-checkpointer-'));
after(() => rmSync(directory, { recursive: true, force: true }));

/** Frames in the WAL and frames already copied into the database, without checkpointing. */
function walState(db: SqliteDatabase): { log: number; checkpointed: number } {
  const [state] = db.pragma('wal_checkpoint(NOOP)') as Array<{ log: number; checkpointed: number }>;
  assert.ok(state);
  return state;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function writeRows(db: SqliteDatabase, count: number): void {
  const insert = db.prepare('INSERT INTO tenants (name, created_at) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 0; i < count; i++) insert.run(`${Math.random()}`.repeat(20), 't');
  })();
}

describe('startSqliteCheckpointer', () => {
  it('startSqliteCheckpointer copies committed WAL frames into the database from a worker thread', async () => {
    const db = openSqliteDatabase(join(directory, 'copy.db'));
    const checkpointer = startSqliteCheckpointer(db, { intervalMs: 10 });
    writeRows(db, 200);
    const written = walState(db).log;
    assert.ok(written > 0);
    let state = walState(db);
    for (let tries = 0; tries < 500 && state.checkpointed < written; tries++) {
      await pause(10);
      state = walState(db);
    }
    assert.ok(state.checkpointed >= written);
    await checkpointer.stop();
    db.close();
  });

  it('startSqliteCheckpointer lets the WAL start over once it is larger than restartBytes', async () => {
    const db = openSqliteDatabase(join(directory, 'restart.db'));
    const checkpointer = startSqliteCheckpointer(db, { intervalMs: 5, restartBytes: 8 * 8192 });
    let restarted = false;
    for (let i = 0; i < 200 && !restarted; i++) {
      const before = walState(db).log;
      writeRows(db, 50);
      restarted = walState(db).log < before;
      await pause(5);
    }
    assert.ok(restarted, 'the WAL never started over');
    await checkpointer.stop();
    db.close();
  });

  it('stop ends the worker, twice without harm, and closing the stores removes the WAL', async () => {
    const path = join(directory, 'close.db');
    const stores = createSqliteStores({ path });
    await stores.entityStore.mutate(
      '',
      [
        {
          id: 'urn:e:1',
          apply: () => ({
            next: {
              id: 'urn:e:1',
              type: ['http://t/A'],
              createdAt: 't',
              modifiedAt: 't',
              attrs: {},
            },
            report: null,
          }),
        },
      ],
      { createTenant: false },
    );
    assert.ok(existsSync(`${path}-wal`));
    await Promise.all([stores.close(), stores.entityStore.close()]);
    await stores.close();
    // The last connection to close checkpoints the WAL and deletes it: the worker's was closed first.
    assert.equal(existsSync(`${path}-wal`), false);
  });
});
