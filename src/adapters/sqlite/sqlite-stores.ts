/**
 * The embedded storage of Civis (the default): one SQLite file per deployment and its
 * history file beside it (`civis.db`, `civis-history.db`), or ':memory:' for tests. Opens
 * the databases, applies pending migrations, and returns the stores with one `close`.
 *
 * The attribute history is written by a worker thread that projects the change log into
 * the history file (sqlite-history-projection.ts); a database in memory, which no other
 * thread can open, has its history written in the transaction of each change instead.
 */
import type { Database as SqliteDatabase } from 'better-sqlite3';
import type { ChangeLog } from '../../context/ports/change-log.port.js';
import type { EntityStore } from '../../context/ports/entity-store.port.js';
import type { HistoryStore } from '../../context/ports/history-store.port.js';
import type { JsonLdContextStore } from '../../context/ports/json-ld-context-store.port.js';
import type { SubscriptionStore } from '../../context/ports/subscription-store.port.js';
import type { DeviceStore } from '../../ingest/ports/device-store.port.js';
import type { RejectionStore } from '../../ingest/ports/rejection-store.port.js';
import { createSqliteChangeLog, type SqliteChangeLog } from './sqlite-change-log.js';
import { startSqliteCheckpointer } from './sqlite-checkpointer.js';
import { openSqliteDatabase } from './sqlite-database.js';
import { createSqliteDeviceStore } from './sqlite-device-store.js';
import { createSqliteEntityStore } from './sqlite-entity-store.js';
import {
  alignProjection,
  historyFilePath,
  openSqliteHistoryDatabase,
  projectedSeq,
} from './sqlite-history-database.js';
import { startSqliteHistoryProjection } from './sqlite-history-projection.js';
import { createSqliteHistoryStore } from './sqlite-history-store.js';
import { createSqliteHistoryWriter, type SqliteHistoryWriter } from './sqlite-history-writer.js';
import { createSqliteJsonLdContextStore } from './sqlite-json-ld-context-store.js';
import { createSqliteRejectionStore } from './sqlite-rejection-store.js';
import { createSqliteSubscriptionStore } from './sqlite-subscription-store.js';
import { sqliteTenantRegistration } from './sqlite-tenants.js';

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
  /** A failure in the background (the history projection), retried by itself. */
  onBackgroundError?: (error: unknown) => void;
}): SqliteStores {
  const db = openSqliteDatabase(options.path);
  let history: HistoryWiring;
  try {
    history = db.memory
      ? historyInTheMainDatabase(db)
      : historyInItsOwnFile(db, options.onBackgroundError);
  } catch (error) {
    db.close();
    throw error;
  }
  const { changeLog, historyStore, inlineHistory, stopHistory } = history;
  // A database in memory has no WAL to checkpoint.
  const checkpointer = db.memory ? undefined : startSqliteCheckpointer(db);
  const closeDatabase = async (): Promise<void> => {
    // The workers' connections first: the last connection to close checkpoints the WAL
    // completely and removes it.
    await stopHistory();
    await checkpointer?.stop();
    if (db.open) db.close();
  };
  return {
    entityStore: createSqliteEntityStore(db, changeLog, closeDatabase, inlineHistory),
    historyStore,
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

interface HistoryWiring {
  changeLog: SqliteChangeLog;
  historyStore: HistoryStore;
  /** The history writer of the entity store, when the history is written inline. */
  inlineHistory: SqliteHistoryWriter | undefined;
  stopHistory(): Promise<void>;
}

function historyInTheMainDatabase(db: SqliteDatabase): HistoryWiring {
  const inlineHistory = createSqliteHistoryWriter(db);
  return {
    changeLog: createSqliteChangeLog(db),
    historyStore: createSqliteHistoryStore(db, { writer: inlineHistory }),
    inlineHistory,
    stopHistory: async () => undefined,
  };
}

function historyInItsOwnFile(
  db: SqliteDatabase,
  onError?: (error: unknown) => void,
): HistoryWiring {
  const historyPath = historyFilePath(db.name);
  const historyDb = openSqliteHistoryDatabase(db, historyPath);
  const mismatch = alignProjection(historyDb, db);
  if (mismatch !== undefined) onError?.(new Error(mismatch));
  const projected = projectedSeq(historyDb) ?? 0;
  const changeLog = createSqliteChangeLog(db, { projectedSeq: projected });
  const lastLogged = db.prepare('SELECT max(seq) FROM entity_changes').pluck().get() as
    number | null;
  const projection = startSqliteHistoryProjection({
    mainPath: db.name,
    historyPath,
    committed: Math.max(lastLogged ?? 0, projected),
    projected,
    onProjected: (seq) => changeLog.projected(seq),
    ...(onError === undefined ? {} : { onError }),
  });
  changeLog.onCommit((changes) => {
    const last = changes.at(-1);
    if (last !== undefined) projection.committed(last.seq);
  });
  return {
    changeLog,
    historyStore: createSqliteHistoryStore(historyDb, {
      caughtUp: projection.caughtUp,
      registerTenant: sqliteTenantRegistration(db),
    }),
    inlineHistory: undefined,
    stopHistory: async () => {
      await projection.stop();
      if (historyDb.open) historyDb.close();
    },
  };
}
