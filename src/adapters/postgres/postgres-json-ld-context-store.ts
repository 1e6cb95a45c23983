/** JsonLdContextStore on PostgreSQL (NGSI-LD 5.13 `/jsonldContexts`): the `jsonld_contexts` table. */
import type { JsonLdContextStore } from '../../context/ports/json-ld-context-store.port.js';
import { contextFromRow, type JsonLdContextRow } from '../sql/json-ld-context-row.js';
import type { PostgresSql } from './postgres-database.js';

const COLUMNS = 'id, kind, url, context::text AS context, created_at';

export function createPostgresJsonLdContextStore(sql: PostgresSql): JsonLdContextStore {
  return {
    async putContext(entry) {
      // Replacing an entry keeps its place in the list (the upsert keeps the row and its seq).
      await sql.unsafe(
        `INSERT INTO jsonld_contexts (id, kind, url, context, created_at) VALUES ($1, $2, $3, $4::text::json, $5)
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, url = excluded.url, context = excluded.context, created_at = excluded.created_at`,
        [
          entry.id,
          entry.kind,
          entry.url ?? null,
          JSON.stringify(entry.context ?? null),
          entry.createdAt,
        ],
      );
    },
    async getContext(id) {
      const rows = await sql.unsafe<JsonLdContextRow[]>(
        `SELECT ${COLUMNS} FROM jsonld_contexts WHERE id = $1`,
        [id],
      );
      return rows[0] === undefined ? undefined : contextFromRow(rows[0]);
    },
    async listContexts() {
      return (
        await sql.unsafe<JsonLdContextRow[]>(`SELECT ${COLUMNS} FROM jsonld_contexts ORDER BY seq`)
      ).map(contextFromRow);
    },
    async deleteContext(id) {
      return (await sql.unsafe('DELETE FROM jsonld_contexts WHERE id = $1', [id])).count > 0;
    },
  };
}
