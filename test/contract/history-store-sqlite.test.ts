/**
 * The history store contract on SQLite: in memory (history written in each change's
 * transaction) and on a file (history projected into its own file by a worker thread).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { SqliteChangeLog } from '../../src/adapters/sqlite/sqlite-change-log.js';
import { openSqliteDatabase } from '../../src/adapters/sqlite/sqlite-database.js';
import { createSqliteHistoryStore } from '../../src/adapters/sqlite/sqlite-history-store.js';
import { createSqliteHistoryWriter } from '../../src/adapters/sqlite/sqlite-history-writer.js';
import { createSqliteStores } from '../../src/adapters/sqlite/sqlite-stores.js';
import { entityDoc } from '../../src/adapters/sql/entity-doc.js';
import type { EntityChange } from '../../src/context/ports/change-log.port.js';
import { describeHistoryFeedContract } from './history-store-feed.contract.js';
import { describeHistoryStoreContract } from './history-store.contract.js';

describeHistoryStoreContract('SQLite', async () => {
  const db = openSqliteDatabase(':memory:');
  const writer = createSqliteHistoryWriter(db);
  return {
    store: createSqliteHistoryStore(db, { writer }),
    feed: async (changes) => db.transaction(() => writer.append(changes)).immediate(),
    cleanup: async () => void db.close(),
  };
});

describeHistoryFeedContract('SQLite', async () => {
  const stores = createSqliteStores({ path: ':memory:' });
  return { ...stores, cleanup: stores.close };
});

/** Stores on a file in a directory of their own, removed by `cleanup`. */
function fileStores() {
  const dir = mkdtempSync(join(tmpdir(), 'civis-history-'));
  const path = join(dir, 'civis.db');
  const stores = createSqliteStores({ path });
  return {
    stores,
    path,
    cleanup: async () => {
      await stores.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeHistoryStoreContract('SQLite, history file', async () => {
  const { stores, path, cleanup } = fileStores();
  // Changes are fed as the entity store logs them: rows of the change log, then the commit.
  const feeder = new Database(path);
  const insert = feeder
    .prepare<unknown[]>(
      'INSERT INTO entity_changes (tenant, entity_id, at, previous, current) VALUES (?, ?, ?, ?, ?) RETURNING seq',
    )
    .pluck();
  const log = feeder.transaction((changes: EntityChange[]) =>
    changes.map((change) => ({
      ...change,
      seq: insert.get(
        change.tenant,
        change.entityId,
        change.at,
        change.previous === null ? null : entityDoc(change.previous),
        change.current === null ? null : entityDoc(change.current),
      ) as number,
    })),
  );
  return {
    store: stores.historyStore,
    feed: async (changes) =>
      (stores.changeLog as SqliteChangeLog).committed(log.immediate(changes)),
    cleanup: async () => {
      feeder.close();
      await cleanup();
    },
  };
});

describeHistoryFeedContract('SQLite, history file', async () => {
  const { stores, cleanup } = fileStores();
  return { ...stores, cleanup };
});
