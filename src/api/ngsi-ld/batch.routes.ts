/** /entityOperations/* — batch create, upsert, update, merge, delete and query (NGSI-LD 6.14–6.18, 6.31, 6.23). */
import type {
  BatchItem,
  BatchOperationResult,
  EntityService,
} from '../../context/entity.service.js';
import { parseEntity, parseEntityFragment } from '../../ngsi-ld/entity/entity-parser.js';
import type { EntityFragment } from '../../ngsi-ld/entity/entity-fragment.js';
import { assertUri } from '../../ngsi-ld/entity/names.js';
import {
  badRequestData,
  notImplemented,
  isProblemDetails,
  type ProblemDetails,
} from '../../ngsi-ld/problem-details.js';
import { MEDIA_GEO_JSON, MEDIA_JSON, MEDIA_JSON_LD } from '../http/media-types.js';
import { buildEntityQuery } from './entity-query.builder.js';
import { renderEntityList } from './entities.routes.js';
import { parsePagination } from './query-params.js';
import type { NgsiReply, NgsiRequest, RouteSpec } from './route-spec.js';
import type { ParsedEntity } from '../../context/entity.service.js';
import type { JsonLdContext } from '../../ngsi-ld/context/json-ld-context.js';

export interface BatchRoutesDeps {
  entities: EntityService;
  paging: { defaultPageSize: number; maxPageSize: number };
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

function parseFragmentWithId(
  item: unknown,
  context: JsonLdContext,
  allowNull: boolean,
): EntityFragment & { id: string } {
  const fragment = parseEntityFragment(item, context, { allowNull });
  if (fragment.id === undefined)
    throw badRequestData('Each entity of a batch update must have an id');
  return { ...fragment, id: fragment.id };
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
        const items = await parseElements<ParsedEntity>(request, (item, context) =>
          parseEntity(item, context),
        );
        const result = await entities.batchUpsert(
          request.tenant,
          items,
          options.has('update') ? 'update' : 'replace',
        );
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
        const seen = new Set<string>();
        const deduplicated = items.map((item) => {
          if ('error' in item) return item;
          if (seen.has(item.id))
            return {
              id: item.id,
              error: badRequestData(`Entity ${item.id} appears more than once`),
            };
          seen.add(item.id);
          return item;
        });
        return batchReply(await entities.batchDelete(request.tenant, deduplicated), {
          status: 204,
        });
      },
    },
    {
      method: 'POST',
      url: '/entityOperations/query',
      action: 'entity:read',
      summary: 'Query Entities via POST',
      clause: '5.7.2',
      body: true,
      query: ['limit', 'offset', 'count', 'format', 'options', 'local', 'geometryProperty'],
      produces: [MEDIA_JSON, MEDIA_JSON_LD, MEDIA_GEO_JSON],
      async handler(request) {
        const body = queryBody(request.body);
        const page = parsePagination(request.query, deps.paging);
        const selector = combineSelectors(body.entities);
        const query = buildEntityQuery(
          {
            id: selector?.id === undefined ? undefined : [selector.id],
            idPattern: selector?.id === undefined ? selector?.idPattern : undefined,
            type: selector?.type,
            attrs: body.attrs,
            q: body.q,
            scopeQ: body.scopeQ,
            georel: body.geoQ?.georel,
            geometry: body.geoQ?.geometry,
            coordinates: body.geoQ?.coordinates,
            geoproperty: body.geoQ?.geoproperty,
            local: request.query.boolean('local'),
          },
          request.context,
          page,
        );
        const result = await entities.queryEntities(request.tenant, query);
        const headers: Record<string, string> = {};
        if (page.count) headers['NGSILD-Results-Count'] = String(result.totalCount ?? 0);
        const overrides = {
          attrs: body.attrs,
          pick: body.pick,
          omit: body.omit,
          lang: body.lang,
          datasetId: body.datasetId,
        };
        const rendered = renderEntityList(request, result.entities, false, overrides);
        const reply =
          request.responseType === MEDIA_GEO_JSON
            ? { type: 'FeatureCollection', features: rendered }
            : rendered;
        return { status: 200, headers, body: reply };
      },
    },
  ];
}

