/**
 * Checks of single members of a Subscription body (subscriptions.md §3): each returns the
 * value narrowed to its type or throws BadRequestData naming the member.
 */
import { describe } from '../entity/names.js';
import { isPlainObject } from '../entity/json-value.js';
import { badRequestData, notImplemented } from '../problem-details.js';

export { isPlainObject };

/** Longest list accepted in a member (entities, watchedAttributes, attributes…). */
export const MAX_LIST_LENGTH = 1_000;
/** Longest free text accepted (names, descriptions, q, scopeQ). */
export const MAX_TEXT_LENGTH = 10_000;

/**
 * Rejects members outside `known` (400) and those of the standard Civis does not build
 * (501). Members in `ignored` are read-only ones a client may send back: skipped.
 */
export function checkMemberNames(
  object: Record<string, unknown>,
  where: string,
  known: readonly string[],
  unsupported: readonly string[] = [],
): void {
  for (const name of Object.keys(object)) {
    if (unsupported.includes(name))
      throw notImplemented(`${where}: '${name}' is not supported by Civis`);
    if (!known.includes(name)) throw badRequestData(`${where}: unknown member '${name}'`);
  }
}

export function expectObject(value: unknown, where: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw badRequestData(`${where} must be a JSON object`);
  return value;
}

export function expectString(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '')
    throw badRequestData(`${where} must be a non-empty string, got ${describe(value)}`);
  if (value.length > MAX_TEXT_LENGTH)
    throw badRequestData(`${where} is longer than ${MAX_TEXT_LENGTH} characters`);
  return value;
}

export function expectBoolean(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean')
    throw badRequestData(`${where} must be true or false, got ${describe(value)}`);
  return value;
}

/** A number greater than zero (fractions allowed). */
export function expectPositiveNumber(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw badRequestData(`${where} must be a number greater than 0, got ${describe(value)}`);
  return value;
}

/** A whole number in [min, max]. */
export function expectWholeNumber(value: unknown, where: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw badRequestData(
      `${where} must be a whole number from ${min} to ${max.toLocaleString('en')}, got ${describe(value)}`,
    );
  return value;
}

/** A non-empty array (pitfalls.md 6) of at most MAX_LIST_LENGTH items. */
export function expectList(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw badRequestData(`${where} must be an array`);
  if (value.length === 0) throw badRequestData(`${where} must not be empty`);
  if (value.length > MAX_LIST_LENGTH)
    throw badRequestData(`${where} has more than ${MAX_LIST_LENGTH} items`);
  return value;
}

export function expectStringList(value: unknown, where: string): string[] {
  return expectList(value, where).map((item, i) => expectString(item, `${where}[${i}]`));
}
