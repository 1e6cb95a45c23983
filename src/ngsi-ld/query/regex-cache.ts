/**
 * User-supplied regular expressions (q `~=`, `idPattern`) compiled with re2js: RE2 syntax,
 * linear-time matching, so that no pattern can stall the process (ReDoS). Compiled
 * patterns are cached because the same query is evaluated against many entities.
 */
import { RE2JS } from 're2js';
import { badRequestData } from '../problem-details.js';

const MAX_CACHED = 256;
const cache = new Map<string, RE2JS>();

/** Flags as letters: `i` case-insensitive, `s` dot matches newline, `m` multi-line. */
function re2Flags(flags: string): number {
  let bits = 0;
  for (const flag of flags) {
    if (flag === 'i') bits |= RE2JS.CASE_INSENSITIVE;
    else if (flag === 's') bits |= RE2JS.DOTALL;
    else if (flag === 'm') bits |= RE2JS.MULTILINE;
    else throw badRequestData(`unsupported regular expression flag '${flag}'`);
  }
  return bits;
}

/**
 * Compiles `source` (RE2 syntax) or throws BadRequestData with `describe(reason)` as the
 * message, so that callers can say which parameter and position was wrong.
 */
export function compileRegex(
  source: string,
  flags: string,
  describe: (reason: string) => string,
): RE2JS {
  const key = `${flags}/${source}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const bits = re2Flags(flags);
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(source, bits);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw badRequestData(describe(`invalid regular expression (${reason})`));
  }
  // Insertion order makes the first key the oldest entry: a cheap bounded cache.
  if (cache.size >= MAX_CACHED) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  cache.set(key, compiled);
  return compiled;
}
