/**
 * What the LoRaWAN network servers' webhooks carry, once decoded: an uplink of one device
 * (DevEUI, the payload its formatter/codec decoded, the network server's time) or another
 * kind of message that Civis acknowledges and ignores (join accepts, downlink events…).
 * Pure: the decoders throw a ProblemDetails (400) that says what was wrong and where.
 */
import { badRequestData } from '../../ngsi-ld/problem-details.js';
import { normalizeDevEui } from '../devices/dev-eui.js';

export type LorawanMessage =
  | {
      kind: 'uplink';
      /** 16 hex digits, upper case (the registry stores DevEUIs so). */
      devEui: string;
      /** The decoded payload: payload keys (object_id) → values. */
      values: Record<string, unknown>;
      /** ISO 8601 (UTC, milliseconds) time the network server received the uplink, if given. */
      observedAt?: string;
    }
  | { kind: 'ignored'; what: string };

export function requireDevEui(value: unknown, where: string): string {
  const devEui = normalizeDevEui(value);
  if (devEui === undefined) {
    throw badRequestData(
      value === undefined
        ? `${where} is missing: Civis finds LoRaWAN devices by DevEUI`
        : `${where} must be a DevEUI of 16 hexadecimal digits`,
    );
  }
  return devEui;
}

// RFC 3339 as network servers write it: any fraction (TTS and ChirpStack send nanoseconds),
// Z or an offset.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/i;

/** The network server's time as ISO 8601 UTC with milliseconds; undefined when absent. */
export function parseNetworkTime(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'string' && RFC3339.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw badRequestData(`${where} must be an RFC 3339 date-time`);
  return new Date(ms).toISOString();
}

/** Payload formatters produce flat or shallow objects; deeper nesting is refused at the edge. */
export const MAX_VALUE_DEPTH = 16;

/** The decoded payload as measurement values: a JSON object nested at most MAX_VALUE_DEPTH deep. */
export function requireValues(
  value: unknown,
  where: string,
  hint: string,
): Record<string, unknown> {
  if (!isJsonObject(value)) {
    throw badRequestData(
      value === undefined ? `${where} is missing: ${hint}` : `${where} must be a JSON object`,
    );
  }
  // Iterative, so that a hostile nesting cannot overflow the stack here.
  const pending: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 1 }];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    if (typeof item.node !== 'object' || item.node === null) continue;
    if (item.depth > MAX_VALUE_DEPTH) {
      throw badRequestData(`${where} is nested more than ${MAX_VALUE_DEPTH} levels deep`);
    }
    for (const child of Object.values(item.node))
      pending.push({ node: child, depth: item.depth + 1 });
  }
  return value;
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requireObject(value: unknown, where: string): Record<string, unknown> {
  if (!isJsonObject(value)) {
    throw badRequestData(
      value === undefined ? `${where} is missing` : `${where} must be a JSON object`,
    );
  }
  return value;
}
