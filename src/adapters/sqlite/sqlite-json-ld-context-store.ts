/** JsonLdContextStore on SQLite (NGSI-LD 5.13 `/jsonldContexts`): the `jsonld_contexts` table. */
import type { Database as SqliteDatabase } from 'better-sqlite3';
import type {
  JsonLdContextKind,
  JsonLdContextStore,
  StoredJsonLdContext,
} from '../../context/ports/json-ld-context-store.port.js';

interface ContextRow {
  id: string;
  kind: string;
  url: string | null;
  context: string;
  created_at: string;
}

export function contextFromRow(row: ContextRow): StoredJsonLdContext {
  const entry: StoredJsonLdContext = {
    id: row.id,
    kind: row.kind as JsonLdContextKind,
    context: JSON.parse(row.context) as unknown,
    createdAt: row.created_at,
  };
  if (row.url !== null) entry.url = row.url;
  return entry;
}

export function createSqliteJsonLdContextStore(db: SqliteDatabase): JsonLdContextStore {
  // Replacing an entry keeps its place in the list (the upsert keeps the row).
  const put = db.prepare(
    `INSERT INTO jsonld_contexts (id, kind, url, context, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, url = excluded.url, context = excluded.context, created_at = excluded.created_at`,
  );
  const get = db.prepare<[string], ContextRow>(
    'SELECT id, kind, url, context, created_at FROM jsonld_contexts WHERE id = ?',
  );
  const list = db.prepare<[], ContextRow>(
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
