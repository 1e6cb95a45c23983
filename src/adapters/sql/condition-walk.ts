/**
 * Walks: reading the candidates of a query in creation order through the index of one of
 * its leaves instead of through all entities of the tenant, for stores whose indexes list
 * the entities of one key in primary-key order. In SQLite the key of a secondary index of a
 * WITHOUT ROWID table ends with the table's primary key, so the entries of
 * `attr_values_num|str (tenant, attr, kind, value)` with one value, and those of
 * `entity_types (tenant, type)`, come in `entity_pk` order. A page of `ORDER BY pk LIMIT n`
 * then stops after about n ÷ (share of the leaf's entities matching the rest) entries,
 * where scanning the tenant stops after n ÷ (share of all entities matching).
 *
 * A leaf with several keys (kinds or values) is walked as the UNION of one ordered walk per
 * key, which SQLite merges in order (and which removes the duplicates a leaf may have: one
 * row per matching element).
 */
import type { Condition } from './query-condition.js';
import type { SqlDialect, SqlParams } from './sql-dialect.js';

/** More keys than this and the merge costs more than it saves: the leaf is probed instead. */
export const WALK_MAX_KEYS = 8;

/** How many ordered index ranges walking the leaf reads, or undefined when it cannot be walked. */
export function walkKeyCount(leaf: Condition): number | undefined {
  if (leaf.kind === 'type') return 1;
  if (leaf.kind !== 'value') return undefined;
  let keys = 0;
  for (const test of leaf.tests) {
    if (test.op === '=') keys += test.kinds.length;
    else if (test.op === 'in') keys += test.kinds.length * test.values.length;
    else return undefined;
  }
  return keys > 0 && keys <= WALK_MAX_KEYS ? keys : undefined;
}

/**
 * A set query of the column `pk`, distinct and in ascending order, of the entities `leaf`
 * selects (a leaf for which walkKeyCount is defined), from `afterPk` on when given.
 * `GROUP BY pk ORDER BY pk` over one range and `UNION … ORDER BY pk` over several are the
 * forms SQLite streams without sorting (sqlite-query-plans.test.ts checks it).
 */
export function renderWalk(
  dialect: SqlDialect,
  params: SqlParams,
  tenant: string,
  leaf: Condition,
  afterPk: number | undefined,
): string {
  const after = () => (afterPk === undefined ? '' : ` AND entity_pk > ${params.add(afterPk)}`);
  const ranges: string[] = [];
  if (leaf.kind === 'type') {
    ranges.push(
      `SELECT entity_pk AS pk FROM entity_types WHERE tenant = ${params.add(tenant)} AND type = ${params.add(leaf.type)}${after()}`,
    );
  } else if (leaf.kind === 'value') {
    for (const test of leaf.tests) {
      if (test.op !== '=' && test.op !== 'in') throw new Error(`cannot walk a '${test.op}' test`);
      const values = test.op === 'in' ? test.values : [test.value];
      // Row kinds are a fixed alphabet (entity-index-rows.ts), safe as literals; `kind <> 'e'`
      // names the partial value indexes (see condition-sql.ts).
      for (const kind of test.kinds) {
        for (const value of values) {
          ranges.push(
            `SELECT entity_pk AS pk FROM attr_values WHERE tenant = ${params.add(tenant)} AND ${dialect.attrIs(params, 'attr', leaf.attr)} AND kind = '${kind}' AND kind <> 'e' AND ${test.column} = ${params.add(value)}${after()}`,
          );
        }
      }
    }
  } else {
    throw new Error(`cannot walk a '${leaf.kind}' condition`);
  }
  return ranges.length === 1
    ? `${ranges[0]} GROUP BY pk ORDER BY pk`
    : `${ranges.join(' UNION ')} ORDER BY pk`;
}
