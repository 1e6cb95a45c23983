/**
 * The NGSI-LD information model as Civis holds it internally (NGSI-LD 4.5, 5.2).
 *
 * Everything here is *expanded*: entity types, attribute names, sub-attribute names,
 * `vocab`, `valueType` and `objectType` are full IRIs. Compaction to short names happens
 * only when rendering a response, with the request's @context.
 */

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export const ATTRIBUTE_KINDS = [
  'Property',
  'Relationship',
  'GeoProperty',
  'LanguageProperty',
  'ListProperty',
  'ListRelationship',
  'JsonProperty',
  'VocabProperty',
] as const;
export type AttributeKind = (typeof ATTRIBUTE_KINDS)[number];

/** The member that carries each kind's payload (data-model.md §2). */
export const PAYLOAD_MEMBER: Record<AttributeKind, PayloadMember> = {
  Property: 'value',
  GeoProperty: 'value',
  Relationship: 'object',
  ListRelationship: 'objectList',
  ListProperty: 'valueList',
  LanguageProperty: 'languageMap',
  VocabProperty: 'vocab',
  JsonProperty: 'json',
};
export type PayloadMember =
  'value' | 'object' | 'objectList' | 'valueList' | 'languageMap' | 'vocab' | 'json';

/** The NGSI-LD Null: marks a deletion in update/merge fragments and notifications. */
export const NGSI_LD_NULL = 'urn:ngsi-ld:null';

export type LanguageMap = Record<string, string | string[]>;

export type GeometryType =
  'Point' | 'MultiPoint' | 'LineString' | 'MultiLineString' | 'Polygon' | 'MultiPolygon';
export interface Geometry {
  type: GeometryType;
  coordinates: JsonValue[];
}

/** One instance of an attribute (a multi-attribute has several, told apart by datasetId). */
export interface Attribute {
  type: AttributeKind;
  /** Property value (any JSON but null) or GeoProperty geometry. */
  value?: JsonValue;
  /** Relationship target(s): absolute URIs. */
  object?: string | string[];
  /** ListRelationship targets, in order. */
  objectList?: string[];
  /** ListProperty values, in order. */
  valueList?: JsonValue[];
  languageMap?: LanguageMap;
  /** VocabProperty: expanded IRIs. */
  vocab?: string | string[];
  /** JsonProperty: raw JSON, never expanded. */
  json?: JsonValue;
  /** Absent for the default instance. */
  datasetId?: string;
  observedAt?: string;
  unitCode?: string;
  /** Expanded IRI. */
  valueType?: string;
  /** Expanded IRI(s). */
  objectType?: string | string[];
  expiresAt?: string;
  createdAt?: string;
  modifiedAt?: string;
  /** Sub-attributes, keyed by expanded IRI. */
  attrs?: AttributeMap;
}

/** Attributes by expanded IRI; each entry holds at least one instance. */
export type AttributeMap = Record<string, Attribute[]>;

export interface Entity {
  /** Absolute URI; never expanded. */
  id: string;
  /** Expanded type IRIs, at least one, no duplicates. */
  type: string[];
  /** Scopes (NGSI-LD 4.18), absent when the entity has none. */
  scope?: string[];
  createdAt: string;
  modifiedAt: string;
  attrs: AttributeMap;
}

/** The default tenant (no NGSILD-Tenant header); it always exists. */
export const DEFAULT_TENANT = '';
