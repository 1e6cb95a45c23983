/**
 * Entity type selection (NGSI-LD 4.17, query.md §4):
 *   EntityTypes  = OrEntityType *(("|" / ",") OrEntityType)
 *   OrEntityType = "(" EntityType *(";" EntityType) ")" / EntityType
 * `Building|House` either type, `(Home;Vehicle)` both, `*` every type. Each EntityType is
 * a name or an absolute URI, expanded with the request's @context.
 */
import { ABSOLUTE_URI_RE, NAME_RE, QueryCursor } from './query-cursor.js';
import type { TypeSelector } from './query.types.js';

const MAX_TYPE_LENGTH = 10_000;
const DELIMITERS = new Set([',', '|', ';', '(', ')']);

function typeName(c: QueryCursor, expand: (term: string) => string): string {
  c.skipSpaces();
  const start = c.pos;
  while (!c.done && !DELIMITERS.has(c.peek())) c.pos += 1;
  const name = c.text.slice(start, c.pos).trimEnd();
  if (name === '') c.unexpected(start);
  if (!NAME_RE.test(name) && !ABSOLUTE_URI_RE.test(name))
    c.fail(`invalid entity type '${name}'`, start);
  c.skipSpaces();
  return expand(name);
}

/** `(A;B)`, or leniently a bare `A;B` (not in the grammar; `;` binds tighter as in q). */
function conjunction(c: QueryCursor, expand: (term: string) => string): string[] {
  c.skipSpaces();
  const grouped = c.eat('(');
  const types = [typeName(c, expand)];
  while (c.eat(';')) types.push(typeName(c, expand));
  if (grouped && !c.eat(')')) c.unexpected();
  c.skipSpaces();
  return [...new Set(types)];
}

/**
 * Parses the `type` parameter; undefined for `*` (all types). Throws BadRequestData
 * naming the position of a syntax error.
 */
export function parseTypeSelector(
  text: string,
  expand: (term: string) => string,
): TypeSelector | undefined {
  if (text.trim() === '*') return undefined;
  const c = new QueryCursor(text, 'type');
  if (text.length > MAX_TYPE_LENGTH)
    c.fail(`type selection longer than ${MAX_TYPE_LENGTH} characters`, MAX_TYPE_LENGTH);
  const anyOf = [conjunction(c, expand)];
  while (c.eat(',') || c.eat('|')) anyOf.push(conjunction(c, expand));
  if (!c.done) c.unexpected();
  return { anyOf };
}

/** True when the entity has every type of at least one conjunction. */
export function matchesTypeSelector(entityTypes: string[], selector: TypeSelector): boolean {
  return selector.anyOf.some((all) => all.every((type) => entityTypes.includes(type)));
}
