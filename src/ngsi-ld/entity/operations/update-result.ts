/**
 * The report of Append / Update Attributes and Merge Entity (NGSI-LD 5.2.18 UpdateResult,
 * entities.md §2). Names are expanded IRIs; the HTTP layer decides how to print them.
 */
import type { Entity } from '../../model.js';
import { normalizeDatasetId } from './attribute-instances.js';

export interface NotUpdatedDetails {
  attributeName: string;
  reason: string;
}

export interface UpdateResult {
  /** Attributes (expanded IRIs) that were appended, replaced, merged or deleted. */
  updated: string[];
  notUpdated: NotUpdatedDetails[];
}

/** Collects an UpdateResult while an operation walks a fragment. */
export interface UpdateReport {
  markUpdated(attributeName: string): void;
  markNotUpdated(attributeName: string, reason: string): void;
  result(): UpdateResult;
}

export function createUpdateReport(): UpdateReport {
  const updated: string[] = [];
  const notUpdated: NotUpdatedDetails[] = [];
  return {
    markUpdated(attributeName) {
      // One entry per attribute even when several of its instances (datasetIds) changed.
      if (!updated.includes(attributeName)) updated.push(attributeName);
    },
    markNotUpdated(attributeName, reason) {
      notUpdated.push({ attributeName, reason });
    },
    result: () => ({ updated: [...updated], notUpdated: [...notUpdated] }),
  };
}

/** The entity after a write, and what happened to each attribute of the fragment. */
export interface WriteOutcome {
  /** The same object as the input entity when nothing changed. */
  entity: Entity;
  result: UpdateResult;
}

/** A notUpdated reason that names the instance when it is not the default one. */
export function withDataset(reason: string, datasetId: string | undefined): string {
  const dataset = normalizeDatasetId(datasetId);
  return dataset === undefined ? reason : `${reason} (datasetId ${dataset})`;
}
