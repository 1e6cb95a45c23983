/**
 * Rows of the `ingest_rejections` table (ingest/ports/rejection-store.port.ts), shared by the
 * SQLite and PostgreSQL adapters. A rejection without a tenant is stored under the default
 * tenant '' with `tenant_known` false, so that listing one tenant is one index range.
 */
import type { Rejection } from '../../ingest/ingest.types.js';

export const REJECTION_COLUMNS = [
  'tenant',
  'tenant_known',
  'at',
  'reason',
  'transport',
  'apikey',
  'device_id',
  'source',
  'detail',
  'payload_excerpt',
] as const;

export interface RejectionRow {
  tenant: string;
  tenant_known: boolean | number;
  at: string;
  reason: string;
  transport: string;
  apikey: string | null;
  device_id: string | null;
  source: string | null;
  detail: string;
  payload_excerpt: string | null;
}

export function rejectionRow(rejection: Rejection): RejectionRow {
  return {
    tenant: rejection.tenant ?? '',
    tenant_known: rejection.tenant !== undefined,
    at: rejection.at,
    reason: rejection.reason,
    transport: rejection.transport,
    apikey: rejection.apikey ?? null,
    device_id: rejection.deviceId ?? null,
    source: rejection.source ?? null,
    detail: rejection.detail,
    payload_excerpt: rejection.payloadExcerpt ?? null,
  };
}

export function rejectionOfRow(row: RejectionRow): Rejection {
  const rejection = {
    at: row.at,
    reason: row.reason,
    transport: row.transport,
    detail: row.detail,
  } as Rejection;
  if (row.tenant_known) rejection.tenant = row.tenant;
  if (row.apikey !== null) rejection.apikey = row.apikey;
  if (row.device_id !== null) rejection.deviceId = row.device_id;
  if (row.source !== null) rejection.source = row.source;
  if (row.payload_excerpt !== null) rejection.payloadExcerpt = row.payload_excerpt;
  return rejection;
}

/** The WHERE clause of a listing, with `?` placeholders in the order of `rejectionFilterParams`. */
export function rejectionFilterSql(filter: { reason?: string; deviceId?: string }): string {
  return [
    'tenant = ?',
    ...(filter.reason === undefined ? [] : ['reason = ?']),
    ...(filter.deviceId === undefined ? [] : ['device_id = ?']),
  ].join(' AND ');
}

export function rejectionFilterParams(filter: {
  tenant: string;
  reason?: string;
  deviceId?: string;
}): string[] {
  return [
    filter.tenant,
    ...(filter.reason === undefined ? [] : [filter.reason]),
    ...(filter.deviceId === undefined ? [] : [filter.deviceId]),
  ];
}
