/**
 * The seams of the importers: a reader turns a file into an ImportSource of records, the
 * record mapper turns each record into an NGSI-LD entity, the import runner sends them in
 * batches through an EntityUpserter (the NGSI-LD API of a running Civis).
 */
import type { EntityMapping } from './import-mapping.model.js';

export interface SourceRecord {
  /** Where the record is in its file, for people: `line 7`, `feature 3`. */
  at: string;
  /** Field name → value: strings from text files, JSON values from GeoJSON properties. */
  fields: Record<string, unknown>;
  /** A GeoJSON feature's geometry, as found (validated by the mapper). */
  geometry?: unknown;
  /** The record as written to the rejects file, one value per ImportSource.rejectColumns. */
  raw: string[];
  /** Set when the reader already refused the record (wrong number of fields, not a Feature). */
  problem?: string;
}

export interface ImportSource {
  /** File name shown in progress, summary and rejects: `parking.csv`, `stops.txt`. */
  name: string;
  mapping: EntityMapping;
  /** Fields the records may carry (CSV header, GeoJSON property names): checked up front. */
  fields: readonly string[];
  /** What the columns of SourceRecord.raw are. */
  rejectColumns: readonly string[];
  records(): AsyncIterable<SourceRecord>;
  /** How far reading got (bytes or features) and of how much, when known. */
  position(): { done: number; total?: number };
  /** Releases the file (a source may be closed before or after reading). */
  close(): Promise<void>;
}

/** An entity in NGSI-LD normalized form, ready for the batch upsert body. */
export type NormalizedEntity = { id: string; type: string } & Record<string, unknown>;

/** The outcome of one batch upsert (NGSI-LD 5.6.8). */
export interface UpsertOutcome {
  /** Entities the server reports as written. */
  succeeded: number;
  /** Ids created, when the server said (201); undefined when it did not (207). */
  created: string[] | undefined;
  errors: Array<{ entityId: string; reason: string }>;
}

export interface EntityUpserter {
  /** `context`: the @context URL of the entities' terms (a Link header), if any. */
  upsert(entities: NormalizedEntity[], context?: string): Promise<UpsertOutcome>;
}
