/**
 * Compiles a request's user @context into term ↔ IRI maps, once per distinct context
 * (DESIGN.md "JSON-LD without the cost"); expanding or compacting a name is then a map look-up.
 *
 * Hand-written rather than jsonld-context-parser: NGSI-LD names need only terms, prefixes,
 * @vocab and @type, and the broker's rules differ from generic JSON-LD in ways the library
 * would fight (the core context overlaid last with no protected-term errors, scoped contexts
 * rejected, remote contexts fetched by our own loader with a timeout, size limit and cache).
 * A small compiler for exactly these rules is easier to verify and faster to run.
 */
import { badRequestData } from '../problem-details.js';
import { CORE_CONTEXT_DOCUMENT, DEFAULT_VOCAB } from './core-context.js';
import {
  KEYWORD_FORM,
  SCHEME,
  isRecord,
  processLocalContext,
  type ActiveContext,
  type TermDefinition,
} from './local-context.js';

export type { TermDefinition } from './local-context.js';

/**
 * A user @context with every remote reference already replaced by the `@context` value of
 * the document it names, in order (core context URLs dropped): objects, `null` (reset) and
 * arrays of these.
 */
export type ResolvedContextPart =
  Readonly<Record<string, unknown>> | null | readonly ResolvedContextPart[];

export interface CompiledTerms {
  /** Every term of the effective context, the core terms overlaid last (core wins). */
  readonly terms: ReadonlyMap<string, TermDefinition>;
  /** IRI → its shortest term, ties broken lexicographically; keyword aliases left out. */
  readonly iriToTerm: ReadonlyMap<string, string>;
}

const CORE_TERMS = compileCoreTerms();

function compileCoreTerms(): ReadonlyMap<string, TermDefinition> {
  const active: ActiveContext = { terms: new Map(), vocab: undefined };
  processLocalContext(active, CORE_CONTEXT_DOCUMENT['@context'], {
    fallback: undefined,
    allowScoped: true,
  });
  return active.terms;
}

/**
 * The effective context of a request: the user parts in order, then the core context as if
 * it were the last element, whatever the user wrote (NGSI-LD 5.5.7, contexts.md §2). The
 * core's @vocab therefore also wins: a user @vocab only affects the user's own definitions.
 */
export function compileContext(parts: readonly ResolvedContextPart[]): CompiledTerms {
  const active: ActiveContext = { terms: new Map(), vocab: undefined };
  for (const part of parts) applyPart(active, part);
  const terms = new Map(active.terms);
  for (const [term, definition] of CORE_TERMS) terms.set(term, definition);
  return { terms, iriToTerm: reverseTerms(terms) };
}

function applyPart(active: ActiveContext, part: unknown): void {
  if (part === null) {
    // null resets the active context (JSON-LD 1.1 §4.1 step 5.1); the core comes back last.
    active.terms.clear();
    active.vocab = undefined;
  } else if (Array.isArray(part)) {
    for (const element of part) applyPart(active, element);
  } else if (isRecord(part)) {
    processLocalContext(active, part, { fallback: CORE_TERMS, allowScoped: false });
  } else {
    throw badRequestData(
      `@context: ${JSON.stringify(part)} is not a valid context; expected an object, a URL or null`,
    );
  }
}

/** The reverse map JSON-LD term selection would use: shortest term, then lexicographic. */
function reverseTerms(terms: ReadonlyMap<string, TermDefinition>): Map<string, string> {
  const reverse = new Map<string, string>();
  for (const [term, { iri }] of terms) {
    if (KEYWORD_FORM.test(iri)) continue;
    const current = reverse.get(iri);
    if (
      current === undefined ||
      term.length < current.length ||
      (term.length === current.length && term < current)
    ) {
      reverse.set(iri, term);
    }
  }
  return reverse;
}

/**
 * Expands a type, attribute name or @vocab-coerced value (contexts.md §3): a defined term →
 * its IRI; `prefix:suffix` with a defined prefix → prefix IRI + suffix; an absolute IRI
 * (`https:`, `urn:`…) or blank node → unchanged; anything else → default-context + term.
 */
export function expandIri(compiled: CompiledTerms, term: string): string {
  const definition = compiled.terms.get(term);
  if (definition !== undefined) return definition.iri;
  const colon = term.indexOf(':');
  if (colon > 0) {
    const prefix = term.slice(0, colon);
    const suffix = term.slice(colon + 1);
    if (prefix === '_' || suffix.startsWith('//')) return term;
    const prefixDefinition = compiled.terms.get(prefix);
    if (prefixDefinition?.prefix === true) return prefixDefinition.iri + suffix;
    if (SCHEME.test(term)) return term;
  }
  if (KEYWORD_FORM.test(term)) return term;
  return DEFAULT_VOCAB + term;
}

/**
 * Compacts an IRI for output (contexts.md §3): the shortest term mapping to it; else, under
 * the default context, the local part (when it would expand back to the same IRI); else the
 * IRI itself. Compact IRIs (`ex:foo`) are not produced: the full IRI is the safe reading.
 */
export function compactIri(compiled: CompiledTerms, iri: string): string {
  const term = compiled.iriToTerm.get(iri);
  if (term !== undefined) return term;
  if (iri.startsWith(DEFAULT_VOCAB)) {
    const local = iri.slice(DEFAULT_VOCAB.length);
    if (
      local !== '' &&
      !local.includes(':') &&
      !local.startsWith('@') &&
      !compiled.terms.has(local)
    ) {
      return local;
    }
  }
  return iri;
}
