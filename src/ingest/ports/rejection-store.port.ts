/**
 * The bounded dead-letter store of rejected device messages (GET /api/ingest/rejections).
 * Adapters: SQLite and PostgreSQL tables trimmed to the newest `capacity` rows
 * (src/adapters/{sqlite,postgres}/*-rejection-store.ts), and the in-memory fallback
 * (src/ingest/pipeline/in-memory-rejection.store.ts); all pass
 * test/contract/rejection-store.contract.ts.
 *
 * Tenants: a rejection whose tenant is unknown (no device matched) belongs to the default
 * tenant ''. The `tenant` filter '' therefore matches both; a listed rejection keeps
 * `tenant` undefined when it had none.
 */
import type { Rejection } from '../ingest.types.js';

export interface RejectionFilter {
  tenant: string;
  reason?: string;
  deviceId?: string;
}

export interface RejectionStore {
  /** Appends in order, then trims the oldest beyond the capacity. */
  add(rejections: Rejection[]): Promise<void>;
  /** Newest first; filters are exact matches. */
  list(
    filter: RejectionFilter & { limit: number; offset: number },
  ): Promise<{ rejections: Rejection[]; count: number }>;
  /** How many stored rejections of the tenant each reason has (reasons with none left out). */
  countByReason(tenant: string): Promise<Record<string, number>>;
}
