/**
 * Query-string access for NGSI-LD routes: allow-listed names, one value per name, and the
 * parameter grammars shared by several endpoints (representation, pagination, lists).
 */
import { badRequestData, notImplemented } from '../../ngsi-ld/problem-details.js';

export class QueryParams {
  private readonly values: Map<string, string>;

  constructor(
    raw: Record<string, unknown>,
    allowed: readonly string[],
    unsupported: readonly string[] = [],
  ) {
    this.values = new Map();
    for (const [name, value] of Object.entries(raw)) {
      if (unsupported.includes(name))
        throw notImplemented(`Query parameter '${name}' is not supported by Civis`);
      if (!allowed.includes(name)) throw badRequestData(`Unknown query parameter '${name}'`);
      if (Array.isArray(value))
        throw badRequestData(`Query parameter '${name}' is given more than once`);
      this.values.set(name, String(value));
    }
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  entries(): IterableIterator<[string, string]> {
    return this.values.entries();
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** Comma-separated list; empty items are an error. */
  list(name: string): string[] | undefined {
    const value = this.values.get(name);
    if (value === undefined) return undefined;
    const items = value.split(',').map((s) => s.trim());
    if (items.some((item) => item === ''))
      throw badRequestData(`Query parameter '${name}' has an empty item`);
    return items;
  }

  boolean(name: string): boolean {
    const value = this.values.get(name);
    if (value === undefined) return false;
    if (value === 'true') return true;
    if (value === 'false') return false;
    throw badRequestData(`Query parameter '${name}' must be true or false`);
  }

  nonNegativeInt(name: string): number | undefined {
    const value = this.values.get(name);
    if (value === undefined) return undefined;
    if (!/^\d{1,9}$/.test(value))
      throw badRequestData(`Query parameter '${name}' must be a non-negative integer`);
    return Number(value);
  }

  /** The raw `options` keywords, checked against what the endpoint accepts. */
  options(accepted: readonly string[]): Set<string> {
    const items = this.list('options') ?? [];
    for (const item of items) {
      if (!accepted.includes(item))
        throw badRequestData(`options: unknown or unsupported keyword '${item}'`);
    }
    return new Set(items);
  }
}

export type Format = 'normalized' | 'concise' | 'simplified';

const FORMAT_KEYWORDS: Record<string, Format> = {
  normalized: 'normalized',
  concise: 'concise',
  simplified: 'simplified',
  keyValues: 'simplified',
};

/** `format` (1.8+) wins over a representation keyword in `options` (data-model.md §5). */
export function parseRepresentation(
  query: QueryParams,
  extraOptions: readonly string[] = [],
): { format: Format; sysAttrs: boolean; options: Set<string> } {
  const options = query.options([...Object.keys(FORMAT_KEYWORDS), 'sysAttrs', ...extraOptions]);
  const fromOptions = [...options].filter((o) => o in FORMAT_KEYWORDS);
  if (new Set(fromOptions.map((o) => FORMAT_KEYWORDS[o])).size > 1) {
    throw badRequestData(`options: conflicting representations ${fromOptions.join(', ')}`);
  }
  const formatParam = query.get('format');
  let format: Format | undefined;
  if (formatParam !== undefined) {
    format = FORMAT_KEYWORDS[formatParam];
    if (!format) throw badRequestData(`format: unknown representation '${formatParam}'`);
  }
  const first = fromOptions[0];
  return {
    format: format ?? (first ? FORMAT_KEYWORDS[first]! : 'normalized'),
    sysAttrs: options.has('sysAttrs'),
    options,
  };
}

export interface Pagination {
  limit: number;
  offset: number;
  count: boolean;
}

/** NGSI-LD 5.5.9: limit 0 only with count=true; above the maximum → 400 (Orion-LD). */
export function parsePagination(
  query: QueryParams,
  defaults: { defaultPageSize: number; maxPageSize: number },
): Pagination {
  const count = query.boolean('count');
  const limit = query.nonNegativeInt('limit') ?? defaults.defaultPageSize;
  const offset = query.nonNegativeInt('offset') ?? 0;
  if (limit === 0 && !count) throw badRequestData('limit must be at least 1 unless count=true');
  if (limit > defaults.maxPageSize)
    throw badRequestData(`limit must not exceed ${defaults.maxPageSize}`);
  return { limit, offset, count };
}
