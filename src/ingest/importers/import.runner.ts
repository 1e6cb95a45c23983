/**
 * Runs an import: checks that every source has the fields its mapping reads (before anything
 * is sent), maps records to entities, upserts them in batches, and accounts for every record
 * — imported, skipped by a rule, or rejected with its position and reason.
 */
import { badRequestData, isProblemDetails } from '../../ngsi-ld/problem-details.js';
import { createRecordMapper, missingFields, referencedFields } from './record.mapper.js';
import type {
  EntityUpserter,
  ImportSource,
  NormalizedEntity,
  SourceRecord,
} from './import.types.js';

export interface Rejection {
  source: string;
  at: string;
  reason: string;
}

/** Where rejected records go besides the summary (the --rejects file). */
export interface RejectsSink {
  write(rejection: Rejection, source: ImportSource, raw: readonly string[]): Promise<void>;
}

export interface ProgressSnapshot {
  source: string;
  read: number;
  imported: number;
  rejected: number;
  /** Bytes or features read, of total when known. */
  done: number;
  total?: number;
}

export interface ImportProgress {
  update(snapshot: ProgressSnapshot): void;
  /** The source is done (or the import stopped in it). */
  finish(snapshot: ProgressSnapshot): void;
}

export interface SourceCounts {
  name: string;
  read: number;
  imported: number;
  skipped: number;
  rejected: number;
}

export interface ImportSummary {
  read: number;
  imported: number;
  /** Created / updated as the server reported them (201, 204). */
  created: number;
  updated: number;
  /** Imported in batches with per-entity errors (207), where the server does not say which. */
  unconfirmed: number;
  skipped: number;
  rejected: number;
  durationMs: number;
  sources: SourceCounts[];
  /** The first rejections (all of them go to the rejects file). */
  rejections: Rejection[];
  /** Why the import stopped early, if it did. */
  fatal?: string;
}

export interface ImportRunOptions {
  sources: ImportSource[];
  upserter: EntityUpserter;
  batchSize: number;
  progress?: ImportProgress;
  rejects?: RejectsSink;
  /** Rejections kept in the summary. */
  reportLimit?: number;
  now?: () => number;
}

interface Pending {
  entity: NormalizedEntity;
  record: SourceRecord;
}

export async function runImport(options: ImportRunOptions): Promise<ImportSummary> {
  const now = options.now ?? Date.now;
  const started = now();
  const reportLimit = options.reportLimit ?? 20;
  const summary: ImportSummary = {
    read: 0,
    imported: 0,
    created: 0,
    updated: 0,
    unconfirmed: 0,
    skipped: 0,
    rejected: 0,
    durationMs: 0,
    sources: [],
    rejections: [],
  };
  try {
    checkFields(options.sources);
    for (const source of options.sources) await importSource(source);
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    summary.fatal = isProblemDetails(error) ? error.detail : error.message;
  } finally {
    await Promise.all(options.sources.map((source) => source.close()));
    summary.durationMs = now() - started;
  }
  return summary;

  async function importSource(source: ImportSource): Promise<void> {
    const counts: SourceCounts = {
      name: source.name,
      read: 0,
      imported: 0,
      skipped: 0,
      rejected: 0,
    };
    summary.sources.push(counts);
    const mapRecord = createRecordMapper(source.mapping);
    const snapshot = (): ProgressSnapshot => ({
      source: source.name,
      read: counts.read,
      imported: counts.imported,
      rejected: counts.rejected,
      ...source.position(),
    });
    let batch: Pending[] = [];

    const reject = async (record: SourceRecord | undefined, reason: string) => {
      const rejection = { source: source.name, at: record?.at ?? 'unknown record', reason };
      counts.rejected += 1;
      summary.rejected += 1;
      if (summary.rejections.length < reportLimit) summary.rejections.push(rejection);
      await options.rejects?.write(rejection, source, record?.raw ?? []);
    };

    const flush = async () => {
      if (batch.length === 0) return;
      const sent = batch;
      batch = [];
      const outcome = await options.upserter.upsert(
        sent.map((item) => item.entity),
        source.mapping.context,
      );
      counts.imported += outcome.succeeded;
      summary.imported += outcome.succeeded;
      if (outcome.created === undefined) summary.unconfirmed += outcome.succeeded;
      else {
        summary.created += outcome.created.length;
        summary.updated += outcome.succeeded - outcome.created.length;
      }
      // Errors name entities; give each to the next record of the batch with that id.
      const byId = new Map<string, SourceRecord[]>();
      for (const item of sent) {
        byId.set(item.entity.id, [...(byId.get(item.entity.id) ?? []), item.record]);
      }
      for (const error of outcome.errors)
        await reject(byId.get(error.entityId)?.shift(), error.reason);
    };

    try {
      for await (const record of source.records()) {
        counts.read += 1;
        summary.read += 1;
        const outcome = mapRecord(record);
        if (outcome.outcome === 'skipped') {
          counts.skipped += 1;
          summary.skipped += 1;
        } else if (outcome.outcome === 'rejected') {
          await reject(record, outcome.reason);
        } else {
          batch.push({ entity: outcome.entity, record });
          if (batch.length >= options.batchSize) await flush();
        }
        options.progress?.update(snapshot());
      }
      await flush();
    } finally {
      options.progress?.finish(snapshot());
    }
  }
}

/** Fail fast: a mapped column missing from a header would reject every record. */
function checkFields(sources: ImportSource[]): void {
  const problems: string[] = [];
  for (const source of sources) {
    const missing = missingFields(source.mapping, source.fields);
    if (missing.length > 0) {
      const shown = source.fields.slice(0, 30).join(', ');
      problems.push(
        `${source.name}: the mapping reads ${list(missing)}, missing from the file (it has: ${shown})`,
      );
    }
    const referenced = referencedFields(source.mapping);
    const repeated = source.fields.filter(
      (field, index) => referenced.has(field) && source.fields.indexOf(field) !== index,
    );
    if (repeated.length > 0) {
      problems.push(
        `${source.name}: ${list([...new Set(repeated)])} appear more than once in the header`,
      );
    }
  }
  if (problems.length > 0) {
    throw badRequestData(`Nothing was imported:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function list(fields: string[]): string {
  return fields.map((field) => `'${field}'`).join(', ');
}
