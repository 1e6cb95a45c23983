/** The Query data type, the body of POST /entityOperations/query (NGSI-LD 5.2.23). */
import { badRequestData, notImplemented } from '../../ngsi-ld/problem-details.js';

export type EntitySelector = { type?: string; id?: string; idPattern?: string };

/**
 * Several EntitySelectors are a disjunction. Selectors that name only types combine into one
 * type expression (`A|B`); mixing several selectors with ids or idPatterns is not built yet.
 */
export function combineSelectors(
  selectors: EntitySelector[] | undefined,
): EntitySelector | undefined {
  if (!selectors || selectors.length <= 1) return selectors?.[0];
  if (selectors.some((s) => s.id !== undefined || s.idPattern !== undefined)) {
    throw notImplemented(
      'Several EntitySelectors with id or idPattern in one query are not supported; send one query per selector',
    );
  }
  return { type: selectors.map((s) => s.type).join('|') };
}

export interface QueryBody {
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
export function parseQueryBody(body: unknown): QueryBody {
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
