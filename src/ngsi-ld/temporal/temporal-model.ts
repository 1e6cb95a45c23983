/**
 * The temporal evolution of an entity as Civis holds it (NGSI-LD 4.5.7–4.5.9, temporal.md
 * §2): entity members, and per attribute the recorded instances or their aggregates.
 * Names are expanded IRIs, as everywhere inside Civis.
 */
import type { Attribute, AttributeKind, JsonValue } from '../model.js';
import type { AggregationMethod } from './aggregation.js';

/** Prefix of the instanceId URIs Civis mints. */
export const INSTANCE_ID_PREFIX = 'urn:ngsi-ld:attribute:instance:';

/** One recorded instance of an attribute. */
export interface TemporalInstance {
  /** URI minted by the store. */
  instanceId: string;
  /** The instance as recorded, with createdAt/modifiedAt of the record. */
  attribute: Attribute;
  /** Set on the NGSI-LD Null instance that records a deletion. */
  deletedAt?: string;
}

/** One aggregation period of one attribute instance set (one datasetId). */
export interface AggregatedPeriod {
  /** ISO 8601 start (inclusive) and end (exclusive). */
  start: string;
  end: string;
  values: Partial<Record<AggregationMethod, JsonValue>>;
}

export interface AggregatedSeries {
  kind: AttributeKind;
  /** Absent for the default instance. */
  datasetId?: string;
  periods: AggregatedPeriod[];
  /** The attribute had more periods than one answer holds: the later ones are left out. */
  truncated?: boolean;
}

export interface AttributeHistory {
  /** Oldest first (by the queried timeproperty). */
  instances: TemporalInstance[];
  /** More instances matched than were returned (the per-attribute cap). */
  truncated: boolean;
}

export interface EntityHistory {
  id: string;
  /** Expanded type IRIs. */
  type: string[];
  scope?: string[];
  createdAt: string;
  modifiedAt: string;
  /** Recorded instances by attribute IRI (normalized and temporalValues representations). */
  attrs: Record<string, AttributeHistory>;
  /** Aggregates by attribute IRI (aggregatedValues representation). */
  aggregated?: Record<string, AggregatedSeries[]>;
}
