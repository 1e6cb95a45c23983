/**
 * What differs between the SQL of SQLite and PostgreSQL when rendering a Condition:
 * placeholders, list membership, text comparisons, the bounding-box index and, optionally,
 * the form of per-entity probes. Values are always bound as parameters, never written into
 * the SQL text.
 */
import type { BBox } from '../../ngsi-ld/geo/bounding-box.js';
import type { Comparison } from './query-condition.js';

/** Collects parameters while SQL text is built left to right. */
export interface SqlParams {
  /** Adds a value and returns its placeholder. */
  add(value: unknown): string;
  readonly values: unknown[];
}

export interface SqlDialect {
  /** The entity document as JSON text, from `entities e`. */
  docColumn: string;
  newParams(): SqlParams;
  /** `column` is one of `values` (non-empty). */
  inList(
    params: SqlParams,
    column: string,
    values: Array<string | number>,
    type: 'text' | 'float8' | 'int8',
  ): string;
  /** `column <op> value` on an indexed text column (`str`). */
  compareText(params: SqlParams, column: string, op: Comparison, value: string): string;
  betweenText(params: SqlParams, column: string, min: string, max: string): string;
  inText(params: SqlParams, column: string, values: string[]): string;
  /**
   * The attribute of an index row (`column` of attr_values) is `iri`. SQLite stores a
   * number for it (attr_names); PostgreSQL the IRI itself.
   */
  attrIs(params: SqlParams, column: string, iri: string): string;
  /** The attribute of an index row is one of `iris` (non-empty). */
  attrIn(params: SqlParams, column: string, iris: string[]): string;
  /** The attribute IRI of an index row, as a result column. */
  attrIri(column: string): string;
  /** A set query (one column `pk`) of the entities whose `attr` box intersects `box`. */
  bboxSet(params: SqlParams, tenant: string, attr: string, box: BBox): string;
  /** A test that entity `e` has an `attr` box intersecting `box` (a probe, as `exists`). */
  bboxProbe(params: SqlParams, attr: string, box: BBox): string;
  /**
   * A boolean test that the correlated subquery `FROM … WHERE …` has a row; default
   * `EXISTS (SELECT 1 …)`. PostgreSQL turns EXISTS into a semi-join planned from row
   * estimates, which can lose the early stop of `ORDER BY pk LIMIT n` (postgres-dialect.ts).
   */
  exists?(body: string): string;
  /** The negation of `exists`; default `NOT EXISTS (SELECT 1 …)`. */
  notExists?(body: string): string;
  /**
   * A test evaluated as written, conjuncts left to right (default: the test itself). The
   * probe order is chosen by the query runner; PostgreSQL would sort them by cost alone.
   */
  inOrder?(test: string): string;
  /** Aggregate joining the integer `column` of a group as one comma-separated text; default `group_concat`. */
  joinKeys?(column: string): string;
  /**
   * Reading a leaf's capped keys, `SELECT DISTINCT` still stops at the cap: the engine drops
   * duplicates as rows stream (SQLite). Without it (PostgreSQL would read the whole leaf
   * before the first distinct row) a leaf may list an entity once per matching row.
   */
  streamsDistinct?: boolean;
  /**
   * Existence sets read only each instance's first row (`akind IS NOT NULL`): PostgreSQL
   * reads every matching row in the table anyway. SQLite would look each index entry up in
   * the table to test it, so it reads every row of the attribute from its indexes instead.
   */
  existenceByFirstRows?: boolean;
}

export interface RenderedSql {
  text: string;
  params: unknown[];
}
