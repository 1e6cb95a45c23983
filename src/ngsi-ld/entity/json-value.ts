/**
 * Checks opaque JSON values (Property values, ListProperty items, JsonProperty content).
 * Values are never expanded (contexts.md §3), but they must be real JSON without `null`
 * (data-model.md §4). The walk is iterative and the nesting bounded: a hostile, deeply
 * nested value must neither overflow the stack here nor later, when it is serialised
 * (JSON.stringify recurses and fails a few thousand levels down).
 */
import { NGSI_LD_NULL, type JsonValue } from '../model.js';
import { badRequestData } from '../problem-details.js';

/** Deepest nesting of arrays/objects accepted inside one value. */
export const MAX_VALUE_DEPTH = 100;

export interface JsonCheckOptions {
  /** JSON `null` is allowed inside (JsonProperty content is an `@json` literal). */
  allowJsonNull?: boolean;
  /** NGSI-LD Null may appear as a member of an object inside (merge deletes that key). */
  allowNgsiLdNullMembers?: boolean;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Returns `value` typed as JSON after checking every nested member; 400 otherwise. */
export function assertJsonValue(
  value: unknown,
  where: string,
  options: JsonCheckOptions = {},
): JsonValue {
  const pending: Array<[unknown, number]> = [[value, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [current, depth] = next;
    if (current === null) {
      if (options.allowJsonNull) continue;
      throw badRequestData(
        `${where}: null is not a valid value (use 'urn:ngsi-ld:null' to delete)`,
      );
    }
    switch (typeof current) {
      case 'string':
      case 'boolean':
        continue;
      case 'number':
        if (Number.isFinite(current)) continue;
        break;
      case 'object':
        if (depth >= MAX_VALUE_DEPTH) {
          throw badRequestData(`${where}: nested deeper than ${MAX_VALUE_DEPTH} levels`);
        }
        if (Array.isArray(current)) {
          for (const item of current) pending.push([item, depth + 1]);
          continue;
        }
        if (isPlainObject(current)) {
          for (const member of Object.values(current)) {
            if (member === NGSI_LD_NULL && !options.allowNgsiLdNullMembers) {
              throw badRequestData(
                `${where}: NGSI-LD Null inside a value is only allowed in merge`,
              );
            }
            pending.push([member, depth + 1]);
          }
          continue;
        }
        break;
      default:
        break;
    }
    throw badRequestData(`${where}: not a JSON value`);
  }
  return value as JsonValue;
}
