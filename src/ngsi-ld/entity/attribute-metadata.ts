/**
 * The members of an attribute instance that are neither its payload nor sub-attributes
 * (data-model.md §2 "optional members"): which kinds may carry them, and their syntax.
 */
import type { JsonLdContext } from '../../ngsi-ld/context/json-ld-context.js';
import { NGSI_LD_NULL, type Attribute, type AttributeKind } from '../model.js';
import { badRequestData } from '../problem-details.js';
import { assertDateTime, assertUri, describe } from './names.js';

const PROPERTY_KINDS: readonly AttributeKind[] = [
  'Property',
  'GeoProperty',
  'ListProperty',
  'LanguageProperty',
  'VocabProperty',
  'JsonProperty',
];

/** Kinds that may carry each restricted member (data-model.md §2). */
const ALLOWED_KINDS: Record<string, ReadonlySet<AttributeKind>> = {
  // Not forbidden for GeoProperty by the text seen (data-model.md §2, unverified).
  unitCode: new Set(['Property', 'ListProperty', 'GeoProperty']),
  valueType: new Set(PROPERTY_KINDS),
  objectType: new Set(['Relationship', 'ListRelationship']),
};

/** System-generated or output-only members: ignored when a client sends them. */
export const IGNORED_MEMBERS: ReadonlySet<string> = new Set([
  'createdAt',
  'modifiedAt',
  'deletedAt',
  'instanceId',
  'lang',
]);

/** Members that describe an instance without being its payload or a sub-attribute. */
export const METADATA_MEMBERS: ReadonlySet<string> = new Set([
  'datasetId',
  'observedAt',
  'unitCode',
  'valueType',
  'objectType',
  'expiresAt',
  ...IGNORED_MEMBERS,
]);

/** Validates metadata member `key` of `attribute` (whose kind is known) and sets it. */
export function parseMetadata(
  attribute: Attribute,
  key: string,
  member: unknown,
  where: string,
  ctx: JsonLdContext,
): void {
  const allowed = ALLOWED_KINDS[key];
  if (allowed !== undefined && !allowed.has(attribute.type)) {
    throw badRequestData(`${where}: a ${attribute.type} cannot carry '${key}'`);
  }
  switch (key) {
    case 'datasetId':
      if (member === '@none') return;
      if (member === NGSI_LD_NULL) {
        throw badRequestData(`${where}: datasetId cannot be NGSI-LD Null`);
      }
      attribute.datasetId = assertUri(member, `${where}: datasetId`);
      return;
    case 'observedAt':
      attribute.observedAt = assertDateTime(member, `${where}: observedAt`);
      return;
    case 'expiresAt':
      attribute.expiresAt = assertDateTime(member, `${where}: expiresAt`);
      return;
    case 'unitCode':
      if (typeof member !== 'string' || member === '') {
        throw badRequestData(
          `${where}: unitCode must be a non-empty string, got ${describe(member)}`,
        );
      }
      attribute.unitCode = member;
      return;
    case 'valueType':
      attribute.valueType = expandName(member, `${where}: valueType`, ctx);
      return;
    case 'objectType':
      attribute.objectType = Array.isArray(member)
        ? member.map((item: unknown) => expandName(item, `${where}: objectType`, ctx))
        : expandName(member, `${where}: objectType`, ctx);
      return;
  }
}

/** `valueType`/`objectType` are `@type: @vocab` in the core context: expand them. */
function expandName(raw: unknown, where: string, ctx: JsonLdContext): string {
  if (typeof raw !== 'string' || raw === '' || /\s/.test(raw)) {
    throw badRequestData(`${where} must be a type name or URI, got ${describe(raw)}`);
  }
  return ctx.expandTerm(raw);
}
