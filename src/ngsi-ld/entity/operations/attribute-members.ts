/**
 * Reading and writing the members of one attribute instance generically: its payload member
 * (`value`, `object`, `languageMap`… — data-model.md §2) and the optional non-reified members.
 * Setters are meant for freshly copied instances only.
 */
import {
  NGSI_LD_NULL,
  PAYLOAD_MEMBER,
  type Attribute,
  type JsonValue,
  type PayloadMember,
} from '../../model.js';

/** Optional members that a fragment overwrites when it carries them. */
const OPTIONAL_MEMBERS = [
  'observedAt',
  'unitCode',
  'valueType',
  'objectType',
  'expiresAt',
] as const;
type OptionalMember = (typeof OPTIONAL_MEMBERS)[number];

/** The instance's payload as plain JSON (what a keyValues body would have carried). */
export function payloadOf(attribute: Attribute): JsonValue | undefined {
  return attribute[PAYLOAD_MEMBER[attribute.type]] as JsonValue | undefined;
}

export function setPayload(target: Attribute, member: PayloadMember, payload: unknown): void {
  (target as Partial<Record<PayloadMember, unknown>>)[member] = payload;
}

export function deletePayload(target: Attribute, member: PayloadMember): void {
  delete (target as Partial<Record<PayloadMember, unknown>>)[member];
}

/**
 * Copies the optional members that `patch` carries onto `target`. A member set to NGSI-LD
 * Null removes it, the merge-patch reading of "null" (NGSI-LD 5.5.12); the parser normally
 * refuses that, so this only matters for fragments built in code.
 */
export function overwriteOptionalMembers(target: Attribute, patch: Attribute): void {
  for (const member of OPTIONAL_MEMBERS) {
    const value = patch[member];
    if (value === undefined) continue;
    if (value === NGSI_LD_NULL) delete target[member];
    else (target as Partial<Record<OptionalMember, unknown>>)[member] = value;
  }
}
