/**
 * Production storage: PostgreSQL through a connection pool. Connects, applies pending
 * migrations, and returns both stores with one `close`.
 */
import type { ChangeLog } from '../../context/ports/change-log.port.js';
import type { EntityStore } from '../../context/ports/entity-store.port.js';
import type { HistoryStore } from '../../context/ports/history-store.port.js';
import type { JsonLdContextStore } from '../../context/ports/json-ld-context-store.port.js';
import type { SubscriptionStore } from '../../context/ports/subscription-store.port.js';
import type { DeviceStore } from '../../ingest/ports/device-store.port.js';
import type { RejectionStore } from '../../ingest/ports/rejection-store.port.js';
import { createPostgresChangeLog } from './postgres-change-log.js';
import { connectPostgres, migratePostgres } from './postgres-database.js';
import { createPostgresDeviceStore } from './postgres-device-store.js';
import { createPostgresEntityStore } from './postgres-entity-store.js';
import { createHistoryPartitions } from './postgres-history-partitions.js';
import { createHistoryStatistics } from './postgres-history-statistics.js';
import { createPostgresHistoryStore } from './postgres-history-store.js';
import { createPostgresHistoryWriter } from './postgres-history-writer.js';
import { createPostgresJsonLdContextStore } from './postgres-json-ld-context-store.js';
import { createPostgresRejectionStore } from './postgres-rejection-store.js';
import { createPostgresSubscriptionStore } from './postgres-subscription-store.js';

export interface PostgresStores {
  entityStore: EntityStore;
  contextStore: JsonLdContextStore;
  changeLog: ChangeLog;
  subscriptionStore: SubscriptionStore;
  historyStore: HistoryStore;
  /** The device registry (ingest). */
  deviceStore: DeviceStore;
  /** Dead letters of the acquisition layer, the newest `rejectionCapacity` kept. */
  rejectionStore: RejectionStore;
  /** Ends the pool after running queries finish; calling it again does nothing. */
  close(): Promise<void>;
}

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database (startup parameters such as `?search_path=` pass through). */
  url: string;
  /** Pool size; default 10. */
  maxConnections?: number;
  /** Rejected device messages kept (default 10,000). */
  rejectionCapacity?: number;
}

export async function createPostgresStores(options: PostgresStoreOptions): Promise<PostgresStores> {
  const sql = connectPostgres(options.url, options.maxConnections ?? 10);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= sql.end({ timeout: 5 }));
  try {
    await migratePostgres(sql);
  } catch (error) {
    await close();
    throw error;
  }
  const changeLog = createPostgresChangeLog(sql);
  const partitions = createHistoryPartitions(sql);
  // The months around the present get their partitions now; others when first written.
  await partitions.prepare(Date.now());
  const historyWriter = createPostgresHistoryWriter(partitions, createHistoryStatistics(sql));
  return {
    entityStore: createPostgresEntityStore(sql, changeLog, close, historyWriter),
    historyStore: createPostgresHistoryStore(sql, historyWriter, partitions),
    changeLog,
    contextStore: createPostgresJsonLdContextStore(sql),
    subscriptionStore: createPostgresSubscriptionStore(sql),
    deviceStore: createPostgresDeviceStore(sql),
    rejectionStore: createPostgresRejectionStore(sql, {
      capacity: options.rejectionCapacity ?? 10_000,
    }),
    close,
  };
}
