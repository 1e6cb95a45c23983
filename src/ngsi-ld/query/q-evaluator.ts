/**
 * Evaluation of a q syntax tree against one entity (NGSI-LD 4.9, query.md §2.2–2.3).
 * Storage adapters translate what they can to SQL and use this for the exact test.
 */
import type { Entity, JsonValue } from '../model.js';
import { compileRegex } from './regex-cache.js';
import { dateTimeMs, isDate, looksTemporal, timeMs, typedTemporal } from './q-literals.js';
import { instancesAt, targetOf } from './q-targets.js';
import type { Target } from './q-targets.js';
import type { QExpr, QScalar, QTerm, QValue } from './query.types.js';

type Expand = (term: string) => string;

const identity: Expand = (term) => term;

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares two temporal texts of one kind (`date` texts sort as written). */
function compareTemporal(
  kind: 'dateTime' | 'date' | 'time',
  a: string,
  b: string,
): number | undefined {
  if (kind === 'date') return isDate(a) && isDate(b) ? compareText(a, b) : undefined;
  const parse = kind === 'dateTime' ? dateTimeMs : timeMs;
  const x = parse(a);
  const y = parse(b);
  return x === undefined || y === undefined ? undefined : sign(x - y);
}

/**
 * Sign of (element − query value), or undefined when their types differ: a type mismatch
 * never matches a comparison (query.md §2.3).
 */
function compareScalar(
  element: JsonValue,
  q: QScalar,
  target: Target,
  expand: Expand,
): number | undefined {
  switch (q.type) {
    case 'number':
      return typeof element === 'number' ? sign(element - q.value) : undefined;
    case 'boolean':
      return typeof element === 'boolean' ? sign(Number(element) - Number(q.value)) : undefined;
    case 'string':
    case 'uri': {
      const text = target.kind === 'vocab' ? expand(q.value) : q.value;
      const literal = typedTemporal(element);
      // A quoted date against a DateTime-valued target compares as a date (Orion-LD
      // does; unverified in the spec, query.md §2.1).
      if (literal !== undefined) return compareTemporal(literal.type, literal.text, text);
      if (typeof element !== 'string') return undefined;
      if (target.kind === 'temporal' && looksTemporal(text) === 'dateTime')
        return compareTemporal('dateTime', element, text);
      return compareText(element, text);
    }
    default: {
      const literal = typedTemporal(element);
      if (literal !== undefined)
        return literal.type === q.type ? compareTemporal(q.type, literal.text, q.value) : undefined;
      return typeof element === 'string' ? compareTemporal(q.type, element, q.value) : undefined;
    }
  }
}

/** `==` for one element: identical to the value, one of the list, or inside the range. */
function equalsValue(element: JsonValue, value: QValue, target: Target, expand: Expand): boolean {
  switch (value.kind) {
    case 'scalar':
      return compareScalar(element, value.scalar, target, expand) === 0;
    case 'list':
      return value.items.some((item) => compareScalar(element, item, target, expand) === 0);
    case 'range': {
      const low = compareScalar(element, value.min, target, expand);
      const high = compareScalar(element, value.max, target, expand);
      return low !== undefined && high !== undefined && low >= 0 && high <= 0;
    }
    case 'regex':
      return false;
  }
}

function regexMatches(element: JsonValue, value: QValue): boolean {
  if (value.kind !== 'regex' || typeof element !== 'string') return false;
  // Patterns were validated by the parser; a hand-built tree with a bad one throws here.
  return compileRegex(value.source, value.flags, (reason) => `q: ${reason}`).test(element);
}

/** Does one existing target satisfy the term? Arrays match if an element does (`contains`). */
function targetMatches(target: Target, term: QTerm, expand: Expand): boolean {
  const { op, value } = term;
  if (op === undefined || value === undefined) return true;
  if (target.kind === 'relationship' && op !== '==' && op !== '!=') return false;
  const elements = Array.isArray(target.value) ? target.value : [target.value];
  switch (op) {
    case '==':
      return elements.some((element) => equalsValue(element, value, target, expand));
    case '!=':
      // The target exists here; a type mismatch counts as unequal.
      return !elements.some((element) => equalsValue(element, value, target, expand));
    case '~=':
      return elements.some((element) => regexMatches(element, value));
    case '!~=': {
      const strings = elements.filter((element) => typeof element === 'string');
      return strings.length > 0 && !strings.some((element) => regexMatches(element, value));
    }
    default: {
      if (value.kind !== 'scalar') return false;
      const wanted = op === '>' ? [1] : op === '>=' ? [0, 1] : op === '<' ? [-1] : [-1, 0];
      return elements.some((element) => {
        const order = compareScalar(element, value.scalar, target, expand);
        return order !== undefined && wanted.includes(order);
      });
    }
  }
}

function termMatches(entity: Entity, term: QTerm, expand: Expand): boolean {
  // Multi-instance attributes: the term holds if any instance satisfies it (query.md §2.2).
  return instancesAt(entity, term.path).some((instance) => {
    const target = targetOf(instance, term.path);
    return target !== undefined && targetMatches(target, term, expand);
  });
}

/**
 * True when `entity` satisfies `q`. `expandValue` expands query strings compared with
 * VocabProperty targets, whose stored values are IRIs (query.md §2.3); default identity.
 */
export function matchesQ(entity: Entity, q: QExpr, expandValue: Expand = identity): boolean {
  switch (q.kind) {
    case 'and':
      return q.terms.every((term) => matchesQ(entity, term, expandValue));
    case 'or':
      return q.terms.some((term) => matchesQ(entity, term, expandValue));
    case 'term':
      return termMatches(entity, q, expandValue);
  }
}

/** The top-level attribute IRIs a q expression refers to, each once, in order. */
export function qAttributes(q: QExpr): string[] {
  if (q.kind === 'term') return [q.path.attr];
  return [...new Set(q.terms.flatMap(qAttributes))];
}

/** The text values (quoted strings and URIs) a q expression compares with, each once. */
export function qTexts(q: QExpr): string[] {
  if (q.kind !== 'term') return [...new Set(q.terms.flatMap(qTexts))];
  const value = q.value;
  if (value === undefined || value.kind === 'regex') return [];
  const scalars =
    value.kind === 'scalar'
      ? [value.scalar]
      : value.kind === 'list'
        ? value.items
        : [value.min, value.max];
  return scalars.flatMap((s) => (s.type === 'string' || s.type === 'uri' ? [s.value] : []));
}
