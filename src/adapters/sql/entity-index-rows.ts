/**
 * The index rows of one entity: what the SQL prefilter of queryEntities looks up instead of
 * reading documents. Values are derived with the q evaluator's own `targetOf`, so that a row
 * exists for every element the evaluator could compare (NGSI-LD 4.9, query.md §2.2).
 */
import type { Attribute, Entity, JsonValue } from '../../ngsi-ld/model.js';
import { parseGeometry } from '../../ngsi-ld/geo/geojson.js';
import { geometryBoundingBox, type BBox } from '../../ngsi-ld/geo/bounding-box.js';
import { isProblemDetails } from '../../ngsi-ld/problem-details.js';
import { typedTemporal } from '../../ngsi-ld/query/q-literals.js';
import { targetOf } from '../../ngsi-ld/query/q-targets.js';
import type { QPath } from '../../ngsi-ld/query/query.types.js';
import { encodeIndexText } from './index-text.js';

/**
 * Row kinds of `attr_values`:
 * - `n` number, `b` boolean (`str` 'true'/'false', which sort like false < true),
 *   `s` string element of a value target (Property, ListProperty, LanguageProperty,
 *   JsonProperty, GeoProperty given as text);
 * - `v` string element of a VocabProperty target;
 * - `r` string element of a Relationship/ListRelationship target (only `==`/`!=` apply);
 * - `d` a typed temporal literal (`{"@type":"DateTime","@value":…}`, `str` the text);
 * - `e` an instance with none of those elements (its target is an object, a GeoProperty
 *   given as an object, or it has no target): `num` is 1 when it has a q target (its
 *   payload member), else 0, and `str` is null.
 *
 * Every attribute instance has at least one row, and exactly one of its rows, the first,
 * carries `akind`, its AttributeKind (the instance's "head"): an instance with element rows
 * has no `e` row of its own. A created streetlight thus writes 10 rows instead of the 18 it
 * wrote with an existence row per instance (SQLite migration 13, PostgreSQL 15), each one entry
 * in the table's key and one in an index; existence is then a row of the attribute
 * (an element row, or an `e` row), found through the value indexes and the small `e` index.
 */
export type ValueRowKind = 'e' | 'n' | 'b' | 's' | 'v' | 'r' | 'd';

export interface AttrValueRow {
  attr: string;
  kind: ValueRowKind;
  /** Ordinal of the instance within its attribute: groups rows for `!=`. */
  inst: number;
  num: number | null;
  str: string | null;
  /** The instance's AttributeKind on its first row, null on the others. */
  akind: string | null;
}

export interface GeoBoxRow {
  attr: string;
  box: BBox;
}

export interface EntityIndexRows {
  types: string[];
  values: AttrValueRow[];
  boxes: GeoBoxRow[];
}

function elementRow(
  attr: string,
  inst: number,
  kind: 'value' | 'relationship' | 'vocab' | 'temporal',
  element: JsonValue,
): AttrValueRow | undefined {
  if (typeof element === 'number')
    return { attr, kind: 'n', inst, num: element, str: null, akind: null };
  if (typeof element === 'boolean')
    return { attr, kind: 'b', inst, num: null, str: String(element), akind: null };
  if (typeof element === 'string') {
    const rowKind = kind === 'relationship' ? 'r' : kind === 'vocab' ? 'v' : 's';
    return { attr, kind: rowKind, inst, num: null, str: encodeIndexText(element), akind: null };
  }
  const literal = typedTemporal(element);
  if (literal !== undefined)
    return { attr, kind: 'd', inst, num: null, str: encodeIndexText(literal.text), akind: null };
  return undefined;
}

function instanceRows(attr: string, inst: number, instance: Attribute): AttrValueRow[] {
  const path: QPath = { attr, subAttrs: [], text: attr };
  const target = targetOf(instance, path);
  const rows: AttrValueRow[] = [];
  if (target !== undefined) {
    const elements = Array.isArray(target.value) ? target.value : [target.value];
    for (const element of elements) {
      const row = elementRow(attr, inst, target.kind, element);
      if (row !== undefined) rows.push(row);
    }
  }
  const head = rows[0];
  if (head === undefined)
    return [
      {
        attr,
        kind: 'e',
        inst,
        num: target === undefined ? 0 : 1,
        str: null,
        akind: instance.type,
      },
    ];
  head.akind = instance.type;
  return rows;
}

