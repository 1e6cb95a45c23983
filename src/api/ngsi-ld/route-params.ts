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
 * `Location` of a created resource. Ids are URIs, so they go in the path as they are (as
 * Orion-LD does); only characters that would end or break a path segment are escaped.
 */
export function resourceLocation(collection: string, id: string): string {
  return `${NGSI_LD_PREFIX}/${collection}/${id.replace(/[/?#%\s]/g, (c) => encodeURIComponent(c))}`;
}
