/**
 * Syntax trees of the NGSI-LD query languages, with attribute and type names already
 * expanded to IRIs. Parsers build them from request text; the entity filter evaluates them
 * against stored entities; storage adapters translate the indexable parts to SQL.
 */
import type { Geometry } from '../model.js';

// ---- q (NGSI-LD 4.9) ----

export type QExpr = QAnd | QOr | QTerm;
export interface QAnd {
  kind: 'and';
  terms: QExpr[];
}
export interface QOr {
  kind: 'or';
  terms: QExpr[];
}

export type QOperator = '==' | '!=' | '>' | '>=' | '<' | '<=' | '~=' | '!~=';

/** Members of an attribute a path may end on instead of a sub-attribute. */
export type QMember = 'observedAt' | 'createdAt' | 'modifiedAt' | 'unitCode' | 'datasetId';

export interface QPath {
  /** Expanded IRI of the top-level attribute. */
  attr: string;
  /** Expanded IRIs of the sub-attribute chain (`a.b.c` → [b, c]). */
  subAttrs: string[];
  /** Set when the path ends on a member such as `temperature.observedAt`. */
  member?: QMember;
  /** Path inside a JSON value (`address[city.name]` → ['city', 'name']), never expanded. */
  jsonPath?: string[];
  /** The path as written, for error messages. */
  text: string;
}

export type QScalar =
  | { type: 'number'; value: number }
  | { type: 'string'; value: string }
  | { type: 'boolean'; value: boolean }
  /** `value` is the text; `epochMs` the instant. */
  | { type: 'dateTime'; value: string; epochMs: number }
  | { type: 'date'; value: string }
  | { type: 'time'; value: string }
  | { type: 'uri'; value: string };

export type QValue =
  | { kind: 'scalar'; scalar: QScalar }
  | { kind: 'list'; items: QScalar[] }
  | { kind: 'range'; min: QScalar; max: QScalar }
  | { kind: 'regex'; source: string; flags: string };

export interface QTerm {
  kind: 'term';
  path: QPath;
  /** Absent for an existence test (`q=temperature`). */
  op?: QOperator;
  value?: QValue;
}

// ---- entity type selection (NGSI-LD 4.17) ----

/** Disjunction of conjunctions of expanded type IRIs: `(A;B)|C` → [[A, B], [C]]. */
export interface TypeSelector {
  anyOf: string[][];
}

// ---- scopeQ (NGSI-LD 4.19) ----

export interface ScopePattern {
  /** Levels after the leading '/'; '+' matches exactly one level. */
  levels: string[];
  /** Pattern ended with '/#': the scope and everything below it. */
  descendants: boolean;
}
/** `anyOf` is a disjunction of conjunctions; `anyScope` is `/#` (entity has some scope). */
export type ScopeQuery = { kind: 'patterns'; anyOf: ScopePattern[][] } | { kind: 'anyScope' };

// ---- geoQ (NGSI-LD 4.10) ----

export type GeoRel =
  | { op: 'near'; maxDistance?: number; minDistance?: number }
  | { op: 'within' | 'contains' | 'intersects' | 'equals' | 'disjoint' | 'overlaps' };

export interface GeoQuery {
  georel: GeoRel;
  geometry: Geometry;
  /** Expanded IRI of the GeoProperty to test (default `https://uri.etsi.org/ngsi-ld/location`). */
  geoproperty: string;
}

// ---- the whole query (Query Entities, NGSI-LD 5.7.2) ----

export interface EntityQuery {
  ids?: string[];
  /** Regular expression source (validated), tested unanchored against entity ids. */
  idPattern?: string;
  types?: TypeSelector;
  /** Expanded attribute IRIs: the entity must have at least one (legacy `attrs`). */
  attrs?: string[];
  q?: QExpr;
  /**
   * The request context's expansion (term → IRI) of q's text values that expand to
   * something else: VocabProperty values are IRIs, so they are compared expanded
   * (NGSI-LD 4.9, query.md §2.3).
   */
  vocabularyTerms?: Record<string, string>;
  geoQ?: GeoQuery;
  scopeQ?: ScopeQuery;
  limit: number;
  offset: number;
  /** Also compute the total number of matches. */
  count: boolean;
}
