import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQ } from './q-parser.js';
import type { QExpr, QOperator, QPath, QScalar, QTerm, QValue } from './query.types.js';

const DEFAULT = 'https://uri.etsi.org/ngsi-ld/default-context/';
const expand = (t: string): string => (t.includes(':') ? t : DEFAULT + t);

function path(text: string, extra: Partial<QPath> = {}): QPath {
  return { attr: expand(text), subAttrs: [], text, ...extra };
}
function term(attr: string, op?: QOperator, value?: QValue): QTerm {
  const t: QTerm = { kind: 'term', path: path(attr) };
  if (op !== undefined) t.op = op;
  if (value !== undefined) t.value = value;
  return t;
}
const num = (value: number): QValue => ({ kind: 'scalar', scalar: { type: 'number', value } });
const str = (value: string): QValue => ({ kind: 'scalar', scalar: { type: 'string', value } });
const scalarOf = (q: string): QScalar => {
  const parsed = parseQ(q, expand) as QTerm;
  assert.equal(parsed.value?.kind, 'scalar');
  return (parsed.value as { scalar: QScalar }).scalar;
};

test('parseQ builds an existence term for a bare attribute name (NGSI-LD 4.9)', () => {
  assert.deepEqual(parseQ('temperature', expand), term('temperature'));
});

test('parseQ reads every operator, longest first (query.md §2.1)', () => {
  const cases: Array<[string, QOperator]> = [
    ['a==1', '=='],
    ['a!=1', '!='],
    ['a>1', '>'],
    ['a>=1', '>='],
    ['a<1', '<'],
    ['a<=1', '<='],
  ];
  for (const [q, op] of cases) assert.deepEqual(parseQ(q, expand), term('a', op, num(1)), q);
  assert.deepEqual(
    parseQ('a~="x"', expand),
    term('a', '~=', { kind: 'regex', source: 'x', flags: '' }),
  );
  assert.deepEqual(
    parseQ('a!~="x"', expand),
    term('a', '!~=', { kind: 'regex', source: 'x', flags: '' }),
  );
});

test('parseQ binds ; tighter than | (query.md §2.1)', () => {
  const [a, b, c] = [term('a'), term('b'), term('c')];
  assert.deepEqual(parseQ('a;b|c', expand), {
    kind: 'or',
    terms: [{ kind: 'and', terms: [a, b] }, c],
  });
  assert.deepEqual(parseQ('a|b;c', expand), {
    kind: 'or',
    terms: [a, { kind: 'and', terms: [b, c] }],
  });
});

test('parseQ lets parentheses override precedence', () => {
  const [a, b, c] = [term('a'), term('b'), term('c')];
  assert.deepEqual(parseQ('(a|b);c', expand), {
    kind: 'and',
    terms: [{ kind: 'or', terms: [a, b] }, c],
  });
});

test('parseQ parses nested groups of the spec example', () => {
  const q = parseQ('((speed>50|rpm>3000);brandName=="Mercedes")', expand);
  assert.deepEqual(q, {
    kind: 'and',
    terms: [
      { kind: 'or', terms: [term('speed', '>', num(50)), term('rpm', '>', num(3000))] },
      term('brandName', '==', str('Mercedes')),
    ],
  });
});

test('parseQ flattens nested groups of the same kind', () => {
  const [a, b, c] = [term('a'), term('b'), term('c')];
  assert.deepEqual(parseQ('(a;b);c', expand), { kind: 'and', terms: [a, b, c] });
  assert.deepEqual(parseQ('a|((b|c))', expand), { kind: 'or', terms: [a, b, c] });
});

test('parseQ tolerates blanks around terms, operators and logical operators', () => {
  assert.deepEqual(parseQ(' ( a == 1 ; b ) | c ', expand), parseQ('(a==1;b)|c', expand));
});

test('parseQ reads a quoted string with JSON escapes, delimiters inside being literal', () => {
  assert.deepEqual(scalarOf(String.raw`a=="say \"hi\"\n\u00e9"`), {
    type: 'string',
    value: 'say "hi"\né',
  });
  assert.deepEqual(scalarOf('a=="x;y|z)(,.."'), { type: 'string', value: 'x;y|z)(,..' });
  assert.deepEqual(scalarOf('a==""'), { type: 'string', value: '' });
});

