/**
 * The `idPattern` parameter (NGSI-LD 5.7.2, query.md §1): a regular expression tested
 * unanchored against entity ids. The spec names POSIX ERE; Civis compiles it as RE2
 * (re2js: linear time, no ReDoS), which accepts every ERE construct clients use in practice.
 */
import { badRequestData } from '../problem-details.js';
import { compileRegex } from './regex-cache.js';

export const MAX_ID_PATTERN_LENGTH = 1_000;

/** Compiles an idPattern into a predicate; throws BadRequestData when it is invalid. */
export function compileIdPattern(text: string): (id: string) => boolean {
  if (text === '') throw badRequestData('idPattern must not be empty');
  if (text.length > MAX_ID_PATTERN_LENGTH) {
    throw badRequestData(`idPattern longer than ${MAX_ID_PATTERN_LENGTH} characters`);
  }
  const re = compileRegex(text, '', (reason) => `idPattern: ${reason}`);
  return (id) => re.test(id);
}
