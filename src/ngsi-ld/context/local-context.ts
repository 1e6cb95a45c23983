/**
 * JSON-LD 1.1 context processing (W3C JSON-LD 1.1 Processing Algorithms §4.1 Context Processing,
 * §4.2 Create Term Definition, §5.2 IRI Expansion), restricted to what NGSI-LD names need:
 * term → IRI, prefixes (compact IRIs), @vocab and each term's @type coercion. Containers,
 * languages and directions are validated but not kept: attribute values stay opaque
 * (contexts.md §3).
 */
import { badRequestData, type ProblemDetails } from '../problem-details.js';
import { DEFAULT_VOCAB } from './core-context.js';

export interface TermDefinition {
  /** The expanded IRI, or a keyword (`@id`, `@type`…) when the term is a keyword alias. */
  readonly iri: string;
  /** The term's `@type`: `@id`, `@vocab`, `@json`, `@none` or a datatype IRI. */
  readonly typeCoercion: string | undefined;
  /** Whether `term:suffix` expands through this term (JSON-LD 1.1 §4.2.2 steps 14.2.3, 20). */
  readonly prefix: boolean;
}

export interface ActiveContext {
  readonly terms: Map<string, TermDefinition>;
  vocab: string | undefined;
}

export interface LocalContextOptions {
  /**
   * Definitions to use when a user term definition names a term or prefix it did not define
   * itself: the core context's, as if it came first (user contexts often list the core first
   * and then write `ngsi-ld:…`). The core is still overlaid last, so it also wins.
   */
  readonly fallback: ReadonlyMap<string, TermDefinition> | undefined;
  /** Skip scoped contexts instead of rejecting them: only the core context (`ngsildproof`) has one. */
  readonly allowScoped: boolean;
}

