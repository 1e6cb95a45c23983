/**
 * Entity type and attribute discovery (NGSI-LD 5.7.5–5.7.10, query.md §12) from the index
 * tables: entity_types and the first row of each attribute instance in attr_values, whose
 * `akind` holds the attribute kind (entity-index-rows.ts). No entity document is read. The
 * rows are reached from the tenant's entities (`akind` has no index of its own), so a
 * small tenant never reads a large one's rows.
 */
import type { AttributeSummary, TypeSummary } from '../../context/ports/entity-store.port.js';
import { ATTRIBUTE_KINDS, type AttributeKind } from '../../ngsi-ld/model.js';
import type { RenderedSql, SqlDialect } from './sql-dialect.js';

export interface SummaryStatements {
  typeCounts: RenderedSql;
  typeAttributes: RenderedSql;
  attributeCounts: RenderedSql;
  attributeTypes: RenderedSql;
}

export interface SummaryRows {
  typeCounts: Array<{ type: string; n: number }>;
  typeAttributes: Array<{ type: string; attr: string; kind: string }>;
  attributeCounts: Array<{ attr: string; kind: string; n: number }>;
  attributeTypes: Array<{ attr: string; type: string }>;
}

function statement(
  dialect: SqlDialect,
  tenant: string,
  build: (tenantParam: string) => string,
): RenderedSql {
  const params = dialect.newParams();
  return { text: build(params.add(tenant)), params: params.values };
}

export function renderSummaryStatements(dialect: SqlDialect, tenant: string): SummaryStatements {
  return {
    typeCounts: statement(
      dialect,
      tenant,
      (t) => `SELECT type, COUNT(*) AS n FROM entity_types WHERE tenant = ${t} GROUP BY type`,
    ),
    typeAttributes: statement(
      dialect,
      tenant,
      (t) =>
        `SELECT DISTINCT t.type AS type, ${dialect.attrIri('a.attr')} AS attr, a.akind AS kind FROM entity_types t JOIN attr_values a ON a.entity_pk = t.entity_pk AND a.akind IS NOT NULL WHERE t.tenant = ${t}`,
    ),
    attributeCounts: statement(
      dialect,
      tenant,
      (t) =>
        `SELECT ${dialect.attrIri('a.attr')} AS attr, a.akind AS kind, COUNT(*) AS n FROM entities e JOIN attr_values a ON a.entity_pk = e.pk AND a.akind IS NOT NULL WHERE e.tenant = ${t} GROUP BY a.attr, a.akind`,
    ),
    attributeTypes: statement(
      dialect,
      tenant,
      (t) =>
        `SELECT DISTINCT ${dialect.attrIri('a.attr')} AS attr, t.type AS type FROM entity_types t JOIN attr_values a ON a.entity_pk = t.entity_pk AND a.akind IS NOT NULL WHERE t.tenant = ${t}`,
    ),
  };
}

/** Code-unit order, the same in both adapters whatever the database collation. */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortKinds(kinds: Iterable<string>): AttributeKind[] {
  const set = new Set(kinds);
  return ATTRIBUTE_KINDS.filter((kind) => set.has(kind));
}

function groupBy<T>(
  rows: T[],
  key: (row: T) => string,
  value: (row: T) => string,
): Map<string, Set<string>> {
  const groups = new Map<string, Set<string>>();
  for (const row of rows) {
    const group = groups.get(key(row)) ?? new Set<string>();
    group.add(value(row));
    groups.set(key(row), group);
  }
  return groups;
}

export function buildTypeSummaries(
  rows: Pick<SummaryRows, 'typeCounts' | 'typeAttributes'>,
): TypeSummary[] {
  const kindsByTypeAttr = groupBy(
    rows.typeAttributes,
    (row) => `${row.type}\u0000${row.attr}`,
    (row) => row.kind,
  );
  const attrsByType = groupBy(
    rows.typeAttributes,
    (row) => row.type,
    (row) => row.attr,
  );
  return rows.typeCounts
    .map((row) => ({
      type: row.type,
      entityCount: Number(row.n),
      attributes: [...(attrsByType.get(row.type) ?? [])].sort(byText).map((name) => ({
        name,
        kinds: sortKinds(kindsByTypeAttr.get(`${row.type}\u0000${name}`) ?? []),
      })),
    }))
    .sort((a, b) => byText(a.type, b.type));
}

export function buildAttributeSummaries(
  rows: Pick<SummaryRows, 'attributeCounts' | 'attributeTypes'>,
): AttributeSummary[] {
  const kinds = groupBy(
    rows.attributeCounts,
    (row) => row.attr,
    (row) => row.kind,
  );
  const types = groupBy(
    rows.attributeTypes,
    (row) => row.attr,
    (row) => row.type,
  );
  const counts = new Map<string, number>();
  for (const row of rows.attributeCounts)
    counts.set(row.attr, (counts.get(row.attr) ?? 0) + Number(row.n));
  return [...counts.keys()].sort(byText).map((name) => ({
    name,
    kinds: sortKinds(kinds.get(name) ?? []),
    typeNames: [...(types.get(name) ?? [])].sort(byText),
    instanceCount: counts.get(name) ?? 0,
  }));
}
