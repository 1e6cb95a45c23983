/**
 * The value side of a q term (NGSI-LD 4.9, query.md §2.1): a scalar, a list `a,b,c`, a
 * range `a..b`, or a regular expression after `~=` / `!~=`. A value runs until an
 * unquoted `;`, `|` or `)`; inside `"…"` everything is literal (JSON string escapes).
 */
import { compileRegex } from './regex-cache.js';
import { typeUnquoted } from './q-literals.js';
import type { QueryCursor } from './query-cursor.js';
import type { QOperator, QScalar, QValue } from './query.types.js';

const END_OF_VALUE = new Set([';', '|', ')']);
const END_OF_TOKEN = new Set([',', ';', '|', ')']);
/** Characters RFC 3986 never allows in a URI, plus blanks and controls. */
const FORBIDDEN_UNQUOTED = /[\s"<>\\^`{}\p{Cc}]/u;
const OPERATOR_CHARS = new Set(['=', '<', '>', '!', '~']);
const ORDERING: ReadonlySet<QOperator> = new Set<QOperator>(['>', '>=', '<', '<=']);

/** Moves past a `"…"` string (cursor on the opening quote), honouring backslash escapes. */
function skipQuoted(c: QueryCursor): void {
  const start = c.pos;
  c.pos += 1;
  for (;;) {
    const ch = c.peek();
    if (ch === '') c.fail('unterminated string', start);
    c.pos += ch === '\\' ? 2 : 1;
    if (ch === '"') return;
  }
}

/**
 * An unquoted regular expression: `|` and `)` belong to it while they are inside a group
 * or character class it opened; outside, `;`, `|` and `)` end it as for any value.
 */
function skipUnquotedRegex(c: QueryCursor): void {
  let depth = 0;
  let inClass = false;
  while (!c.done) {
    const ch = c.peek();
    if (ch === '\\') {
      c.pos += 2;
      continue;
    }
    if (inClass) inClass = ch !== ']';
    else if (ch === '[') inClass = true;
    else if (ch === '(') depth += 1;
    else if (ch === ')' && depth > 0) depth -= 1;
    else if (depth === 0 && END_OF_VALUE.has(ch)) return;
    c.pos += 1;
  }
  c.pos = Math.min(c.pos, c.end);
}

function parseRegex(c: QueryCursor): QValue {
  c.skipSpaces();
  const start = c.pos;
  let source: string;
  if (c.peek() === '"') {
    skipQuoted(c);
    // Kept raw: backslashes belong to the regex (`"\d+"`), RE2 reads `\"` as a quote.
    source = c.text.slice(start + 1, c.pos - 1);
  } else {
    skipUnquotedRegex(c);
    source = c.text.slice(start, c.pos);
    if (source === '') c.unexpected();
  }
  let flags = '';
  // `(?i)` is the flag syntax of the spec's own example (query.md §2.1); RE2 would accept
  // it inline too, but a separate flag keeps the source portable to SQL back ends.
  if (source.startsWith('(?i)')) {
    flags = 'i';
    source = source.slice(4);
  }
  compileRegex(source, flags, (reason) => `${c.label}: ${reason} at position ${start}`);
  return { kind: 'regex', source, flags };
}

function parseScalar(c: QueryCursor): QScalar {
  c.skipSpaces();
  const start = c.pos;
  if (c.peek() === '"') {
    skipQuoted(c);
    try {
      return { type: 'string', value: JSON.parse(c.text.slice(start, c.pos)) as string };
    } catch {
      return c.fail('invalid string', start);
    }
  }
  while (!c.done && !END_OF_TOKEN.has(c.peek()) && !c.startsWith('..')) c.pos += 1;
  const token = c.text.slice(start, c.pos).trimEnd();
  if (token === '' || OPERATOR_CHARS.has(token.charAt(0))) c.unexpected(start);
  const bad = FORBIDDEN_UNQUOTED.exec(token);
  if (bad !== null) c.unexpected(start + bad.index);
  const typed = typeUnquoted(token);
  return typeof typed === 'string' ? c.fail(typed, start) : typed;
}

/** After a scalar: a separator, or the end of the value. */
function expectValueEnd(c: QueryCursor): void {
  c.skipSpaces();
  if (!c.done && !END_OF_VALUE.has(c.peek()) && c.peek() !== ',' && !c.startsWith('..'))
    c.unexpected();
}

function comparable(a: QScalar, b: QScalar): boolean {
  const loose = (s: QScalar) => (s.type === 'uri' ? 'string' : s.type);
  return loose(a) === loose(b);
}

/** Parses the value after `op` (cursor just after the operator). */
export function parseQValue(c: QueryCursor, op: QOperator): QValue {
  if (op === '~=' || op === '!~=') return parseRegex(c);
  c.skipSpaces();
  const start = c.pos;
  const first = parseScalar(c);
  expectValueEnd(c);
  let value: QValue;
  if (c.eat('..')) {
    const max = parseScalar(c);
    expectValueEnd(c);
    if (c.peek() === ',' || c.startsWith('..')) c.unexpected();
    if (first.type === 'boolean' || !comparable(first, max))
      c.fail('range bounds must be comparable values of one type', start);
    value = { kind: 'range', min: first, max };
  } else if (c.peek() === ',') {
    const items = [first];
    while (c.eat(',')) {
      items.push(parseScalar(c));
      expectValueEnd(c);
    }
    if (c.startsWith('..')) c.fail('a list cannot contain a range');
    value = { kind: 'list', items };
  } else {
    value = { kind: 'scalar', scalar: first };
  }
  if (ORDERING.has(op)) {
    if (value.kind !== 'scalar') c.fail(`operator '${op}' takes a single value`, start);
    if (value.scalar.type === 'boolean') c.fail(`operator '${op}' cannot compare booleans`, start);
  }
  return value;
}