export const KEYWORD_FORM = /^@[a-zA-Z]+$/;
export const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const GEN_DELIM_END = /[:/?#[\]@]$/;
const KEYWORDS = new Set([
  '@base', '@container', '@context', '@direction', '@graph', '@id', '@import', '@included',
  '@index', '@json', '@language', '@list', '@nest', '@none', '@prefix', '@propagate',
  '@protected', '@reverse', '@set', '@type', '@value', '@version', '@vocab',
]); // prettier-ignore
const TERM_DEFINITION_KEYS = new Set([
  '@id', '@type', '@container', '@language', '@direction', '@reverse', '@prefix', '@protected',
  '@nest', '@index', '@context',
]); // prettier-ignore
const CONTAINERS = new Set(['@list', '@set', '@index', '@language', '@id', '@type', '@graph']);
const TYPE_KEYWORDS = new Set(['@id', '@vocab', '@json', '@none']);

interface Processing {
  readonly active: ActiveContext;
  readonly local: Readonly<Record<string, unknown>>;
  /** JSON-LD's `defined` map: false while a term is being defined (cycle detection). */
  readonly defined: Map<string, boolean>;
  readonly options: LocalContextOptions;
}

export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(detail: string): ProblemDetails {
  return badRequestData(`@context: ${detail}`);
}

/** Applies one local context object to `active` (JSON-LD 1.1 §4.1 step 5.5 onwards). */
export function processLocalContext(
  active: ActiveContext,
  local: Readonly<Record<string, unknown>>,
  options: LocalContextOptions,
): void {
  const processing: Processing = { active, local, defined: new Map(), options };
  for (const [key, value] of Object.entries(local)) {
    if (KEYWORD_FORM.test(key)) processContextKeyword(processing, key, value);
  }
  for (const term of Object.keys(local)) {
    if (!KEYWORD_FORM.test(term)) defineTerm(processing, term);
  }
}

function processContextKeyword(p: Processing, key: string, value: unknown): void {
  switch (key) {
    case '@version':
      if (value !== 1.1) throw invalid(`invalid @version value ${JSON.stringify(value)}`);
      return;
    case '@vocab':
      if (value === null) p.active.vocab = undefined;
      else if (typeof value === 'string') {
        // Expanded against earlier contexts only, never this one's terms (JSON-LD 1.1 §4.1 5.8.3).
        p.active.vocab = expandIriValue({ ...p, local: {} }, value, undefined);
      } else throw invalid('@vocab must be a string or null');
      return;
    case '@base':
    case '@language':
      // Accepted and unused: NGSI-LD never resolves relative IRIs nor tags values by language.
      if (value !== null && typeof value !== 'string')
        throw invalid(`${key} must be a string or null`);
      return;
    case '@direction':
      if (value !== null && value !== 'ltr' && value !== 'rtl') throw invalid('invalid @direction');
      return;
    case '@protected':
    case '@propagate':
      // @protected is accepted and ignored: the core context wins without errors (contexts.md §2).
      if (typeof value !== 'boolean') throw invalid(`${key} must be true or false`);
      return;
    case '@import':
      throw invalid(
        '@import is not supported; list the imported context in the @context array instead',
      );
    case '@type':
      // JSON-LD 1.1 allows `"@type": {"@container": "@set"}` and nothing else.
      if (isRecord(value) && value['@container'] === '@set') return;
      throw invalid('keyword @type cannot be redefined');
    default:
      if (KEYWORDS.has(key)) throw invalid(`keyword ${key} cannot be redefined`);
    // Other terms of the form of a keyword are ignored (JSON-LD 1.1 §4.2.2 step 4).
  }
}

function defineTerm(p: Processing, term: string): void {
  const state = p.defined.get(term);
  if (state === true) return;
  if (state === false) throw invalid(`cyclic IRI mapping involving term "${term}"`);
  p.defined.set(term, false);
  // A term being redefined loses its previous definition first (JSON-LD 1.1 §4.2.2 step 11).
  p.active.terms.delete(term);
  const definition = createDefinition(p, term, p.local[term]);
  // null resets the term. JSON-LD would then drop such keys on expansion; a broker must not
  // silently lose attributes, so the term falls back to @vocab like any undefined term.
  if (definition !== undefined) p.active.terms.set(term, definition);
  p.defined.set(term, true);
}

function createDefinition(p: Processing, term: string, value: unknown): TermDefinition | undefined {
  if (term === '') throw invalid('the empty string is not a valid term');
  if (value === null) return undefined;
  if (typeof value === 'string') return fromIri(p, term, value, undefined, { simple: true });
  if (!isRecord(value))
    throw invalid(`the definition of term "${term}" must be a string, an object or null`);
  for (const key of Object.keys(value)) {
    if (!TERM_DEFINITION_KEYS.has(key))
      throw invalid(`term "${term}" has an invalid member "${key}"`);
  }
  if (value['@context'] !== undefined && !p.options.allowScoped) {
    throw invalid(`term "${term}" has a scoped context, which NGSI-LD does not allow`);
  }
  validateTermOptions(term, value);
  // NGSI-LD has no reverse properties: such a term is left undefined (it expands via @vocab).
  if (value['@reverse'] !== undefined) return undefined;
  const typeCoercion =
    value['@type'] === undefined ? undefined : typeMapping(p, term, value['@type']);
  const id = value['@id'];
  if (id === null) return undefined;
  if (id !== undefined && typeof id !== 'string')
    throw invalid(`term "${term}": @id must be a string`);
  return fromIri(p, term, id, typeCoercion, { simple: false, prefix: value['@prefix'] === true });
}

function validateTermOptions(term: string, value: Readonly<Record<string, unknown>>): void {
  const container = value['@container'];
  if (container !== undefined && container !== null) {
    const list = Array.isArray(container) ? container : [container];
    if (!list.every((c) => typeof c === 'string' && CONTAINERS.has(c))) {
      throw invalid(`term "${term}" has an invalid @container`);
    }
  }
  const language = value['@language'];
  if (language !== undefined && language !== null && typeof language !== 'string') {
    throw invalid(`term "${term}": @language must be a string or null`);
  }
  const direction = value['@direction'];
  if (direction !== undefined && direction !== null && direction !== 'ltr' && direction !== 'rtl') {
    throw invalid(`term "${term}" has an invalid @direction`);
  }
  for (const key of ['@prefix', '@protected'] as const) {
    if (value[key] !== undefined && typeof value[key] !== 'boolean') {
      throw invalid(`term "${term}": ${key} must be true or false`);
    }
  }
  for (const key of ['@nest', '@index', '@reverse'] as const) {
    if (value[key] !== undefined && typeof value[key] !== 'string') {
      throw invalid(`term "${term}": ${key} must be a string`);
    }
  }
}

function typeMapping(p: Processing, term: string, type: unknown): string {
  if (typeof type !== 'string') throw invalid(`term "${term}": @type must be a string`);
  if (TYPE_KEYWORDS.has(type)) return type;
  if (KEYWORD_FORM.test(type)) throw invalid(`term "${term}" has an invalid @type ${type}`);
  return expandIriValue(p, type, term);
}

function fromIri(
  p: Processing,
  term: string,
  id: string | undefined,
  typeCoercion: string | undefined,
  flags: { simple: boolean; prefix?: boolean },
): TermDefinition | undefined {
  if (id !== undefined && KEYWORD_FORM.test(id)) {
    if (id === '@context') throw invalid(`term "${term}" cannot alias @context`);
    // Unknown keyword-like values leave the term undefined (JSON-LD 1.1 §4.2.2 step 14.2.2).
    return KEYWORDS.has(id) ? { iri: id, typeCoercion: undefined, prefix: false } : undefined;
  }
  const iri =
    id !== undefined
      ? expandIriValue(p, id, term)
      : term.includes(':')
        ? expandIriValue(p, term, term)
        : (p.active.vocab ?? DEFAULT_VOCAB) + term;
  const simplePrefix =
    flags.simple && !term.includes(':') && !term.includes('/') && GEN_DELIM_END.test(iri);
  return { iri, typeCoercion, prefix: flags.prefix === true || simplePrefix };
}

/**
 * IRI expansion of a value inside a context, with `vocab: true` (JSON-LD 1.1 §5.2). `self` is
 * the term being defined: a definition that names itself (`"Vehicle": "Vehicle"`) resolves
 * through the fallback and @vocab instead of being a cycle, as lenient brokers do.
 */
function expandIriValue(p: Processing, value: string, self: string | undefined): string {
  if (value !== self) {
    if (Object.hasOwn(p.local, value)) defineTerm(p, value);
    const own = p.active.terms.get(value);
    if (own !== undefined) return own.iri;
  }
  const colon = value.indexOf(':');
  if (colon > 0) {
    const prefix = value.slice(0, colon);
    const suffix = value.slice(colon + 1);
    if (prefix === '_' || suffix.startsWith('//')) return value;
    let prefixDefinition: TermDefinition | undefined;
    if (prefix !== self) {
      if (Object.hasOwn(p.local, prefix)) defineTerm(p, prefix);
      prefixDefinition = p.active.terms.get(prefix);
    }
    prefixDefinition ??= p.options.fallback?.get(prefix);
    if (prefixDefinition?.prefix === true) return prefixDefinition.iri + suffix;
    if (SCHEME.test(value)) return value;
  }
  const fallback = p.options.fallback?.get(value);
  if (fallback !== undefined && !KEYWORD_FORM.test(fallback.iri)) return fallback.iri;
  return (p.active.vocab ?? DEFAULT_VOCAB) + value;
}
