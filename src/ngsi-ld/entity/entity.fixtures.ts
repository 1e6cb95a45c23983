/**
 * Test fixtures for this folder. `fakeContext`: a JsonLdContext that behaves like the core context alone (plus optional
 * extra terms): short names expand under the default @vocab, the predefined GeoProperty
 * names under the core namespace, absolute IRIs stay as they are; compaction reverses it.
 */
import assert from 'node:assert/strict';
import type { JsonLdContext } from '../../ngsi-ld/context/json-ld-context.js';
import { isProblemDetails } from '../problem-details.js';

export const DEFAULT_VOCAB = 'https://uri.etsi.org/ngsi-ld/default-context/';
export const CORE = 'https://uri.etsi.org/ngsi-ld/';
const CORE_TERMS = new Set(['location', 'observationSpace', 'operationSpace']);
const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

export function fakeContext(terms: Record<string, string> = {}): JsonLdContext {
  const reverse = new Map(Object.entries(terms).map(([term, iri]) => [iri, term]));
  return {
    expandTerm(term: string): string {
      const mapped = terms[term];
      if (mapped !== undefined) return mapped;
      if (CORE_TERMS.has(term)) return CORE + term;
      return HAS_SCHEME.test(term) ? term : DEFAULT_VOCAB + term;
    },
    compactIri(iri: string): string {
      const term = reverse.get(iri);
      if (term !== undefined) return term;
      if (iri.startsWith(CORE) && CORE_TERMS.has(iri.slice(CORE.length)))
        return iri.slice(CORE.length);
      if (iri.startsWith(DEFAULT_VOCAB)) return iri.slice(DEFAULT_VOCAB.length);
      return iri;
    },
    bodyContext: 'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.9.jsonld',
    linkUrl: 'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.9.jsonld',
  };
}

/** Expands a short name under the default @vocab (test shorthand). */
export function dc(name: string): string {
  return DEFAULT_VOCAB + name;
}

/** An `assert.throws` validator: a 400 BadRequestData whose detail matches `pattern`. */
export function badRequest(pattern?: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(isProblemDetails(error), `expected a ProblemDetails, got ${String(error)}`);
    assert.equal(error.status, 400);
    assert.equal(error.type, 'https://uri.etsi.org/ngsi-ld/errors/BadRequestData');
    if (pattern) assert.match(error.detail, pattern);
    return true;
  };
}
