/**
 * Where @context documents are kept (NGSI-LD 5.13 `/jsonldContexts`): contexts clients
 * host on Civis, contexts Civis minted for inline request contexts, and downloaded ones.
 */
export type JsonLdContextKind = 'Hosted' | 'Cached' | 'ImplicitlyCreated';

export interface StoredJsonLdContext {
  /** Local id (a UUID for Hosted/ImplicitlyCreated; for Cached, derived from the URL). */
  id: string;
  kind: JsonLdContextKind;
  /** Original URL for Cached entries; absent for the others. */
  url?: string;
  /** The `@context` member's value. */
  context: unknown;
  createdAt: string;
}

export interface JsonLdContextStore {
  putContext(entry: StoredJsonLdContext): Promise<void>;
  getContext(id: string): Promise<StoredJsonLdContext | undefined>;
  listContexts(): Promise<StoredJsonLdContext[]>;
  /** Returns false when there was no such id. */
  deleteContext(id: string): Promise<boolean>;
}
