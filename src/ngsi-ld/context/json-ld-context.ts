/**
 * An effective JSON-LD @context, compiled once into term maps (NGSI-LD 5.5.7, contexts.md).
 * The core context is always overlaid last; expansion and compaction are map look-ups.
 */
export interface JsonLdContext {
  /** Expand an entity type, attribute name or @vocab-coerced value to an IRI. */
  expandTerm(term: string): string;
  /** Compact an IRI back to the shortest term of this context, or return it unchanged (FQN). */
  compactIri(iri: string): string;
  /**
   * The @context as the client gave it, followed by the core context URL, for
   * `application/ld+json` response bodies (a single string when only the core applies).
   */
  readonly bodyContext: string | Array<string | Record<string, unknown>>;
  /** URL for the response `Link` header: the user context URL, or the core URL. */
  readonly linkUrl: string;
}
