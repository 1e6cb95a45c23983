/**
 * A JsonLdContext over compiled term maps. Defined terms are one Map look-up; names that need
 * work (compact IRIs, default-context names) are remembered in a small bounded memo, since a
 * request repeats the same few names many times.
 */
import { CORE_CONTEXT_URL } from './core-context.js';
import type { JsonLdContext } from './json-ld-context.js';
import { compactIri, compileContext, expandIri, type CompiledTerms } from './term-map.js';

const MEMO_ENTRIES = 1024;

export interface JsonLdContextInit {
  readonly bodyContext: JsonLdContext['bodyContext'];
  readonly linkUrl: string;
}

export function createJsonLdContext(
  compiled: CompiledTerms,
  init: JsonLdContextInit,
): JsonLdContext {
  const expanded = new Map<string, string>();
  const compacted = new Map<string, string>();
  return Object.freeze({
    bodyContext: init.bodyContext,
    linkUrl: init.linkUrl,
    expandTerm(term: string): string {
      const definition = compiled.terms.get(term);
      if (definition !== undefined) return definition.iri;
      let iri = expanded.get(term);
      if (iri === undefined) {
        iri = expandIri(compiled, term);
        // Cleared rather than evicted one by one: cheap, and bounded against hostile input.
        if (expanded.size >= MEMO_ENTRIES) expanded.clear();
        expanded.set(term, iri);
      }
      return iri;
    },
    compactIri(iri: string): string {
      let term = compacted.get(iri);
      if (term === undefined) {
        term = compactIri(compiled, iri);
        if (compacted.size >= MEMO_ENTRIES) compacted.clear();
        compacted.set(iri, term);
      }
      return term;
    },
  });
}

/** The context of a request without a user @context: the core context alone. */
export const CORE_JSON_LD_CONTEXT: JsonLdContext = createJsonLdContext(compileContext([]), {
  bodyContext: CORE_CONTEXT_URL,
  linkUrl: CORE_CONTEXT_URL,
});
