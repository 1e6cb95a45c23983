/**
 * EntityChange <-> message payload (JSON). Decoding checks the shape, since anyone with
 * access to the subjects could publish there; a payload that is not a change is refused.
 *
 * A change carries two entity documents (before and after), so a large entity can make a
 * message larger than the NATS server's max_payload (1 MiB by default). Such a payload is
 * deflated (node:zlib; entity documents shrink several times) and marked with a
 * `Content-Encoding: deflate` header. Only such a payload: every change that fitted
 * before still goes as plain JSON, which consumers of earlier versions read (they refuse
 * a deflated one). Inflating is capped at MAX_INFLATED_BYTES, so that a hostile message
 * cannot exhaust memory; both run off the event loop (zlib's thread pool).
 */
import { promisify } from 'node:util';
import { deflateRaw, inflateRaw } from 'node:zlib';
import type { EntityChange } from '../../context/ports/change-log.port.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const deflate = promisify(deflateRaw);
const inflate = promisify(inflateRaw);

export const MAX_INFLATED_BYTES = 64 * 1024 * 1024;
/** Room left in a message for its headers (message id, encoding), which count against max_payload. */
export const HEADER_ALLOWANCE_BYTES = 1024;
export const CONTENT_ENCODING = 'Content-Encoding';
export const DEFLATE = 'deflate';

export interface EncodedChange {
  data: Uint8Array;
  deflated: boolean;
}

/** The payload of `change` for a server that takes `maxPayload` bytes a message. */
export async function encodeChange(
  change: EntityChange,
  maxPayload: number,
): Promise<EncodedChange> {
  const json = encoder.encode(JSON.stringify(change));
  if (fits(json, maxPayload)) return { data: json, deflated: false };
  return { data: await deflate(json), deflated: true };
}

/** Whether a payload, with its headers, fits in a message of at most `maxPayload` bytes. */
export function fits(data: Uint8Array, maxPayload: number): boolean {
  return data.length <= maxPayload - HEADER_ALLOWANCE_BYTES;
}

/** The change in `data`, or `undefined` when `data` is not one. */
export async function decodeChange(
  data: Uint8Array,
  deflated = false,
): Promise<EntityChange | undefined> {
  let value: unknown;
  try {
    const json = deflated ? await inflate(data, { maxOutputLength: MAX_INFLATED_BYTES }) : data;
    value = JSON.parse(decoder.decode(json));
  } catch {
    return undefined;
  }
  return isEntityChange(value) ? value : undefined;
}

function isEntityChange(value: unknown): value is EntityChange {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    Number.isSafeInteger(v['seq']) &&
    typeof v['tenant'] === 'string' &&
    typeof v['entityId'] === 'string' &&
    typeof v['at'] === 'string' &&
    isEntityOrNull(v['previous']) &&
    isEntityOrNull(v['current'])
  );
}

function isEntityOrNull(value: unknown): boolean {
  return value === null || (typeof value === 'object' && !Array.isArray(value));
}
