/** JsonLdContextStore on SQLite (NGSI-LD 5.13 `/jsonldContexts`): the `jsonld_contexts` table. */
import type { Database as SqliteDatabase } from 'better-sqlite3';
import type { JsonLdContextStore } from '../../context/ports/json-ld-context-store.port.js';
import { contextFromRow, type JsonLdContextRow } from '../sql/json-ld-context-row.js';

export function createSqliteJsonLdContextStore(db: SqliteDatabase): JsonLdContextStore {
  // Replacing an entry keeps its place in the list (the upsert keeps the row).
  const put = db.prepare(
    `INSERT INTO jsonld_contexts (id, kind, url, context, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, url = excluded.url, context = excluded.context, created_at = excluded.created_at`,
  );
  const get = db.prepare<[string], JsonLdContextRow>(
    'SELECT id, kind, url, context, created_at FROM jsonld_contexts WHERE id = ?',
  );
  const list = db.prepare<[], JsonLdContextRow>(
    'SELECT id, kind, url, context, created_at FROM jsonld_contexts ORDER BY seq',
  );
  const remove = db.prepare('DELETE FROM jsonld_contexts WHERE id = ?');
  return {
    async putContext(entry) {
      put.run(
        entry.id,
        entry.kind,
        entry.url ?? null,
        JSON.stringify(entry.context ?? null),
        entry.createdAt,
      );
    },
    async getContext(id) {
      const row = get.get(id);
      return row === undefined ? undefined : contextFromRow(row);
    },
    async listContexts() {
      return list.all().map(contextFromRow);
    },
    async deleteContext(id) {
      return remove.run(id).changes > 0;
    },
  };
}
