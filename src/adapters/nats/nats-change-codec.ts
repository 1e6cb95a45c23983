/**
 * EntityChange <-> message payload (JSON). Decoding checks the shape, since anyone with
 * access to the subjects could publish there; a payload that is not a change is refused.
 */
import type { EntityChange } from '../../context/ports/change-log.port.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeChange(change: EntityChange): Uint8Array {
  return encoder.encode(JSON.stringify(change));
}

/** The change in `data`, or `undefined` when `data` is not one. */
export function decodeChange(data: Uint8Array): EntityChange | undefined {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(data));
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
