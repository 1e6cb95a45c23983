/**
 * The IoT Agent JSON measure payload (IoTA-JSON): an object of measures (`{"t": 23.5,
 * "h": 61}`), or an array of such objects, each one measurement of its own. A
 * `TimeInstant` (or `timestamp`) member holding a valid ISO 8601 time is the measurement's
 * observedAt and is not a measure; any other value there stays an ordinary measure.
 * Malformed input throws a ProblemDetails: 400, or 413 when it holds too many measures.
 */
import { invalidRequest, payloadTooLarge } from '../../ngsi-ld/problem-details.js';
import { isPlainObject } from '../../ngsi-ld/entity/json-value.js';
import { parseMeasureTime } from './measure-time.js';

/** One measurement as a payload carries it: object_id → raw value. */
export interface DecodedMeasure {
  values: Record<string, unknown>;
  /** ISO 8601 UTC time the payload gave the measurement, if any. */
  observedAt?: string;
}

/** Measurements one message may carry, and measures one measurement may hold. */
export const MAX_MEASURES_PER_MESSAGE = 1000;

/** The keys whose time becomes observedAt, in order of precedence. */
export const TIME_KEYS = ['TimeInstant', 'timestamp'] as const;

/** Decodes a JSON text (an HTTP body, an MQTT payload). */
export function decodeJsonMeasures(text: string): DecodedMeasure[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw invalidRequest(`The payload is not valid JSON: ${(error as Error).message}`);
  }
  return jsonMeasures(body);
}

/** Reads already parsed JSON (for example a LoRaWAN network server's decoded payload). */
export function jsonMeasures(body: unknown): DecodedMeasure[] {
  if (Array.isArray(body)) {
    if (body.length === 0) throw invalidRequest('The payload is an empty array: no measures');
    if (body.length > MAX_MEASURES_PER_MESSAGE)
      throw payloadTooLarge(
        `The payload holds ${body.length} measurements; at most ${MAX_MEASURES_PER_MESSAGE} per message`,
      );
    return body.map((item, index) => measureOf(item, `measurement ${index}`));
  }
  return [measureOf(body, 'the payload')];
}

function measureOf(item: unknown, where: string): DecodedMeasure {
  if (!isPlainObject(item))
    throw invalidRequest(`${where} must be a JSON object of measures, got ${kindOf(item)}`);
  let count = 0;
  let observedAt: string | undefined;
  let hasTimeKey = false;
  for (const key in item) {
    count++;
    if (key === 'TimeInstant' || key === 'timestamp') hasTimeKey = true;
  }
  if (count > MAX_MEASURES_PER_MESSAGE)
    throw payloadTooLarge(`${where} holds ${count} measures; at most ${MAX_MEASURES_PER_MESSAGE}`);
  let values = item;
  if (hasTimeKey) {
    values = { ...item };
    for (const key of TIME_KEYS) {
      const time = parseMeasureTime(item[key]);
      if (time === undefined) continue;
      observedAt ??= time;
      delete values[key];
    }
  }
  if (Object.keys(values).length === 0) throw invalidRequest(`${where} holds no measures`);
  return observedAt === undefined ? { values } : { values, observedAt };
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