/**
 * The bounding box of a GeoProperty value (object or JSON text, data-model.md §2), or
 * undefined when it is not a valid geometry: geo-query.ts then never matches it either.
 */
function valueBoundingBox(value: JsonValue | undefined): BBox | undefined {
  try {
    return geometryBoundingBox(parseGeometry(value, 'GeoProperty value'));
  } catch (error) {
    if (isProblemDetails(error)) return undefined;
    throw error;
  }
}

/** The rows of one top-level attribute, in a fixed order (its position is the row's `seq`). */
export interface AttributeIndexRows {
  values: AttrValueRow[];
  boxes: BBox[];
}

export function buildAttributeIndexRows(
  attr: string,
  instances: readonly Attribute[],
): AttributeIndexRows {
  const values: AttrValueRow[] = [];
  const boxes: BBox[] = [];
  instances.forEach((instance, inst) => {
    values.push(...instanceRows(attr, inst, instance));
    if (instance.type === 'GeoProperty') {
      const box = valueBoundingBox(instance.value);
      if (box !== undefined) boxes.push(box);
    }
  });
  return { values, boxes };
}

export function buildEntityIndexRows(entity: Entity): EntityIndexRows {
  const values: AttrValueRow[] = [];
  const boxes: GeoBoxRow[] = [];
  for (const [attr, instances] of Object.entries(entity.attrs)) {
    const rows = buildAttributeIndexRows(attr, instances);
    values.push(...rows.values);
    for (const box of rows.boxes) boxes.push({ attr, box });
  }
  return { types: entityTypeRows(entity), values, boxes };
}

export function entityTypeRows(entity: Entity): string[] {
  return [...new Set(entity.type)];
}

/** The rows of one attribute before and after a change; an absent attribute has none. */
export interface AttributeRowsChange {
  attr: string;
  previous: AttributeIndexRows;
  next: AttributeIndexRows;
}

const NO_ROWS: AttributeIndexRows = { values: [], boxes: [] };

/**
 * The attributes whose index rows differ between two states of an entity: an update
 * rewrites only these. An attribute holding the same instances array in both states (the
 * operations keep untouched attributes) is skipped without deriving its rows.
 */
export function changedAttributeRows(previous: Entity, next: Entity): AttributeRowsChange[] {
  const changes: AttributeRowsChange[] = [];
  const consider = (attr: string) => {
    const before = ownAttribute(previous, attr);
    const after = ownAttribute(next, attr);
    if (before === after) return;
    const change = {
      attr,
      previous: before === undefined ? NO_ROWS : buildAttributeIndexRows(attr, before),
      next: after === undefined ? NO_ROWS : buildAttributeIndexRows(attr, after),
    };
    if (!sameAttributeRows(change.previous, change.next)) changes.push(change);
  };
  for (const attr of Object.keys(previous.attrs)) consider(attr);
  for (const attr of Object.keys(next.attrs))
    if (!Object.hasOwn(previous.attrs, attr)) consider(attr);
  return changes;
}

function ownAttribute(entity: Entity, attr: string): Attribute[] | undefined {
  return Object.hasOwn(entity.attrs, attr) ? entity.attrs[attr] : undefined;
}

export function sameValueRow(a: AttrValueRow, b: AttrValueRow): boolean {
  return (
    a.kind === b.kind &&
    a.inst === b.inst &&
    a.num === b.num &&
    a.str === b.str &&
    a.akind === b.akind
  );
}

export function sameBoxes(a: readonly BBox[], b: readonly BBox[]): boolean {
  return a.length === b.length && a.every((box, i) => box.every((edge, j) => edge === b[i]?.[j]));
}

function sameAttributeRows(a: AttributeIndexRows, b: AttributeIndexRows): boolean {
  return (
    a.values.length === b.values.length &&
    a.values.every((row, i) => sameValueRow(row, b.values[i] as AttrValueRow)) &&
    sameBoxes(a.boxes, b.boxes)
  );
}
