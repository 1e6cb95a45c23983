/** Path parameters and small reply shapes shared by the entity route tables. */
import type { JsonLdContext } from '../../ngsi-ld/context/json-ld-context.js';
import { assertUri, isValidAttributeName } from '../../ngsi-ld/entity/names.js';
import type { UpdateResult } from '../../ngsi-ld/entity/operations/index.js';
import { badRequestData } from '../../ngsi-ld/problem-details.js';
import type { TypeSelector } from '../../ngsi-ld/query/query.types.js';
import { parseTypeSelector } from '../../ngsi-ld/query/type-selector.js';
import { NGSI_LD_PREFIX } from './ngsi-ld.plugin.js';
import type { QueryParams } from './query-params.js';
import type { NgsiReply, NgsiRequest } from './route-spec.js';

export function entityId(request: NgsiRequest): string {
  const id = request.params['entityId'] ?? '';
  assertUri(id, 'entity id');
  return id;
}

export function attributeName(request: NgsiRequest): string {
  const name = request.params['attrId'] ?? '';
  if (!isValidAttributeName(name)) throw badRequestData(`'${name}' is not a valid attribute name`);
  return name;
}

export function attributeIri(request: NgsiRequest): string {
  return request.context.expandTerm(attributeName(request));
}

/** The `type` parameter of single-entity operations: a guard that must match (NGSI-LD 4.17). */
export function typeGuard(query: QueryParams, context: JsonLdContext): TypeSelector | undefined {
  const type = query.get('type');
  return type === undefined ? undefined : parseTypeSelector(type, (t) => context.expandTerm(t));
}

/** 204, or 207 with the UpdateResult when some attribute was not updated (NGSI-LD 5.6.2/5.6.3). */
export function updateReply(result: UpdateResult): NgsiReply {
  if (result.notUpdated.length === 0) return { status: 204 };
  return { status: 207, body: result, context: 'none' };
}

export function checkBodyId(bodyId: string | undefined, pathId: string): void {
  if (bodyId !== undefined && bodyId !== pathId) {
    throw badRequestData(
      `The body's id ${bodyId} differs from the entity id ${pathId} in the path`,
    );
  }
}

/**
 * `Location` of a created resource. Ids are URIs, so most go in the path as they are (as
 * Orion-LD does); every other character is percent-encoded as UTF-8 (RFC 3986 §2.1): a
 * header may hold no character above U+00FF, and '/', '?', '#', '%' or spaces would end or
 * break the path segment. The router decodes the segment back to the id.
 */
export function resourceLocation(collection: string, id: string): string {
  return `${NGSI_LD_PREFIX}/${collection}/${encodePathSegment(id)}`;
}

/** RFC 3986 pchar: unreserved, sub-delims, ':' and '@' stay; anything else is %XX per UTF-8 byte. */
const PCHAR = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]$/;
const utf8 = new TextEncoder();

function encodePathSegment(text: string): string {
  let out = '';
  for (const char of text) {
    if (PCHAR.test(char)) out += char;
    // A lone surrogate becomes U+FFFD: TextEncoder never fails.
    else
      for (const byte of utf8.encode(char))
        out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
