/**
 * Test support for the operation tests (not a test file itself): timestamps, IRIs, stored
 * entities built deep-frozen so that any mutation of an input throws, and a ProblemDetails
 * assertion.
 */
import type { EntityFragment } from '../entity-fragment.js';
import assert from 'node:assert/strict';
import type { Attribute, AttributeMap, Entity, JsonValue } from '../../model.js';
import { ProblemDetails } from '../../problem-details.js';

export const T0 = '2024-01-01T00:00:00.000Z';
export const T1 = '2024-06-01T00:00:00.000Z';
export const NOW = '2025-01-01T12:00:00.000Z';

export const ENTITY_ID = 'urn:ngsi-ld:Vehicle:A1';
export const VEHICLE = 'https://example.org/ns/Vehicle';

/** An expanded attribute or type name. */
export function iri(term: string): string {
  return `https://example.org/ns/${term}`;
}

/** Freezes a value and everything reachable from it (strict-mode writes then throw). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}

export function property(value: JsonValue, members: Partial<Attribute> = {}): Attribute {
  return { type: 'Property', value, ...members };
}

export function relationship(object: string, members: Partial<Attribute> = {}): Attribute {
  return { type: 'Relationship', object, ...members };
}

/** An instance as the store holds it: created at T0, modified at T1 (sub-attributes too). */
export function stored(attribute: Attribute): Attribute {
  const result: Attribute = { ...attribute, createdAt: T0, modifiedAt: T1 };
  if (attribute.attrs) {
    result.attrs = Object.fromEntries(
      Object.entries(attribute.attrs).map(([name, instances]) => [name, instances.map(stored)]),
    );
  }
  return result;
}

/** A stored, deep-frozen entity (created T0, modified T1) with these attributes. */
export function storedEntity(attrs: AttributeMap = {}, members: Partial<Entity> = {}): Entity {
  const storedAttrs = Object.fromEntries(
    Object.entries(attrs).map(([name, instances]) => [name, instances.map(stored)]),
  );
  return deepFreeze({
    id: ENTITY_ID,
    type: [VEHICLE],
    createdAt: T0,
    modifiedAt: T1,
    attrs: storedAttrs,
    ...members,
  });
}

/** Runs `action` and checks it throws a ProblemDetails with this status and error type. */
export function assertProblem(
  action: () => unknown,
  status: number,
  errorType: 'BadRequestData' | 'ResourceNotFound',
  detail?: RegExp,
): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof ProblemDetails, 'expected a ProblemDetails');
    assert.equal(error.status, status);
    assert.equal(error.type, `https://uri.etsi.org/ngsi-ld/errors/${errorType}`);
    if (detail) assert.match(error.detail, detail);
    return true;
  });
}

/** An entity fragment with only the given members, frozen so operations cannot change it. */
export function fragment(members: Partial<EntityFragment>): EntityFragment {
  return deepFreeze({ attrs: {}, ...members });
}
