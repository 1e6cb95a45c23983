/**
 * Reads request bodies into the internal model (NGSI-LD 5.2.4, 5.6.x; entities.md §3–§10):
 * whole entities (Create, Replace, batch create/upsert), entity fragments (Append, Update,
 * Merge, batch update/merge) and attribute fragments (Partial Attribute Update, Replace
 * Attribute). The caller resolved the @context; here names are validated and expanded.
 */
import type { JsonLdContext } from '../../ngsi-ld/context/json-ld-context.js';
import { NGSI_LD_NULL, type Attribute, type AttributeMap, type Entity } from '../model.js';
import { badRequestData } from '../problem-details.js';
import { parseScope } from '../query/scope-query.js';
import { addInstances, parseAttribute, type AttributeParseOptions } from './attribute-parser.js';
import type { EntityFragment } from './entity-fragment.js';
import { isPlainObject } from './json-value.js';
import {
  assertAttributeName,
  assertDateTime,
  assertUri,
  describe,
  isValidTypeName,
} from './names.js';

export type ParsedEntity = Omit<Entity, 'createdAt' | 'modifiedAt'>;

export interface EntityFragmentOptions {
  /** NGSI-LD Null allowed (Update Attributes, Merge): it marks deletions. */
  allowNull: boolean;
  /** keyValues fragment (Merge with format=simplified). */
  simplified?: boolean;
  /** Reject a fragment that carries no attribute, type or scope. */
  requireNonEmpty?: boolean;
  /** Merge: explicitly typed attributes may leave out their payload (AttributeParseOptions). */
  payloadOptional?: boolean;
}

/**
 * Entity members that are not attributes. `createdAt`/`modifiedAt`/`deletedAt` are
 * system-generated and ignored on input (pitfalls.md 10); `expiresAt` (transient entities,
 * optional in v1.8+) is validated but not kept.
 */
const IGNORED_ENTITY_MEMBERS: ReadonlySet<string> = new Set([
  '@context',
  'createdAt',
  'modifiedAt',
  'deletedAt',
]);
const ENTITY_MEMBERS: ReadonlySet<string> = new Set([
  ...IGNORED_ENTITY_MEMBERS,
  'id',
  '@id',
  'type',
  '@type',
  'scope',
  'expiresAt',
]);

/** A complete entity: `id` and `type` required, NGSI-LD Null nowhere (NGSI-LD 5.6.1). */
export function parseEntity(
  body: unknown,
  ctx: JsonLdContext,
  options: { simplified?: boolean } = {},
): ParsedEntity {
  const object = asObject(body, 'entity');
  const id = readId(object);
  if (id === undefined) throw badRequestData("entity: 'id' is required");
  const type = readTypes(object, ctx);
  if (type === undefined) throw badRequestData(`entity ${id}: 'type' is required`);
  const entity: ParsedEntity = { id, type, attrs: {} };
  const scope = object['scope'];
  if (scope !== undefined) {
    if (scope === NGSI_LD_NULL)
      throw badRequestData(`entity ${id}: scope cannot be NGSI-LD Null here`);
    const scopes = parseScope(scope);
    if (scopes.length > 0) entity.scope = scopes;
  }
  readExpiresAt(object);
  entity.attrs = readAttributes(object, ctx, { allowNull: false, simplified: options.simplified });
  return entity;
}

/** The body of Append/Update Attributes and Merge: attributes, optionally id/type/scope. */
export function parseEntityFragment(
  body: unknown,
  ctx: JsonLdContext,
  options: EntityFragmentOptions,
): EntityFragment {
  const object = asObject(body, 'entity fragment');
  const fragment: EntityFragment = { attrs: {} };
  const id = readId(object);
  if (id !== undefined) fragment.id = id;
  const type = readTypes(object, ctx);
  if (type !== undefined) fragment.type = type;
  const scope = object['scope'];
  if (scope !== undefined) {
    if (scope === NGSI_LD_NULL && options.allowNull) fragment.scope = null;
    else if (scope === NGSI_LD_NULL) throw badRequestData('scope cannot be NGSI-LD Null here');
    else fragment.scope = parseScope(scope);
  }
  readExpiresAt(object);
  fragment.attrs = readAttributes(object, ctx, {
    allowNull: options.allowNull,
    simplified: options.simplified,
    payloadOptional: options.payloadOptional,
  });
  const empty =
    Object.keys(fragment.attrs).length === 0 &&
    fragment.type === undefined &&
    fragment.scope === undefined;
  if (options.requireNonEmpty && empty) {
    throw badRequestData('entity fragment: no attribute, type or scope to apply');
  }
  return fragment;
}

/**
 * The body of Partial Attribute Update / Replace Attribute (NGSI-LD 5.6.4, 5.6.19): one
 * instance, normalized or concise, not wrapped in its name. Without `type` the kind is
 * inferred; the caller checks it against the existing attribute.
 */
export function parseAttributeFragment(
  body: unknown,
  ctx: JsonLdContext,
  attrName: string,
  options: { allowNull: boolean; partial?: boolean },
): Attribute {
  const object = asObject(body, `attribute '${attrName}'`);
  const parseOptions: AttributeParseOptions = {
    allowNull: options.allowNull,
    partial: options.partial,
  };
  const [instance] = parseAttribute(attrName, ctx.expandTerm(attrName), object, ctx, parseOptions);
  if (instance === undefined) throw badRequestData(`attribute '${attrName}': empty body`);
  return instance;
}

function asObject(body: unknown, what: string): Record<string, unknown> {
  if (!isPlainObject(body))
    throw badRequestData(`${what} must be a JSON object, got ${describe(body)}`);
  return body;
}

/** `id` (or its JSON-LD alias `@id`): an absolute URI, never expanded (contexts.md §2). */
function readId(object: Record<string, unknown>): string | undefined {
  const id = object['id'];
  const atId = object['@id'];
  if (id !== undefined && atId !== undefined && id !== atId) {
    throw badRequestData("entity: 'id' and '@id' differ");
  }
  const value = id !== undefined ? id : atId;
  return value === undefined ? undefined : assertUri(value, 'entity id');
}

/** `type`/`@type`: one name or a non-empty array; expanded and de-duplicated (NGSI-LD 4.16). */
function readTypes(object: Record<string, unknown>, ctx: JsonLdContext): string[] | undefined {
  const type = object['type'];
  const atType = object['@type'];
  if (type !== undefined && atType !== undefined) {
    throw badRequestData("entity: give either 'type' or '@type', not both");
  }
  const value = type !== undefined ? type : atType;
  if (value === undefined) return undefined;
  const names: unknown[] = Array.isArray(value) ? value : [value];
  if (names.length === 0) throw badRequestData('entity type must not be an empty array');
  const expanded = names.map((name) => {
    if (!isValidTypeName(name)) throw badRequestData(`invalid entity type ${describe(name)}`);
    return ctx.expandTerm(name);
  });
  return [...new Set(expanded)];
}

function readExpiresAt(object: Record<string, unknown>): void {
  if (object['expiresAt'] !== undefined) assertDateTime(object['expiresAt'], 'entity expiresAt');
}

function readAttributes(
  object: Record<string, unknown>,
  ctx: JsonLdContext,
  options: AttributeParseOptions,
): AttributeMap {
  const attrs: AttributeMap = {};
  for (const [name, raw] of Object.entries(object)) {
    if (ENTITY_MEMBERS.has(name)) continue;
    const where = `attribute '${name}'`;
    assertAttributeName(name, where);
    const iri = ctx.expandTerm(name);
    addInstances(attrs, iri, parseAttribute(name, iri, raw, ctx, options), where);
  }
  return attrs;
}
