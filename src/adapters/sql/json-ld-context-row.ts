/** The `jsonld_contexts` row both adapters store (`context` as JSON text), and its reading. */
import type {
  JsonLdContextKind,
  StoredJsonLdContext,
} from '../../context/ports/json-ld-context-store.port.js';

export interface JsonLdContextRow {
  id: string;
  kind: string;
  url: string | null;
  context: string;
  created_at: string;
}

export function contextFromRow(row: JsonLdContextRow): StoredJsonLdContext {
  const entry: StoredJsonLdContext = {
    id: row.id,
    kind: row.kind as JsonLdContextKind,
    context: JSON.parse(row.context) as unknown,
    createdAt: row.created_at,
  };
  if (row.url !== null) entry.url = row.url;
  return entry;
}
