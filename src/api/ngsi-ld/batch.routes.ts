/** /entityOperations/* — batch create, upsert, update, merge and delete (NGSI-LD 6.14–6.18, 6.31). */
import type {
  BatchItem,
  BatchOperationResult,
  EntityService,
  ParsedEntity,
} from '../../context/entity.service.js';
import { parseEntity, parseEntityFragment } from '../../ngsi-ld/entity/entity-parser.js';
import type { EntityFragment } from '../../ngsi-ld/entity/entity-fragment.js';
import { assertUri } from '../../ngsi-ld/entity/names.js';
import {
  badRequestData,
  isProblemDetails,
  type ProblemDetails,
} from '../../ngsi-ld/problem-details.js';
import type { NgsiReply, NgsiRequest, RouteSpec } from './route-spec.js';
import type { JsonLdContext } from '../../ngsi-ld/context/json-ld-context.js';

export interface BatchRoutesDeps {
  entities: EntityService;
}

/** A batch body: a non-empty JSON array without null items (NGSI-LD 5.6.7). */
function batchElements(body: unknown): unknown[] {
  if (!Array.isArray(body))
    throw badRequestData('The body of a batch operation must be a JSON array');
  if (body.length === 0) throw badRequestData('The body of a batch operation must not be empty');
  if (body.some((item) => item === null))
    throw badRequestData('A batch operation body must not contain null');
  return body;
}

function elementId(item: unknown): string {
  if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
    const record = item as Record<string, unknown>;
    const id = record['id'] ?? record['@id'];
    if (typeof id === 'string') return id;
  }
  return '';
}

/** Parses each element on its own: one bad element fails only itself. */
async function parseElements<T>(
  request: NgsiRequest,
  parse: (item: unknown, context: JsonLdContext) => T & { id?: string },
): Promise<BatchItem<T>[]> {
  const items: BatchItem<T>[] = [];
  for (const element of batchElements(request.body)) {
    try {
      const context = await request.resolveItemContext(element);
      const input = parse(element, context);
      items.push({ id: input.id ?? elementId(element), input });
    } catch (error) {
      if (!isProblemDetails(error)) throw error;
      items.push({ id: elementId(element), error });
    }
  }
  return items;
}

/** Batch update (append semantics) or merge: `merging` allows NGSI-LD Null and payload-less attributes. */
function parseFragmentWithId(
  item: unknown,
  context: JsonLdContext,
  merging: boolean,
): EntityFragment & { id: string } {
  const fragment = parseEntityFragment(item, context, {
    allowNull: merging,
    payloadOptional: merging,
  });
  if (fragment.id === undefined)
    throw badRequestData('Each entity of a batch update must have an id');
  return { ...fragment, id: fragment.id };
}

/**
 * Upsert with options=update applies Update Attributes to existing entities, where NGSI-LD
 * Null deletes (errors.md §3); creating an entity from such an element still refuses it.
 */
function parseUpsertForUpdate(item: unknown, context: JsonLdContext): ParsedEntity {
  const fragment = parseEntityFragment(item, context, { allowNull: true });
  if (fragment.id === undefined) throw badRequestData("entity: 'id' is required");
  if (fragment.type === undefined)
    throw badRequestData(`entity ${fragment.id}: 'type' is required`);
  const entity: ParsedEntity = { id: fragment.id, type: fragment.type, attrs: fragment.attrs };
  if (fragment.scope) entity.scope = fragment.scope;
  return entity;
}

function batchReply(result: BatchOperationResult, success: NgsiReply): NgsiReply {
  if (result.errors.length > 0)
    return { status: 207, body: renderBatchResult(result), context: 'none' };
  return success;
}

export function renderBatchResult(result: BatchOperationResult): unknown {
  return {
    success: result.success,
    errors: result.errors.map((e: { entityId: string; error: ProblemDetails }) => ({
      entityId: e.entityId,
      error: e.error.toJSON(),
    })),
  };
}

export function batchRoutes(deps: BatchRoutesDeps): RouteSpec[] {
  const { entities } = deps;
  return [
    {
      method: 'POST',
      url: '/entityOperations/create',
      action: 'entity:batch',
      summary: 'Batch Entity Creation',
      clause: '5.6.7',
      createsTenant: true,
      body: true,
      query: ['local'],
      async handler(request) {
        const items = await parseElements<ParsedEntity>(request, (item, context) =>
          parseEntity(item, context),
        );
        const result = await entities.batchCreate(request.tenant, items);
        return batchReply(result, { status: 201, body: result.success, context: 'none' });
      },
    },
    {
      method: 'POST',
      url: '/entityOperations/upsert',
      action: 'entity:batch',
      summary: 'Batch Entity Create or Update (Upsert)',
      clause: '5.6.8',
      createsTenant: true,
      body: true,
      query: ['options', 'local'],
      async handler(request) {
        const options = request.query.options(['replace', 'update']);
        if (options.has('replace') && options.has('update'))
          throw badRequestData('options: replace and update exclude each other');
        const mode = options.has('update') ? 'update' : 'replace';
        const items = await parseElements<ParsedEntity>(request, (item, context) =>
          mode === 'update' ? parseUpsertForUpdate(item, context) : parseEntity(item, context),
        );
        const result = await entities.batchUpsert(request.tenant, items, mode);
        const { created, ...outcome } = result;
        return batchReply(
          outcome,
          created.length > 0 ? { status: 201, body: created, context: 'none' } : { status: 204 },
        );
      },
    },
    {
      method: 'POST',
      url: '/entityOperations/update',
      action: 'entity:batch',
      summary: 'Batch Entity Update',
      clause: '5.6.9',
      body: true,
      query: ['options', 'local'],
      async handler(request) {
        const noOverwrite = request.query.options(['noOverwrite']).has('noOverwrite');
        const items = await parseElements(request, (item, context) =>
          parseFragmentWithId(item, context, false),
        );
        return batchReply(await entities.batchUpdate(request.tenant, items, noOverwrite), {
          status: 204,
        });
      },
    },
    {
      method: 'POST',
      url: '/entityOperations/merge',
      action: 'entity:batch',
      summary: 'Batch Entity Merge',
      clause: '5.6.20',
      body: true,
      query: ['local'],
      async handler(request) {
        const items = await parseElements(request, (item, context) =>
          parseFragmentWithId(item, context, true),
        );
        return batchReply(await entities.batchMerge(request.tenant, items), { status: 204 });
      },
    },
    {
      method: 'POST',
      url: '/entityOperations/delete',
      action: 'entity:batch',
      summary: 'Batch Entity Delete',
      clause: '5.6.10',
      body: true,
      query: ['local'],
      async handler(request) {
        const items: BatchItem<string>[] = batchElements(request.body).map((element) => {
          if (typeof element !== 'string')
            return { id: '', error: badRequestData('Batch delete takes an array of entity ids') };
          try {
            assertUri(element, 'entity id');
            return { id: element, input: element };
          } catch (error) {
            if (!isProblemDetails(error)) throw error;
            return { id: element, error };
          }
        });
        return batchReply(await entities.batchDelete(request.tenant, items), {
          status: 204,
        });
      },
    },
  ];
}
