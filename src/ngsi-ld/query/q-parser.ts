/**
 * Parser of the NGSI-LD Query Language (clause 4.9, query.md §2.1) into the `QExpr` syntax
 * tree. Recursive descent over
 *   orExpr  := andExpr ('|' andExpr)*
 *   andExpr := primary (';' primary)*            — `;` binds tighter than `|`
 *   primary := '(' orExpr ')' | path [operator value]
 * Attribute and sub-attribute names are expanded with the caller's @context; the text
 * inside `[...]` is a JSON member path and stays as written.
 */
import { notImplemented } from '../problem-details.js';
import { NAME_RE, QueryCursor } from './query-cursor.js';
import { parseQValue } from './q-value-parser.js';
import type { QExpr, QMember, QOperator, QPath, QTerm } from './query.types.js';

export const MAX_Q_LENGTH = 10_000;
export const MAX_Q_DEPTH = 50;

/** Longest first, so that `>=` is not read as `>` followed by `=`. */
const OPERATORS: readonly QOperator[] = ['!~=', '~=', '==', '!=', '>=', '<=', '>', '<'];
const MEMBERS: ReadonlySet<string> = new Set<QMember>([
  'observedAt',
  'createdAt',
  'modifiedAt',
  'unitCode',
  'datasetId',
]);
const NAME_CHAR = /^[\p{L}\p{N}_:]$/u;
/** A key inside `[...]`: JSON member names, language tags such as `fr-CH`, or `*`. */
const JSON_KEY_RE = /^[^\s"[\].]+$/u;

type Expand = (term: string) => string;

class QParser {
  private readonly c: QueryCursor;

  constructor(
    text: string,
    private readonly expand: Expand,
  ) {
    this.c = new QueryCursor(text, 'q');
  }

  parse(): QExpr {
    const { c } = this;
    if (c.text.length > MAX_Q_LENGTH)
      c.fail(`query longer than ${MAX_Q_LENGTH} characters`, MAX_Q_LENGTH);
    const expr = this.orExpr(0);
    c.skipSpaces();
    if (!c.done) c.unexpected();
    return expr;
  }

  private orExpr(depth: number): QExpr {
    const terms = [this.andExpr(depth)];
    while (this.c.eat('|')) terms.push(this.andExpr(depth));
    return combine('or', terms);
  }

  private andExpr(depth: number): QExpr {
    const terms = [this.primary(depth)];
    while (this.c.eat(';')) terms.push(this.primary(depth));
    return combine('and', terms);
  }

  private primary(depth: number): QExpr {
    const { c } = this;
    c.skipSpaces();
    if (c.peek() === '(') {
      // The bound keeps the recursion shallow whatever the input (`((((((…`).
      if (depth >= MAX_Q_DEPTH) c.fail(`nesting deeper than ${MAX_Q_DEPTH} parentheses`);
      c.pos += 1;
      const inner = this.orExpr(depth + 1);
      c.skipSpaces();
      if (!c.eat(')')) c.unexpected();
      c.skipSpaces();
      return inner;
    }
    return this.term();
  }

  private term(): QTerm {
    const { c } = this;
    const path = this.path();
    c.skipSpaces();
    const op = OPERATORS.find((candidate) => c.startsWith(candidate));
    if (op === undefined) {
      if (!c.done && !';|)'.includes(c.peek())) c.unexpected();
      return { kind: 'term', path };
    }
    c.pos += op.length;
    const value = parseQValue(c, op);
    c.skipSpaces();
    return { kind: 'term', path, op, value };
  }

  private name(): string {
    const { c } = this;
    const start = c.pos;
    while (NAME_CHAR.test(c.peekCodePoint())) c.pos += c.peekCodePoint().length;
    const name = c.text.slice(start, c.pos);
    if (name === '') c.unexpected();
    if (!NAME_RE.test(name)) c.fail(`invalid attribute name '${name}'`, start);
    return name;
  }

  private path(): QPath {
    const { c } = this;
    const start = c.pos;
    const names = [this.name()];
    while (c.eat('.')) names.push(this.name());
    if (c.peek() === '{') {
      throw notImplemented(`q: linked entity queries ('{' at position ${c.pos}) are not supported`);
    }
    let jsonPath: string[] | undefined;
    if (c.peek() === '[') jsonPath = this.jsonPath();
    const last = names[names.length - 1] as string;
    const member = names.length > 1 && MEMBERS.has(last) ? (last as QMember) : undefined;
    if (member !== undefined && jsonPath !== undefined)
      c.fail(`'${member}' has no members to select with [...]`, start);
    const [attr, ...subAttrs] = (member === undefined ? names : names.slice(0, -1)).map((name) =>
      this.expand(name),
    );
    const path: QPath = { attr: attr as string, subAttrs, text: c.text.slice(start, c.pos) };
    if (member !== undefined) path.member = member;
    if (jsonPath !== undefined) path.jsonPath = jsonPath;
    return path;
  }

  private jsonPath(): string[] {
    const { c } = this;
    const open = c.pos;
    c.pos += 1;
    const close = c.text.indexOf(']', open);
    if (close < 0) c.fail("missing ']'", open);
    const keys: string[] = [];
    for (const key of c.text.slice(open + 1, close).split('.')) {
      if (!JSON_KEY_RE.test(key))
        c.fail(`invalid member path '${c.text.slice(open + 1, close)}'`, open + 1);
      keys.push(key);
    }
    c.pos = close + 1;
    return keys;
  }
}

/** One term stays itself; nested groups of the same kind are flattened (`(a;b);c`). */
function combine(kind: 'and' | 'or', terms: QExpr[]): QExpr {
  if (terms.length === 1) return terms[0] as QExpr;
  return { kind, terms: terms.flatMap((term) => (term.kind === kind ? term.terms : [term])) };
}

/**
 * Parses a q expression; `expand` turns attribute names into IRIs with the request's
 * @context. Throws BadRequestData naming the position of any syntax error.
 */
export function parseQ(text: string, expand: (term: string) => string): QExpr {
  return new QParser(text, expand).parse();
}
