/**
 * The bookkeeping of mapping validation: problems collected under their paths, and the
 * small readers of optional members that report into them.
 */
export type Raw = Record<string, unknown>;

/** Collects problems under a path; each reader returns undefined after reporting one. */
export class Problems {
  readonly list: string[] = [];
  add(path: string, message: string): undefined {
    this.list.push(path === '' ? message : `${path}: ${message}`);
    return undefined;
  }
}

export function unknownKeys(raw: Raw, known: string[], path: string, problems: Problems): void {
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) {
      problems.add(path, `unknown key '${key}' (known: ${known.join(', ')})`);
    }
  }
}

export function optionalString(raw: Raw, key: string, path: string, problems: Problems) {
  const value = raw[key];
  if (value === undefined || typeof value === 'string') return value;
  return problems.add(path === '' ? key : `${path}.${key}`, 'must be a string');
}

export function optionalBoolean(raw: Raw, key: string, path: string, problems: Problems) {
  const value = raw[key];
  if (value === undefined || typeof value === 'boolean') return value;
  return problems.add(`${path}.${key}`, 'must be true or false');
}

export function describeRaw(value: unknown): string {
  return typeof value === 'string'
    ? `'${value.slice(0, 60)}'`
    : (JSON.stringify(value) ?? 'nothing');
}

export function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
