/**
 * Reads EntityTemporal bodies (NGSI-LD 5.2.8, temporal.md §2 and §4): every attribute is an
 * array of instances (a single instance object is tolerated), instances of one attribute may
 * share a datasetId (they are successive values), and `instanceId`, `createdAt`,
 * `modifiedAt` and `deletedAt` sent by a client are ignored: the broker mints them.
 */
import type { JsonLdContext } from '../../ngsi-ld/context/json-ld-context.js';
import { parseAttribute } from '../entity/attribute-parser.js';
import { isPlainObject } from '../entity/json-value.js';
import { assertAttributeName, assertUri, describe, isValidTypeName } from '../entity/names.js';
import { NGSI_LD_NULL, type Attribute, type AttributeMap } from '../model.js';
import { badRequestData } from '../problem-details.js';
import { parseScope } from '../query/scope-query.js';

export interface TemporalEntityInput {
  /** Absent only in fragments (Add Attributes). */
  id?: string;
  /** Expanded type IRIs. */
  type?: string[];
  scope?: string[];
  /** Instances to record, by expanded attribute IRI, in the order given. */
  attrs: AttributeMap;
}

const SKIPPED_MEMBERS: ReadonlySet<string> = new Set([
  '@context',
  'createdAt',
  'modifiedAt',
  'deletedAt',
  'expiresAt',
]);
const ENTITY_MEMBERS: ReadonlySet<string> = new Set([
  ...SKIPPED_MEMBERS,
  'id',
  '@id',
  'type',
  '@type',
  'scope',
]);

/** Largest number of instances of one attribute in one request body. */
export const MAX_INSTANCES_PER_REQUEST = 100_000;

/**
 * Create or Update Temporal Evolution (`entity`: id and type required) or Add Attributes
 * (`fragment`: both optional, at least one attribute).
 */
export function parseTemporalEntity(
  body: unknown,
  ctx: JsonLdContext,
  shape: 'entity' | 'fragment',
): TemporalEntityInput {
  if (!isPlainObject(body))
    throw badRequestData(`The body must be an EntityTemporal object, got ${describe(body)}`);
  const input: TemporalEntityInput = { attrs: {} };
  const id = body['id'] ?? body['@id'];
  if (id !== undefined) input.id = assertUri(id, 'entity id');
  else if (shape === 'entity') throw badRequestData("EntityTemporal: 'id' is required");
  const type = body['type'] ?? body['@type'];
  if (type !== undefined) input.type = parseTypes(type, ctx);
  else if (shape === 'entity') throw badRequestData(`EntityTemporal ${id}: 'type' is required`);
  const scope = body['scope'];
  if (scope !== undefined) {
    if (scope === NGSI_LD_NULL) throw badRequestData('scope cannot be NGSI-LD Null here');
    const scopes = parseScope(scope);
    if (scopes.length > 0) input.scope = scopes;
  }
  for (const [name, raw] of Object.entries(body)) {
    if (ENTITY_MEMBERS.has(name)) continue;
    assertAttributeName(name, `attribute '${name}'`);
    input.attrs[ctx.expandTerm(name)] = parseInstances(name, raw, ctx);
  }
  if (shape === 'fragment' && Object.keys(input.attrs).length === 0)
    throw badRequestData('The body holds no attribute instance to add');
  return input;
}

/**
 * The body of Modify Attribute Instance (NGSI-LD 5.6.12): `{"<attr>": [instance]}` with
 * exactly one instance, `{"<attr>": instance}`, or the bare instance (as Stellio accepts).
 */
export function parseInstanceReplacement(
  body: unknown,
  ctx: JsonLdContext,
  attrName: string,
): Attribute {
  if (!isPlainObject(body))
    throw badRequestData(`The body must be a JSON object, got ${describe(body)}`);
  const names = Object.keys(body).filter((key) => !SKIPPED_MEMBERS.has(key));
  const wrapped = names.length === 1 && names[0] === attrName ? body[attrName] : undefined;
  if (wrapped === undefined) return parseOne(attrName, body, ctx);
  const items = Array.isArray(wrapped) ? wrapped : [wrapped];
  if (items.length !== 1)
    throw badRequestData(`attribute '${attrName}': give exactly one instance to modify`);
  return parseOne(attrName, items[0], ctx);
}

function parseTypes(value: unknown, ctx: JsonLdContext): string[] {
  const names: unknown[] = Array.isArray(value) ? value : [value];
  if (names.length === 0) throw badRequestData('entity type must not be an empty array');
  return [
    ...new Set(
      names.map((name) => {
        if (!isValidTypeName(name)) throw badRequestData(`invalid entity type ${describe(name)}`);
        return ctx.expandTerm(name);
      }),
    ),
  ];
}

function parseInstances(name: string, raw: unknown, ctx: JsonLdContext): Attribute[] {
  // An array of objects is a list of instances; anything else is one (concise) instance.
  const items = Array.isArray(raw) && raw.length > 0 && raw.every(isPlainObject) ? raw : [raw];
  if (Array.isArray(raw) && raw.length === 0)
    throw badRequestData(`attribute '${name}': an empty array holds no instance`);
  if (items.length > MAX_INSTANCES_PER_REQUEST)
    throw badRequestData(
      `attribute '${name}': more than ${MAX_INSTANCES_PER_REQUEST} instances in one request`,
    );
  return items.map((item) => parseOne(name, item, ctx));
}

function parseOne(name: string, raw: unknown, ctx: JsonLdContext): Attribute {
  const [instance, extra] = parseAttribute(name, ctx.expandTerm(name), raw, ctx, {
    allowNull: false,
  });
  if (instance === undefined || extra !== undefined)
    throw badRequestData(`attribute '${name}': one instance expected`);
  return instance;
}
