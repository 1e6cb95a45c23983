/**
 * Translates the indexable part of a q syntax tree (NGSI-LD 4.9) into a Condition. It
 * mirrors src/ngsi-ld/query/q-evaluator.ts, the authority: a translation is always a
 * superset of what the evaluator matches, and is marked exact only when it is the same set.
 *
 * Translated: terms on a top-level attribute (no sub-attribute, member or JSON path) that
 * test existence, or compare with `==`, `!=`, `<`, `<=`, `>`, `>=` a number, boolean,
 * string or URI, a list or a range of them. Everything else (regular expressions, dates,
 * deeper paths) becomes "the attribute exists", which every term implies.
 */
import type { ValueRowKind } from './entity-index-rows.js';
import { encodeIndexText, hasCodeUnitOrder } from './index-text.js';
import {
  andAll,
  orAll,
  type Comparison,
  type Condition,
  type RowTest,
  type Translation,
} from './query-condition.js';
import { looksTemporal } from '../../ngsi-ld/query/q-literals.js';
import type { QExpr, QOperator, QScalar, QTerm, QValue } from '../../ngsi-ld/query/query.types.js';

interface Tests {
  tests: RowTest[];
  exact: boolean;
}

/**
 * Strings compare with Property-like and VocabProperty elements, and — for `==`/`!=`
 * only — with Relationship targets. VocabProperty elements are IRIs and compare with the
 * query text expanded (`EntityQuery.vocabularyTerms`, see withVocabulary below).
 */
function stringKinds(op: Comparison | 'between'): ValueRowKind[] {
  return op === '=' || op === 'between' ? ['s', 'v', 'r'] : ['s', 'v'];
}

function isText(scalar: QScalar): scalar is Extract<QScalar, { type: 'string' | 'uri' }> {
  return scalar.type === 'string' || scalar.type === 'uri';
}

/**
 * A quoted or URI text that looks temporal may equal a typed temporal literal
 * (`{"@type":"DateTime","@value":…}`), which SQL cannot compare: such rows stay candidates.
 */
function temporalCandidates(texts: string[]): Tests {
  return texts.some((text) => looksTemporal(text) !== undefined)
    ? { tests: [{ kinds: ['d'], op: 'any' }], exact: false }
    : { tests: [], exact: true };
}

/** The row test for `element <op> scalar`, or undefined when SQL cannot tell. */
function comparisonTest(scalar: QScalar, op: Comparison): RowTest | undefined {
  switch (scalar.type) {
    case 'number':
      return { kinds: ['n'], column: 'num', op, value: scalar.value };
    case 'boolean':
      return { kinds: ['b'], column: 'str', op, value: String(scalar.value) };
    case 'string':
    case 'uri':
      if (op !== '=' && !hasCodeUnitOrder(scalar.value)) return undefined;
      return { kinds: stringKinds(op), column: 'str', op, value: encodeIndexText(scalar.value) };
    default:
      return undefined;
  }
}

function textsOf(scalars: QScalar[]): string[] {
  return scalars.flatMap((scalar) => (isText(scalar) ? [scalar.value] : []));
}

function scalarTests(scalar: QScalar, op: Comparison): Tests | undefined {
  const test = comparisonTest(scalar, op);
  if (test === undefined) return undefined;
  const temporal = temporalCandidates(textsOf([scalar]));
  return { tests: [test, ...temporal.tests], exact: temporal.exact };
}

function rangeTests(min: QScalar, max: QScalar): Tests | undefined {
  let test: RowTest | undefined;
  if (min.type === 'number' && max.type === 'number') {
    test = { kinds: ['n'], column: 'num', op: 'between', min: min.value, max: max.value };
  } else if (min.type === 'boolean' && max.type === 'boolean') {
    test = {
      kinds: ['b'],
      column: 'str',
      op: 'between',
      min: String(min.value),
      max: String(max.value),
    };
  } else if (
    isText(min) &&
    isText(max) &&
    hasCodeUnitOrder(min.value) &&
    hasCodeUnitOrder(max.value)
  ) {
    const [low, high] = [encodeIndexText(min.value), encodeIndexText(max.value)];
    test = { kinds: stringKinds('between'), column: 'str', op: 'between', min: low, max: high };
  }
  if (test === undefined) return undefined;
  const temporal = temporalCandidates(textsOf([min, max]));
  return { tests: [test, ...temporal.tests], exact: temporal.exact };
}

