/**
 * Readers of the scalar fields of /iot/services and /iot/devices bodies: each narrows an
 * `unknown` or throws a 400 BadRequestData that names the field. Shared by the service
 * group and device parsers.
 */
import { badRequestData } from '../../ngsi-ld/problem-details.js';
import { describe, isAbsoluteUri, isValidTypeName } from '../../ngsi-ld/entity/names.js';
import { normalizeDevEui } from './dev-eui.js';
import { DEVICE_TRANSPORTS, type DeviceTransport } from './device.model.js';

/** device_id and apikey: they travel in MQTT topics and URLs, so no '/', '#', '+' or spaces. */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
const RESOURCE_PATTERN = /^\/[A-Za-z0-9_.~/-]{0,255}$/;
const MAX_TEXT = 256;
/** A year: longer silences are outages, not a stale period. */
const MAX_STALE_PERIOD = 366 * 24 * 3600;

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asObject(value: unknown, where: string): JsonObject {
  if (!isObject(value)) throw badRequestData(`${where} must be a JSON object`);
  return value;
}

/** The items of a POST body's one member `member`: a non-empty array of at most `max`. */
export function readBodyList(body: unknown, member: string, max: number): unknown[] {
  const object = asObject(body, 'The body');
  checkMembers(object, 'The body', new Set([member]));
  const list = object[member];
  if (!Array.isArray(list) || list.length === 0)
    throw badRequestData(`The body must carry a non-empty '${member}' array`);
  if (list.length > max) throw badRequestData(`At most ${max} ${member} per request`);
  return list;
}

/**
 * A PUT body applied to the current fields: each member replaces the field, `null` removes
 * it (unless `keep` says it stays). The result has no prototype, so a `__proto__` member is
 * an ordinary (and then unknown) field instead of replacing the object's prototype.
 */
export function applyPatch(
  current: JsonObject,
  patch: JsonObject,
  keep: (key: string) => boolean = () => false,
): JsonObject {
  const merged = Object.assign(Object.create(null) as JsonObject, current);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null && !keep(key)) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/** A PUT body may repeat the fields that identify `current` (`what`), but not change them. */
export function checkUnchanged<T, K extends keyof T & string>(
  patch: JsonObject,
  current: T,
  keys: readonly K[],
  what: string,
): void {
  for (const key of keys) {
    if (patch[key] !== undefined && patch[key] !== current[key]) {
      throw badRequestData(`The ${key} of ${what} cannot be changed`);
    }
  }
}

/**
 * Rejects members that are neither known nor in `ignored` (IoT Agent fields Civis accepts
 * and drops); `unsupported` members get a message saying Civis does not implement them.
 */
export function checkMembers(
  object: JsonObject,
  where: string,
  known: ReadonlySet<string>,
  ignored: ReadonlySet<string> = new Set(),
  unsupported: ReadonlySet<string> = new Set(),
): void {
  for (const key of Object.keys(object)) {
    if (known.has(key) || ignored.has(key)) continue;
    if (unsupported.has(key)) throw badRequestData(`${where}: '${key}' is not supported by Civis`);
    throw badRequestData(`${where}: unknown field '${key}'`);
  }
}

export function readText(
  object: JsonObject,
  key: string,
  where: string,
  max = MAX_TEXT,
): string | undefined {
  const value = object[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw badRequestData(
      `${where}.${key} must be a string of 1 to ${max} characters, got ${describe(value)}`,
    );
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw badRequestData(`${where}.${key} must not contain control characters`);
  }
  return value;
}

/** A secret (a device password): its value is never repeated in an error message. */
export function readSecret(
  object: JsonObject,
  key: string,
  where: string,
  max: number,
): string | undefined {
  const value = object[key];
  if (value === undefined) return undefined;
  if (
    typeof value !== 'string' ||
    value.length === 0 ||
    value.length > max ||
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f]/.test(value)
  ) {
    throw badRequestData(
      `${where}.${key} must be a string of 1 to ${max} characters without control characters`,
    );
  }
  return value;
}

export function readIdentifier(object: JsonObject, key: string, where: string): string | undefined {
  const value = object[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !DEVICE_ID_PATTERN.test(value)) {
    throw badRequestData(
      `${where}.${key} must be 1 to 128 letters, digits, '_', '.', ':' or '-', got ${describe(value)}`,
    );
  }
  return value;
}

export function readResource(object: JsonObject, where: string): string | undefined {
  const value = object['resource'];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !RESOURCE_PATTERN.test(value) || value.includes('//')) {
    throw badRequestData(`${where}.resource must be a path like /iot/json, got ${describe(value)}`);
  }
  return value;
}

export function readEntityType(object: JsonObject, where: string): string | undefined {
  const value = object['entity_type'];
  if (value === undefined) return undefined;
  if (!isValidTypeName(value)) {
    throw badRequestData(
      `${where}.entity_type must be an NGSI-LD type name or an absolute URI, got ${describe(value)}`,
    );
  }
  return value;
}

export function readBoolean(object: JsonObject, key: string, where: string): boolean | undefined {
  const value = object[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') {
    throw badRequestData(`${where}.${key} must be true or false, got ${describe(value)}`);
  }
  return value;
}

export function readTransport(object: JsonObject, where: string): DeviceTransport | undefined {
  const value = object['transport'];
  if (value === undefined) return undefined;
  if (!DEVICE_TRANSPORTS.includes(value as DeviceTransport)) {
    throw badRequestData(
      `${where}.transport must be one of ${DEVICE_TRANSPORTS.join(', ')}, got ${describe(value)}`,
    );
  }
  return value as DeviceTransport;
}

export function readHttpUrl(object: JsonObject, key: string, where: string): string | undefined {
  const value = readText(object, key, where, 2048);
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw badRequestData(`${where}.${key} must be an absolute http(s) URL, got ${describe(value)}`);
  }
  return value;
}

export function readTimezone(object: JsonObject, where: string): string | undefined {
  const value = readText(object, 'timezone', where, 64);
  if (value === undefined) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
  } catch {
    throw badRequestData(`${where}.timezone must be an IANA time zone, got ${describe(value)}`);
  }
  return value;
}

export function readStalePeriod(object: JsonObject, where: string): number | undefined {
  const value = object['stalePeriod'];
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > MAX_STALE_PERIOD) {
    throw badRequestData(
      `${where}.stalePeriod must be a whole number of seconds from 1 to ${MAX_STALE_PERIOD}, got ${describe(value)}`,
    );
  }
  return value as number;
}

/** LoRaWAN DevEUI: 16 hex digits, stored upper case. */
export function readDevEui(object: JsonObject, where: string): string | undefined {
  const value = object['devEui'];
  if (value === undefined) return undefined;
  const devEui = normalizeDevEui(value);
  if (devEui === undefined) {
    throw badRequestData(`${where}.devEui must be 16 hexadecimal digits, got ${describe(value)}`);
  }
  return devEui;
}

export function readEntityName(object: JsonObject, where: string): string | undefined {
  const value = object['entity_name'];
  if (value === undefined) return undefined;
  if (!isAbsoluteUri(value) || value.length > 2048) {
    throw badRequestData(`${where}.entity_name must be an absolute URI, got ${describe(value)}`);
  }
  return value;
}

/** FIWARE's own `service` / `service_path` members must agree with the request headers. */
export function checkSameAsHeader(
  object: JsonObject,
  key: string,
  expected: string,
  where: string,
): void {
  const value = object[key];
  if (value !== undefined && value !== expected) {
    throw badRequestData(
      `${where}.${key} ${describe(value)} conflicts with the request headers ('${expected}')`,
    );
  }
}