type EntitySelector = { type?: string; id?: string; idPattern?: string };

/**
 * Several EntitySelectors are a disjunction. Selectors that name only types combine into one
 * type expression (`A|B`); mixing several selectors with ids or idPatterns is not built yet.
 */
function combineSelectors(selectors: EntitySelector[] | undefined): EntitySelector | undefined {
  if (!selectors || selectors.length <= 1) return selectors?.[0];
  if (selectors.some((s) => s.id !== undefined || s.idPattern !== undefined)) {
    throw notImplemented(
      'Several EntitySelectors with id or idPattern in one query are not supported; send one query per selector',
    );
  }
  return { type: selectors.map((s) => s.type).join('|') };
}

interface QueryBody {
  entities?: EntitySelector[];
  attrs?: string[];
  pick?: string;
  omit?: string;
  q?: string;
  scopeQ?: string;
  lang?: string;
  datasetId?: string[];
  geoQ?: { georel?: string; geometry?: string; coordinates?: unknown; geoproperty?: string };
}

const QUERY_MEMBERS = new Set([
  'type',
  'entities',
  'attrs',
  'pick',
  'omit',
  'q',
  'geoQ',
  'scopeQ',
  'lang',
  'datasetId',
  'csf',
  '@context',
]);

/** The Query data type (NGSI-LD 5.2.23), checked member by member. */
function queryBody(body: unknown): QueryBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequestData('The body must be a Query object');
  const record = body as Record<string, unknown>;
  if (record['type'] !== 'Query') throw badRequestData('The Query\'s type must be "Query"');
  for (const key of Object.keys(record)) {
    if (!QUERY_MEMBERS.has(key))
      throw badRequestData(`Query member '${key}' is unknown or not supported`);
  }
  const result: QueryBody = {};
  const entities = record['entities'];
  if (entities !== undefined) {
    if (!Array.isArray(entities) || entities.length === 0)
      throw badRequestData('Query entities must be a non-empty array');
    result.entities = entities.map((selector, index) => {
      if (typeof selector !== 'object' || selector === null || Array.isArray(selector))
        throw badRequestData(`entities[${index}] must be an object`);
      const s = selector as Record<string, unknown>;
      if (typeof s['type'] !== 'string')
        throw badRequestData(`entities[${index}].type is required`);
      for (const key of ['id', 'idPattern'] as const) {
        if (s[key] !== undefined && typeof s[key] !== 'string')
          throw badRequestData(`entities[${index}].${key} must be a string`);
      }
      return {
        type: s['type'],
        id: s['id'] as string | undefined,
        idPattern: s['idPattern'] as string | undefined,
      };
    });
  }
  for (const key of ['attrs', 'datasetId'] as const) {
    const value = record[key];
    if (value === undefined) continue;
    if (!Array.isArray(value) || value.length === 0 || value.some((v) => typeof v !== 'string')) {
      throw badRequestData(`Query ${key} must be a non-empty array of strings`);
    }
    result[key] = value as string[];
  }
  for (const key of ['pick', 'omit', 'q', 'scopeQ', 'lang'] as const) {
    const value = record[key];
    if (value === undefined) continue;
    const text =
      Array.isArray(value) && value.every((v) => typeof v === 'string') ? value.join(',') : value;
    if (typeof text !== 'string') throw badRequestData(`Query ${key} must be a string`);
    result[key] = text;
  }
  const geoQ = record['geoQ'];
  if (geoQ !== undefined) {
    if (typeof geoQ !== 'object' || geoQ === null || Array.isArray(geoQ))
      throw badRequestData('Query geoQ must be an object');
    const g = geoQ as Record<string, unknown>;
    for (const key of ['georel', 'geometry', 'geoproperty'] as const) {
      if (g[key] !== undefined && typeof g[key] !== 'string')
        throw badRequestData(`geoQ.${key} must be a string`);
    }
    result.geoQ = {
      georel: g['georel'] as string | undefined,
      geometry: g['geometry'] as string | undefined,
      coordinates: g['coordinates'],
      geoproperty: g['geoproperty'] as string | undefined,
    };
  }
  return result;
}
