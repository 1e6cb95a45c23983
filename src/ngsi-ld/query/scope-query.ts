/**
 * Scopes (NGSI-LD 4.18, data-model.md §8) and the scope query language (NGSI-LD 4.19,
 * query.md §5):
 *   ScopesQ  = OrScopeQ *(("|" / ",") OrScopeQ) / "/#"
 *   OrScopeQ = "(" ScopeQ *(";" ScopeQ) ")" / ScopeQ ["/#"]
 *   ScopeQ   = "/" ScopeQLevel *("/" ScopeQLevel)      ; a level is a name or "+"
 */
import { badRequestData } from '../problem-details.js';
import { QueryCursor } from './query-cursor.js';
import type { ScopePattern, ScopeQuery } from './query.types.js';

const MAX_SCOPE_QUERY_LENGTH = 10_000;
const LEVEL_RE = /^\p{L}[\p{L}\p{N}_]*$/u;
const SCOPE_RE = /^\/?\p{L}[\p{L}\p{N}_]*(\/\p{L}[\p{L}\p{N}_]*)*$/u;
const LEVEL_END = new Set(['/', ';', ',', '|', '(', ')']);

function pattern(c: QueryCursor): ScopePattern {
  c.skipSpaces();
  if (c.peek() !== '/') c.unexpected();
  const levels: string[] = [];
  let descendants = false;
  while (c.eat('/')) {
    if (c.eat('#')) {
      descendants = true;
      break;
    }
    const start = c.pos;
    while (!c.done && !LEVEL_END.has(c.peek())) c.pos += 1;
    const level = c.text.slice(start, c.pos).trimEnd();
    if (level === '') c.unexpected(start);
    if (level !== '+' && !LEVEL_RE.test(level)) c.fail(`invalid scope level '${level}'`, start);
    levels.push(level);
  }
  c.skipSpaces();
  return { levels, descendants };
}

function conjunction(c: QueryCursor): ScopePattern[] {
  c.skipSpaces();
  if (!c.eat('(')) return [pattern(c)];
  const all = [pattern(c)];
  while (c.eat(';')) all.push(pattern(c));
  if (!c.eat(')')) c.unexpected();
  c.skipSpaces();
  return all;
}

/**
 * Parses a `scopeQ` value. One pair of surrounding double quotes is stripped: clients copy
 * the spec example `scopeQ="/Madrid/Centro,/Madrid/Cortes"` (unverified, query.md §5).
 */
export function parseScopeQuery(text: string): ScopeQuery {
  const quoted = text.length >= 2 && text.startsWith('"') && text.endsWith('"');
  const c = new QueryCursor(text, 'scopeQ', quoted ? text.length - 1 : text.length);
  c.pos = quoted ? 1 : 0;
  if (text.length > MAX_SCOPE_QUERY_LENGTH)
    c.fail(`longer than ${MAX_SCOPE_QUERY_LENGTH} characters`, MAX_SCOPE_QUERY_LENGTH);
  if (text.slice(c.pos, c.end).trim() === '/#') return { kind: 'anyScope' };
  const anyOf = [conjunction(c)];
  while (c.eat(',') || c.eat('|')) anyOf.push(conjunction(c));
  if (!c.done) c.unexpected();
  return { kind: 'patterns', anyOf };
}

/** Levels of a stored scope; the leading '/' is optional in the Scope grammar. */
function scopeLevels(scope: string): string[] {
  return (scope.startsWith('/') ? scope.slice(1) : scope).split('/');
}

function patternMatches(levels: string[], p: ScopePattern): boolean {
  if (p.descendants ? levels.length < p.levels.length : levels.length !== p.levels.length)
    return false;
  return p.levels.every((level, i) => level === '+' || level === levels[i]);
}

/** True when the entity's scopes satisfy the query; an entity without scope never does. */
export function matchesScopeQuery(scopes: string[] | undefined, q: ScopeQuery): boolean {
  if (scopes === undefined || scopes.length === 0) return false;
  if (q.kind === 'anyScope') return true;
  const all = scopes.map(scopeLevels);
  return q.anyOf.some((conjunct) =>
    conjunct.every((p) => all.some((levels) => patternMatches(levels, p))),
  );
}

/**
 * Validates an entity `scope` member (a string or an array of strings, data-model.md §8)
 * and returns it as an array, as given (Orion-LD stores scopes unnormalised). The NGSI-LD
 * Null that deletes a scope in update/merge is the caller's concern.
 */
export function parseScope(value: unknown): string[] {
  const scopes = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(scopes)) throw badRequestData('scope must be a string or an array of strings');
  for (const scope of scopes as unknown[]) {
    if (typeof scope !== 'string')
      throw badRequestData('scope must be a string or an array of strings');
    if (!SCOPE_RE.test(scope)) throw badRequestData(`invalid scope '${scope}'`);
  }
  return scopes as string[];
}
