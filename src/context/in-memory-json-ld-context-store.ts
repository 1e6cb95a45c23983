/**
 * The /jsonldContexts store kept in memory: for tests and for a broker without a database.
 * Entries are copied in and out so callers never share mutable state with the store.
 */
import type {
  JsonLdContextStore,
  StoredJsonLdContext,
} from './ports/json-ld-context-store.port.js';

export function createInMemoryJsonLdContextStore(): JsonLdContextStore {
  const entries = new Map<string, StoredJsonLdContext>();
  return {
    async putContext(entry) {
      entries.set(entry.id, structuredClone(entry));
    },
    async getContext(id) {
      const entry = entries.get(id);
      return entry === undefined ? undefined : structuredClone(entry);
    },
    async listContexts() {
      return [...entries.values()].map((entry) => structuredClone(entry));
    },
    async deleteContext(id) {
      return entries.delete(id);
    },
  };
}
