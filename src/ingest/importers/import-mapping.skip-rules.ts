/**
 * The `skip` rules of a mapping file (docs/importers.md "Mapping files"): records matching
 * any rule are counted as skipped, not rejected. Patterns are RE2 (linear time).
 */
import { isProblemDetails } from '../../ngsi-ld/problem-details.js';
import { compileRegex } from '../../ngsi-ld/query/regex-cache.js';
import type { SkipRule } from './import-mapping.model.js';
import { isRecord, unknownKeys, type Problems, type Raw } from './import-mapping.problems.js';

export function readSkipRules(raw: unknown, path: string, problems: Problems): SkipRule[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) return problems.add(path, 'must be an array') ?? [];
  const rules: SkipRule[] = [];
  raw.forEach((item, index) => {
    const at = `${path}[${index}]`;
    if (!isRecord(item)) return problems.add(at, 'must be an object');
    unknownKeys(item, ['column', 'property', 'equals', 'in', 'empty', 'matches'], at, problems);
    const field = item['column'] ?? item['property'];
    if (typeof field !== 'string' || field === '') {
      return problems.add(at, 'needs "column" (or "property")');
    }
    const test = readSkipTest(item, at, problems);
    if (test) rules.push({ field, test });
    return undefined;
  });
  return rules;
}

function readSkipTest(item: Raw, path: string, problems: Problems): SkipRule['test'] | undefined {
  const tests = ['equals', 'in', 'empty', 'matches'].filter((key) => item[key] !== undefined);
  if (tests.length !== 1) {
    return problems.add(path, 'needs exactly one of "equals", "in", "empty", "matches"');
  }
  const equals = item['equals'];
  const values = item['in'];
  const matches = item['matches'];
  if (tests[0] === 'equals') {
    return typeof equals === 'string' ? { equals } : problems.add(`${path}.equals`, 'must be text');
  }
  if (tests[0] === 'in') {
    return Array.isArray(values) && values.every((value) => typeof value === 'string')
      ? { in: values as string[] }
      : problems.add(`${path}.in`, 'must be an array of text');
  }
  if (tests[0] === 'empty') {
    return item['empty'] === true ? { empty: true } : problems.add(`${path}.empty`, 'must be true');
  }
  if (typeof matches !== 'string') return problems.add(`${path}.matches`, 'must be a pattern');
  try {
    compileRegex(matches, '', (reason) => reason);
  } catch (error) {
    if (isProblemDetails(error)) return problems.add(`${path}.matches`, error.detail);
    throw error;
  }
  return { matches };
}
