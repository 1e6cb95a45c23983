/**
 * The embedded storage of Civis (the default): one SQLite file per deployment, or
 * ':memory:' for tests. Opens the database, applies pending migrations, and returns both
 * stores with one `close`.
 */
import type { ChangeLog } from '../../context/ports/change-log.port.js';
import type { EntityStore } from '../../context/ports/entity-store.port.js';
import type { HistoryStore } from '../../context/ports/history-store.port.js';
import type { JsonLdContextStore } from '../../context/ports/json-ld-context-store.port.js';
import type { SubscriptionStore } from '../../context/ports/subscription-store.port.js';
import type { DeviceStore } from '../../ingest/ports/device-store.port.js';
import type { RejectionStore } from '../../ingest/ports/rejection-store.port.js';
import { createSqliteChangeLog } from './sqlite-change-log.js';
import { startSqliteCheckpointer } from './sqlite-checkpointer.js';
import { openSqliteDatabase } from './sqlite-database.js';
import { createSqliteDeviceStore } from './sqlite-device-store.js';
import { createSqliteEntityStore } from './sqlite-entity-store.js';
import { createSqliteHistoryStore } from './sqlite-history-store.js';
import { createSqliteHistoryWriter } from './sqlite-history-writer.js';
import { createSqliteJsonLdContextStore } from './sqlite-json-ld-context-store.js';
import { createSqliteRejectionStore } from './sqlite-rejection-store.js';
import { createSqliteSubscriptionStore } from './sqlite-subscription-store.js';

export interface SqliteStores {
  entityStore: EntityStore;
  contextStore: JsonLdContextStore;
  changeLog: ChangeLog;
  subscriptionStore: SubscriptionStore;
  historyStore: HistoryStore;
  /** The device registry (ingest). */
  deviceStore: DeviceStore;
  /** Dead letters of the acquisition layer, the newest `rejectionCapacity` kept. */
  rejectionStore: RejectionStore;
  /** Closes the database; calling it again does nothing. */
  close(): Promise<void>;
}

export function createSqliteStores(options: {
  path: string;
  /** Rejected device messages kept (default 10,000). */
  rejectionCapacity?: number;
}): SqliteStores {
  const db = openSqliteDatabase(options.path);
  // A database in memory has no WAL to checkpoint.
  const checkpointer = db.memory ? undefined : startSqliteCheckpointer(db);
  const closeDatabase = async (): Promise<void> => {
    // The worker's connection first: the last connection to close checkpoints the WAL
    // completely and removes it.
    await checkpointer?.stop();
    if (db.open) db.close();
  };
  const changeLog = createSqliteChangeLog(db);
  const historyWriter = createSqliteHistoryWriter(db);
  return {
    entityStore: createSqliteEntityStore(db, changeLog, closeDatabase, historyWriter),
    historyStore: createSqliteHistoryStore(db, historyWriter),
    changeLog,
    contextStore: createSqliteJsonLdContextStore(db),
    subscriptionStore: createSqliteSubscriptionStore(db),
    deviceStore: createSqliteDeviceStore(db),
    rejectionStore: createSqliteRejectionStore(db, {
      capacity: options.rejectionCapacity ?? 10_000,
    }),
    close: closeDatabase,
  };
}