/** Equality with any item of a list: one `in` test per column and kind set. */
function listTests(items: QScalar[]): Tests | undefined {
  const grouped = new Map<string, Extract<RowTest, { op: 'in' }>>();
  for (const item of items) {
    const test = comparisonTest(item, '=');
    if (test === undefined || test.op !== '=') return undefined;
    const key = `${test.column}:${test.kinds.join()}`;
    const group = grouped.get(key) ?? {
      kinds: test.kinds,
      column: test.column,
      op: 'in',
      values: [],
    };
    group.values.push(test.value);
    grouped.set(key, group);
  }
  const temporal = temporalCandidates(textsOf(items));
  return { tests: [...grouped.values(), ...temporal.tests], exact: temporal.exact };
}

function equalityTests(value: QValue): Tests | undefined {
  switch (value.kind) {
    case 'scalar':
      return scalarTests(value.scalar, '=');
    case 'list':
      return listTests(value.items);
    case 'range':
      return rangeTests(value.min, value.max);
    case 'regex':
      return undefined;
  }
}

const ORDERING: Partial<Record<QOperator, Comparison>> = {
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

/**
 * Splits text tests so that VocabProperty rows (`v`) compare with the expanded terms and
 * the other kinds with the text as written, as the evaluator does.
 */
function withVocabulary(tests: Tests, terms: Record<string, string>): Tests {
  const expand = (value: number | string) =>
    typeof value === 'string' ? (terms[value] ?? null) : null;
  const split = tests.tests.flatMap((test): RowTest[] => {
    if (test.op === 'any' || test.column !== 'str' || !test.kinds.includes('v')) return [test];
    const values =
      test.op === 'in' ? test.values : test.op === 'between' ? [test.min, test.max] : [test.value];
    if (values.every((value) => expand(value) === null)) return [test];
    const others = test.kinds.filter((kind) => kind !== 'v');
    const vocab = (value: number | string) => {
      const iri = expand(value);
      return iri === null ? value : encodeIndexText(iri);
    };
    let expanded: RowTest;
    if (test.op === 'in') expanded = { ...test, kinds: ['v'], values: test.values.map(vocab) };
    else if (test.op === 'between')
      expanded = { ...test, kinds: ['v'], min: vocab(test.min), max: vocab(test.max) };
    else expanded = { ...test, kinds: ['v'], value: vocab(test.value) };
    return others.length > 0 ? [{ ...test, kinds: others }, expanded] : [expanded];
  });
  return { tests: split, exact: tests.exact };
}

function translateTerm(term: QTerm, terms: Record<string, string>): Translation {
  const { path, op, value } = term;
  const attr = path.attr;
  const deep = path.subAttrs.length > 0 || path.member !== undefined || path.jsonPath !== undefined;
  // Every term needs an instance of its top-level attribute (q-targets.ts instancesAt).
  if (deep) return { condition: { kind: 'attrs', attrs: [attr] }, exact: false };
  const target: Condition = { kind: 'target', attr };
  if (op === undefined || value === undefined) return { condition: target, exact: true };
  let tests: Tests | undefined;
  const vocabulary = (found: Tests | undefined) =>
    found === undefined ? undefined : withVocabulary(found, terms);
  if (op === '==') tests = vocabulary(equalityTests(value));
  else if (op === '!=') {
    tests = vocabulary(equalityTests(value));
    // NOT EXISTS over a superset would drop matches: only an exact test may be negated.
    if (tests?.exact === true)
      return { condition: { kind: 'noValue', attr, tests: tests.tests }, exact: true };
    tests = undefined;
  } else {
    const comparison = ORDERING[op];
    if (comparison !== undefined && value.kind === 'scalar')
      tests = vocabulary(scalarTests(value.scalar, comparison));
  }
  if (tests === undefined) return { condition: target, exact: false };
  return { condition: { kind: 'value', attr, tests: tests.tests }, exact: tests.exact };
}

/** `vocabularyTerms`: expansions of q's text values for VocabProperty comparisons. */
export function translateQ(q: QExpr, vocabularyTerms: Record<string, string> = {}): Translation {
  switch (q.kind) {
    case 'and':
      return andAll(q.terms.map((t) => translateQ(t, vocabularyTerms)));
    case 'or':
      return orAll(q.terms.map((t) => translateQ(t, vocabularyTerms)));
    case 'term':
      return translateTerm(q, vocabularyTerms);
  }
}