test('parseQ types unquoted numbers and booleans (RFC 8259)', () => {
  assert.deepEqual(scalarOf('a==-12'), { type: 'number', value: -12 });
  assert.deepEqual(scalarOf('a==3.25'), { type: 'number', value: 3.25 });
  assert.deepEqual(scalarOf('a==1e3'), { type: 'number', value: 1000 });
  assert.deepEqual(scalarOf('a==true'), { type: 'boolean', value: true });
  assert.deepEqual(scalarOf('a==false'), { type: 'boolean', value: false });
});

test('parseQ types DateTime with its instant, Date and Time (data-model.md §7)', () => {
  assert.deepEqual(scalarOf('a==2018-08-01T12:03:00Z'), {
    type: 'dateTime',
    value: '2018-08-01T12:03:00Z',
    epochMs: Date.UTC(2018, 7, 1, 12, 3, 0),
  });
  assert.deepEqual(scalarOf('a>2018-08-01T12:03:00.250Z'), {
    type: 'dateTime',
    value: '2018-08-01T12:03:00.250Z',
    epochMs: Date.UTC(2018, 7, 1, 12, 3, 0, 250),
  });
  assert.deepEqual(scalarOf('a==2018-08-01'), { type: 'date', value: '2018-08-01' });
  assert.deepEqual(scalarOf('a<12:30:00Z'), { type: 'time', value: '12:30:00Z' });
});

test('parseQ types other unquoted text as a URI (spec example isParked)', () => {
  assert.deepEqual(scalarOf('isParked==urn:ngsi-ld:OffStreetParking:Downtown1'), {
    type: 'uri',
    value: 'urn:ngsi-ld:OffStreetParking:Downtown1',
  });
  assert.deepEqual(scalarOf('a==https://example.org/x?y=1#z'), {
    type: 'uri',
    value: 'https://example.org/x?y=1#z',
  });
});

test('parseQ reads an inclusive range a..b of numbers, dates and strings', () => {
  assert.deepEqual(
    parseQ('temperature==10..20', expand),
    term('temperature', '==', {
      kind: 'range',
      min: { type: 'number', value: 10 },
      max: { type: 'number', value: 20 },
    }),
  );
  const dates = parseQ('a!=2018-01-01..2018-12-31', expand) as QTerm;
  assert.deepEqual(dates.value, {
    kind: 'range',
    min: { type: 'date', value: '2018-01-01' },
    max: { type: 'date', value: '2018-12-31' },
  });
  const strings = parseQ('a=="a..b".."c"', expand) as QTerm;
  assert.deepEqual(strings.value, {
    kind: 'range',
    min: { type: 'string', value: 'a..b' },
    max: { type: 'string', value: 'c' },
  });
  const floats = parseQ('a==1.5..2.5', expand) as QTerm;
  assert.deepEqual(floats.value, {
    kind: 'range',
    min: { type: 'number', value: 1.5 },
    max: { type: 'number', value: 2.5 },
  });
});

test('parseQ reads a list a,b,c with commas inside quotes kept', () => {
  const q = parseQ('color=="black","red, dark",1,true,urn:x:y', expand) as QTerm;
  assert.deepEqual(q.value, {
    kind: 'list',
    items: [
      { type: 'string', value: 'black' },
      { type: 'string', value: 'red, dark' },
      { type: 'number', value: 1 },
      { type: 'boolean', value: true },
      { type: 'uri', value: 'urn:x:y' },
    ],
  });
});

test('parseQ reads a list or range followed by more terms', () => {
  const q = parseQ('a==1,2;b==3..4|c', expand) as QExpr;
  assert.equal(q.kind, 'or');
});

