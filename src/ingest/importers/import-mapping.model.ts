/**
 * What a mapping file says (docs/importers.md): how the rows of a CSV file, the features of a
 * GeoJSON file or the records of a GTFS file become NGSI-LD entities. Parsed and validated by
 * import-mapping.parser.ts; applied by record.mapper.ts.
 */

export const VALUE_TYPES = ['text', 'number', 'integer', 'boolean', 'date', 'json'] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

export const MAPPED_KINDS = ['Property', 'Relationship', 'GeoProperty'] as const;
export type MappedKind = (typeof MAPPED_KINDS)[number];

/** `{field}` placeholders between literal text, e.g. `urn:ngsi-ld:ParkingSpot:{code}`. */
export interface Template {
  text: string;
  parts: Array<{ literal: string } | { field: string }>;
  fields: string[];
}

/** Where an attribute's value comes from: exactly one of a field, a template or a constant. */
export type ValueSource =
  | { from: 'field'; field: string }
  | { from: 'template'; template: Template }
  | { from: 'constant'; value: unknown };

export interface AttributeMapping {
  /** The NGSI-LD attribute name (a term of the @context, or an IRI). */
  name: string;
  kind: MappedKind;
  source: ValueSource;
  /** How the source text is read (Property only; Relationship takes a URI, GeoProperty a geometry). */
  type: ValueType;
  unitCode?: string;
  /** An empty value rejects the record (otherwise the attribute is left out). */
  required: boolean;
  /** The field may be missing from the file's header (optional GTFS columns, for instance). */
  optionalField: boolean;
  /** Relationship only: the object is a one-URI array (Smart Data Models GtfsStop operatedBy). */
  array: boolean;
}

export type LocationMapping =
  | { from: 'coordinates'; latitude: string; longitude: string; required: boolean }
  | { from: 'geometry'; required: boolean };

/** Records matching any rule are skipped (counted, not rejected). */
export interface SkipRule {
  field: string;
  test: { equals: string } | { in: string[] } | { empty: true } | { matches: string };
}

export interface EntityMapping {
  type: string;
  id: Template;
  /** A @context URL sent in the Link header (the --context flag wins). */
  context?: string;
  /** ',' reads "12,5" as 12.5 (European exports). */
  decimalSeparator: '.' | ',';
  location?: LocationMapping;
  attributes: AttributeMapping[];
  skip: SkipRule[];
}

/** A GTFS mapping: one entity mapping per feed file, imported in this order. */
export interface GtfsMapping {
  files: Array<{ file: string; mapping: EntityMapping }>;
}
