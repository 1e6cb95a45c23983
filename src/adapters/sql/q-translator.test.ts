/** translateQ on hand-built syntax trees (NGSI-LD 4.9; semantics of q-evaluator.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { QExpr, QOperator, QScalar, QTerm, QValue } from '../../ngsi-ld/query/query.types.js';
import { translateQ } from './q-translator.js';

const num = (value: number): QScalar => ({ type: 'number', value });
const str = (value: string): QScalar => ({ type: 'string', value });

function term(
  attr: string,
  op?: QOperator,
  value?: QValue,
  path: Partial<QTerm['path']> = {},
): QTerm {
  const t: QTerm = { kind: 'term', path: { attr, subAttrs: [], text: attr, ...path } };
  if (op !== undefined) t.op = op;
  if (value !== undefined) t.value = value;
  return t;
}
const scalar = (s: QScalar): QValue => ({ kind: 'scalar', scalar: s });

describe('translateQ', () => {
  it('translateQ turns an existence test into an exact target test', () => {
    assert.deepEqual(translateQ(term('a')), {
      condition: { kind: 'target', attr: 'a' },
      exact: true,
    });
  });

  it('translateQ compares numbers on the num column, exactly', () => {
    assert.deepEqual(translateQ(term('a', '>=', scalar(num(5)))), {
      condition: {
        kind: 'value',
        attr: 'a',
        tests: [{ kinds: ['n'], column: 'num', op: '>=', value: 5 }],
      },
      exact: true,
    });
  });

  it('translateQ lets == on text match Relationship objects but not orderings', () => {
    const eq = translateQ(term('a', '==', scalar({ type: 'uri', value: 'urn:x:1' })));
    assert.deepEqual(eq.condition, {
      kind: 'value',
      attr: 'a',
      tests: [{ kinds: ['s', 'v', 'r'], column: 'str', op: '=', value: 'urn:x:1' }],
    });
    const lt = translateQ(term('a', '<', scalar(str('m'))));
    assert.deepEqual(lt.condition, {
      kind: 'value',
      attr: 'a',
      tests: [{ kinds: ['s', 'v'], column: 'str', op: '<', value: 'm' }],
    });
  });

  it('translateQ keeps typed temporal values as candidates when the text looks like a date', () => {
    const t = translateQ(term('a', '==', scalar(str('2024-01-01'))));
    assert.equal(t.exact, false);
    assert.deepEqual(t.condition.kind === 'value' && t.condition.tests[1], {
      kinds: ['d'],
      op: 'any',
    });
  });

  it('translateQ groups a value list into one in-test per column', () => {
    const t = translateQ(
      term('a', '==', {
        kind: 'list',
        items: [num(1), str('x'), num(2), { type: 'boolean', value: true }],
      }),
    );
    assert.deepEqual(t, {
      condition: {
        kind: 'value',
        attr: 'a',
        tests: [
          { kinds: ['n'], column: 'num', op: 'in', values: [1, 2] },
          { kinds: ['s', 'v', 'r'], column: 'str', op: 'in', values: ['x'] },
          { kinds: ['b'], column: 'str', op: 'in', values: ['true'] },
        ],
      },
      exact: true,
    });
  });

  it('translateQ translates ranges of one type and leaves mixed ranges to the filter', () => {
    assert.deepEqual(
      translateQ(term('a', '==', { kind: 'range', min: num(1), max: num(2) })).condition,
      {
        kind: 'value',
        attr: 'a',
        tests: [{ kinds: ['n'], column: 'num', op: 'between', min: 1, max: 2 }],
      },
    );
    assert.deepEqual(translateQ(term('a', '==', { kind: 'range', min: num(1), max: str('2') })), {
      condition: { kind: 'target', attr: 'a' },
      exact: false,
    });
  });

  it('translateQ negates only exact equality tests for !=', () => {
    assert.deepEqual(translateQ(term('a', '!=', scalar(num(1)))), {
      condition: {
        kind: 'noValue',
        attr: 'a',
        tests: [{ kinds: ['n'], column: 'num', op: '=', value: 1 }],
      },
      exact: true,
    });
    // Negating a superset would drop matches: a date-like text falls back to the target.
    assert.deepEqual(translateQ(term('a', '!=', scalar(str('12:00:00Z')))), {
      condition: { kind: 'target', attr: 'a' },
      exact: false,
    });
  });

  it('translateQ leaves regular expressions, dates and text bounds beyond U+D7FF to the filter', () => {
    const fallback = { condition: { kind: 'target', attr: 'a' }, exact: false };
    assert.deepEqual(
      translateQ(term('a', '~=', { kind: 'regex', source: '^x', flags: '' })),
      fallback,
    );
    assert.deepEqual(
      translateQ(
        term('a', '>', scalar({ type: 'dateTime', value: '2024-01-01T00:00:00Z', epochMs: 0 })),
      ),
      fallback,
    );
    assert.deepEqual(translateQ(term('a', '>', scalar(str('\uE000')))), fallback);
    assert.equal(translateQ(term('a', '==', scalar(str('\uE000')))).exact, true);
  });

  it('translateQ requires only the top-level attribute for sub-attribute, member and JSON paths', () => {
    const expected = { condition: { kind: 'attrs', attrs: ['a'] }, exact: false };
    assert.deepEqual(translateQ(term('a', '==', scalar(num(1)), { subAttrs: ['b'] })), expected);
    assert.deepEqual(translateQ(term('a', '==', scalar(num(1)), { member: 'unitCode' })), expected);
    assert.deepEqual(translateQ(term('a', '==', scalar(num(1)), { jsonPath: ['k'] })), expected);
  });

  it('translateQ combines terms with and/or, exact only when every term is', () => {
    const q: QExpr = {
      kind: 'or',
      terms: [
        term('a'),
        {
          kind: 'and',
          terms: [
            term('b', '<', scalar(num(3))),
            term('c', '~=', { kind: 'regex', source: 'x', flags: '' }),
          ],
        },
      ],
    };
    assert.deepEqual(translateQ(q), {
      condition: {
        kind: 'or',
        items: [
          { kind: 'target', attr: 'a' },
          {
            kind: 'and',
            items: [
              {
                kind: 'value',
                attr: 'b',
                tests: [{ kinds: ['n'], column: 'num', op: '<', value: 3 }],
              },
              { kind: 'target', attr: 'c' },
            ],
          },
        ],
      },
      exact: false,
    });
  });

  it('translateQ encodes U+0000 in text values as the index does', () => {
    const t = translateQ(term('a', '==', scalar(str('a\u0000'))));
    assert.deepEqual(t.condition.kind === 'value' && t.condition.tests[0], {
      kinds: ['s', 'v', 'r'],
      column: 'str',
      op: '=',
      value: 'a\u0001\u0001',
    });
  });
});

describe('translateQ with vocabulary terms', () => {
  it('translateQ compares VocabProperty rows with the expanded term and other rows with the text', () => {
    const t = translateQ(term('a', '==', scalar(str('Delivery'))), {
      Delivery: 'http://x.org/Delivery',
    });
    assert.deepEqual(t, {
      condition: {
        kind: 'value',
        attr: 'a',
        tests: [
          { kinds: ['s', 'r'], column: 'str', op: '=', value: 'Delivery' },
          { kinds: ['v'], column: 'str', op: '=', value: 'http://x.org/Delivery' },
        ],
      },
      exact: true,
    });
  });

  it('translateQ keeps a text without expansion as one test', () => {
    const t = translateQ(term('a', '==', scalar(str('ok'))), { Delivery: 'http://x.org/Delivery' });
    assert.deepEqual(t.condition, {
      kind: 'value',
      attr: 'a',
      tests: [{ kinds: ['s', 'v', 'r'], column: 'str', op: '=', value: 'ok' }],
    });
  });
});