test('parseQ reads quoted and unquoted regular expressions for ~= and !~=', () => {
  assert.deepEqual((parseQ(String.raw`a~="^\d+(a|b)$"`, expand) as QTerm).value, {
    kind: 'regex',
    source: String.raw`^\d+(a|b)$`,
    flags: '',
  });
  const unquoted = parseQ('(name~=^(a|b)[)|]$;c)', expand);
  assert.deepEqual(unquoted, {
    kind: 'and',
    terms: [term('name', '~=', { kind: 'regex', source: '^(a|b)[)|]$', flags: '' }), term('c')],
  });
});

test('parseQ turns a leading (?i) into the i flag (spec example name~="(?i)^mer.*")', () => {
  assert.deepEqual((parseQ('name~="(?i)^mer.*"', expand) as QTerm).value, {
    kind: 'regex',
    source: '^mer.*',
    flags: 'i',
  });
});

test('parseQ expands sub-attribute chains a.b.c', () => {
  assert.deepEqual(
    (parseQ('speed.source.reliability>0.9', expand) as QTerm).path,
    path('speed', {
      subAttrs: [expand('source'), expand('reliability')],
      text: 'speed.source.reliability',
    }),
  );
});

test('parseQ reads a path ending on a member (observedAt, createdAt, modifiedAt, unitCode, datasetId)', () => {
  for (const member of [
    'observedAt',
    'createdAt',
    'modifiedAt',
    'unitCode',
    'datasetId',
  ] as const) {
    const q = parseQ(`temperature.${member}`, expand) as QTerm;
    assert.deepEqual(q.path, path('temperature', { member, text: `temperature.${member}` }));
  }
  const nested = parseQ('speed.source.observedAt>=2017-12-24T12:00:00Z', expand) as QTerm;
  assert.deepEqual(nested.path.subAttrs, [expand('source')]);
  assert.equal(nested.path.member, 'observedAt');
});

test('parseQ treats a lone member name as an attribute name', () => {
  assert.deepEqual((parseQ('observedAt', expand) as QTerm).path, path('observedAt'));
});

test('parseQ keeps a [..] member path unexpanded (query.md §2.2)', () => {
  assert.deepEqual(
    (parseQ('address[city.name]=="Berlin"', expand) as QTerm).path,
    path('address', { jsonPath: ['city', 'name'], text: 'address[city.name]' }),
  );
  assert.deepEqual((parseQ('sensor.rawdata[airquality.particulate]==40', expand) as QTerm).path, {
    attr: expand('sensor'),
    subAttrs: [expand('rawdata')],
    jsonPath: ['airquality', 'particulate'],
    text: 'sensor.rawdata[airquality.particulate]',
  });
  assert.deepEqual((parseQ('name[fr-CH]=="rouge"', expand) as QTerm).path.jsonPath, ['fr-CH']);
  assert.deepEqual((parseQ('name[*]=="red"', expand) as QTerm).path.jsonPath, ['*']);
});

test('parseQ passes compact names prefix:name to expand', () => {
  assert.deepEqual((parseQ('ex:speed.ex:unit==1', expand) as QTerm).path, {
    attr: 'ex:speed',
    subAttrs: ['ex:unit'],
    text: 'ex:speed.ex:unit',
  });
});

test('parseQ accepts Unicode letters in names', () => {
  assert.equal((parseQ('température_1>2', expand) as QTerm).path.attr, expand('température_1'));
});

test('parseQ parses a SQL-looking quoted value as a plain string', () => {
  assert.deepEqual(scalarOf(`a=="1' OR '1'='1"`), { type: 'string', value: "1' OR '1'='1" });
  assert.deepEqual(scalarOf(`a==1'OR'1'='1`), { type: 'uri', value: "1'OR'1'='1" });
});

test('parseQ accepts nesting of exactly 50 parentheses', () => {
  assert.deepEqual(parseQ('('.repeat(50) + 'a' + ')'.repeat(50), expand), term('a'));
});

test('parseQ parses a long flat conjunction without deep recursion', () => {
  const q = parseQ(Array.from({ length: 1000 }, (_, i) => `a${i}==1`).join(';'), expand);
  assert.equal(q.kind === 'and' && q.terms.length, 1000);
});
