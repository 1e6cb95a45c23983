/**
 * The index rows of an entity as they were written before instance heads (SQLite migration
 * 13, PostgreSQL 15): an existence row (`e`, the AttributeKind in `str`, `num` 1 when the
 * instance has a q target) before the element rows of every instance. For migration tests.
 */
import {
  buildEntityIndexRows,
  type ValueRowKind,
} from '../../src/adapters/sql/entity-index-rows.js';
import type { Entity } from '../../src/ngsi-ld/model.js';

export interface RowBeforeHeads {
  attr: string;
  kind: ValueRowKind;
  inst: number;
  num: number | null;
  str: string | null;
}

export function indexRowsBeforeHeads(entity: Entity): RowBeforeHeads[] {
  return buildEntityIndexRows(entity).values.flatMap(({ akind, ...row }): RowBeforeHeads[] => {
    if (akind === null) return [row];
    if (row.kind === 'e') return [{ ...row, str: akind }];
    return [{ attr: row.attr, kind: 'e', inst: row.inst, num: 1, str: akind }, row];
  });
}
