/**
 * Production storage: PostgreSQL through a connection pool. Connects, applies pending
 * migrations, and returns both stores with one `close`.
 */
import type { ChangeLog } from '../../context/ports/change-log.port.js';
import type { EntityStore } from '../../context/ports/entity-store.port.js';
import type { JsonLdContextStore } from '../../context/ports/json-ld-context-store.port.js';
import { createPostgresChangeLog } from './postgres-change-log.js';
import { connectPostgres, migratePostgres } from './postgres-database.js';
import { createPostgresEntityStore } from './postgres-entity-store.js';
import { createPostgresJsonLdContextStore } from './postgres-json-ld-context-store.js';

export interface PostgresStores {
  entityStore: EntityStore;
  contextStore: JsonLdContextStore;
  changeLog: ChangeLog;
  /** Ends the pool after running queries finish; calling it again does nothing. */
  close(): Promise<void>;
}

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database (startup parameters such as `?search_path=` pass through). */
  url: string;
  /** Pool size; default 10. */
  maxConnections?: number;
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
  return {
    entityStore: createPostgresEntityStore(sql, changeLog, close),
    changeLog,
    contextStore: createPostgresJsonLdContextStore(sql),
    close,
  };
}
