/**
 * SQLite rendering of conditions (sql/sql-dialect.ts): `?` placeholders, the R*Tree, and
 * attribute numbers looked up in attr_names by the statement itself (migration 12): an
 * unknown IRI looks up nothing, and matches no row.
 */
import type { SqlDialect, SqlParams } from '../sql/sql-dialect.js';

function newParams(): SqlParams {
  const values: unknown[] = [];
  return {
    values,
    add(value) {
      values.push(value);
      return '?';
    },
  };
}

/** Lists travel as one JSON parameter, so the statement text (and its cache entry) does not depend on their length. */
function inList(params: SqlParams, column: string, values: Array<string | number>): string {
  return `${column} IN (SELECT value FROM json_each(${params.add(JSON.stringify(values))}))`;
}

export const sqliteDialect: SqlDialect = {
  docColumn: 'e.doc',
  newParams,
  inList,
  compareText: (params, column, op, value) => `${column} ${op} ${params.add(value)}`,
  betweenText: (params, column, min, max) =>
    `${column} BETWEEN ${params.add(min)} AND ${params.add(max)}`,
  inText: (params, column, values) => inList(params, column, values),
  attrIs: (params, column, iri) =>
    `${column} = (SELECT id FROM attr_names WHERE iri = ${params.add(iri)})`,
  attrIn: (params, column, iris) =>
    `${column} IN (SELECT id FROM attr_names WHERE ${inList(params, 'iri', iris)})`,
  attrIri: (column) => `(SELECT iri FROM attr_names WHERE id = ${column})`,
  bboxSet: (params, tenant, attr, box) =>
    'SELECT g.entity_pk AS pk FROM geo_rtree r JOIN geo_boxes g ON g.id = r.id' +
    ` WHERE r.min_lon <= ${params.add(box[2])} AND r.max_lon >= ${params.add(box[0])}` +
    ` AND r.min_lat <= ${params.add(box[3])} AND r.max_lat >= ${params.add(box[1])}` +
    ` AND g.tenant = ${params.add(tenant)} AND g.attr = ${params.add(attr)}`,
  bboxProbe: (params, attr, box) =>
    'EXISTS (SELECT 1 FROM geo_boxes g JOIN geo_rtree r ON r.id = g.id' +
    ` WHERE g.entity_pk = e.pk AND g.attr = ${params.add(attr)}` +
    ` AND r.min_lon <= ${params.add(box[2])} AND r.max_lon >= ${params.add(box[0])}` +
    ` AND r.min_lat <= ${params.add(box[3])} AND r.max_lat >= ${params.add(box[1])})`,
  streamsDistinct: true,
};
