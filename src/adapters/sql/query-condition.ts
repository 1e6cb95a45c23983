/**
 * A small dialect-neutral condition tree over the index tables: the part of an EntityQuery
 * that SQL can evaluate. Both adapters render the same tree, so their candidate sets agree.
 * A condition denotes a set of entities of one tenant.
 */
import type { BBox } from '../../ngsi-ld/geo/bounding-box.js';
import type { ValueRowKind } from './entity-index-rows.js';

export type Comparison = '=' | '<' | '<=' | '>' | '>=';

/** A test on one `attr_values` row of the condition's attribute. */
export type RowTest =
  | { kinds: ValueRowKind[]; column: 'num' | 'str'; op: Comparison; value: number | string }
  | { kinds: ValueRowKind[]; column: 'num' | 'str'; op: 'in'; values: Array<number | string> }
  | {
      kinds: ValueRowKind[];
      column: 'num' | 'str';
      op: 'between';
      min: number | string;
      max: number | string;
    }
  /** Any row of these kinds, whatever its value. */
  | { kinds: ValueRowKind[]; op: 'any' };

export type Condition =
  | { kind: 'all' }
  | { kind: 'none' }
  | { kind: 'and'; items: Condition[] }
  | { kind: 'or'; items: Condition[] }
  | { kind: 'ids'; ids: string[] }
  | { kind: 'type'; type: string }
  /** Has an instance of at least one of these attributes. */
  | { kind: 'attrs'; attrs: string[] }
  /** Has an instance of the attribute with a q target (its payload member). */
  | { kind: 'target'; attr: string }
  /** Some element row of the attribute passes one of the tests. */
  | { kind: 'value'; attr: string; tests: RowTest[] }
  /** Some instance with a target has no element row passing any of the tests (`!=`). */
  | { kind: 'noValue'; attr: string; tests: RowTest[] }
  /** Some GeoProperty instance's bounding box intersects the box. */
  | { kind: 'bbox'; attr: string; box: BBox };

/** A condition and whether it is exactly the query (true) or only a superset of it. */
export interface Translation {
  condition: Condition;
  exact: boolean;
}

export const ALL: Condition = { kind: 'all' };
export const NONE: Condition = { kind: 'none' };

/** Conjunction with constant folding and flattening. */
export function and(items: Condition[]): Condition {
  const kept: Condition[] = [];
  for (const item of items) {
    if (item.kind === 'none') return NONE;
    if (item.kind === 'all') continue;
    if (item.kind === 'and') kept.push(...item.items);
    else kept.push(item);
  }
  if (kept.length === 0) return ALL;
  return kept.length === 1 ? (kept[0] as Condition) : { kind: 'and', items: kept };
}

/** Disjunction with constant folding and flattening. */
export function or(items: Condition[]): Condition {
  const kept: Condition[] = [];
  for (const item of items) {
    if (item.kind === 'all') return ALL;
    if (item.kind === 'none') continue;
    if (item.kind === 'or') kept.push(...item.items);
    else kept.push(item);
  }
  if (kept.length === 0) return NONE;
  return kept.length === 1 ? (kept[0] as Condition) : { kind: 'or', items: kept };
}

export function andAll(translations: Translation[]): Translation {
  return {
    condition: and(translations.map((t) => t.condition)),
    exact: translations.every((t) => t.exact),
  };
}

export function orAll(translations: Translation[]): Translation {
  return {
    condition: or(translations.map((t) => t.condition)),
    exact: translations.every((t) => t.exact),
  };
}
