/** The `tenants` table of the main SQLite database: a tenant exists once it was written to. */
import type { Database as SqliteDatabase } from 'better-sqlite3';
import { DEFAULT_TENANT } from '../../ngsi-ld/model.js';

/** Registers a tenant (the default tenant always exists); call it inside the write's transaction. */
export function sqliteTenantRegistration(db: SqliteDatabase): (tenant: string) => void {
  const insert = db.prepare('INSERT OR IGNORE INTO tenants (name, created_at) VALUES (?, ?)');
  return (tenant) => {
    if (tenant !== DEFAULT_TENANT) insert.run(tenant, new Date().toISOString());
  };
}
