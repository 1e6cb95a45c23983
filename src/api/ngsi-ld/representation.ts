/** Response-shaping parameters of entity retrieval and queries (NGSI-LD 4.21, 4.15, 5.5.x). */
import type { JsonLdContext } from '../../ngsi-ld/context/json-ld-context.js';
import {
  parseLanguagePreference,
  type RenderOptions,
} from '../../ngsi-ld/entity/entity-renderer.js';
import { badRequestData, notImplemented } from '../../ngsi-ld/problem-details.js';
import { MEDIA_GEO_JSON } from '../http/media-types.js';
import { parseRepresentation, type QueryParams } from './query-params.js';

const MEMBERS = new Set(['id', 'type', 'scope']);

/** `pick`/`omit` projection terms (NGSI-LD 4.21): members stay literal, attributes are expanded. */
export function parseProjection(
  text: string | undefined,
  name: string,
  context: JsonLdContext,
): string[] | undefined {
  if (text === undefined) return undefined;
  if (/[{}]/.test(text))
    throw notImplemented(`${name}: projection into linked entities is not supported`);
  const terms = text.split(/[,|]/).map((t) => t.trim());
  if (terms.some((t) => t === '')) throw badRequestData(`${name}: empty projection term`);
  return terms.map((t) => (MEMBERS.has(t) ? t : context.expandTerm(t)));
}

export interface ProjectionValues {
  attrs?: string[];
  pick?: string;
  omit?: string;
  lang?: string;
  datasetId?: string[];
}

export function parseRenderOptions(
  query: QueryParams,
  context: JsonLdContext,
  values: ProjectionValues,
): RenderOptions {
  const { format, sysAttrs } = parseRepresentation(query);
  if (values.attrs && (values.pick !== undefined || values.omit !== undefined)) {
    throw badRequestData('attrs cannot be combined with pick or omit');
  }
  if (values.attrs?.some((a) => MEMBERS.has(a)))
    throw badRequestData('attrs cannot name id, type or scope; use pick');
  const pick = parseProjection(values.pick, 'pick', context);
  const omit = parseProjection(values.omit, 'omit', context);
  if (pick && omit && pick.some((p) => omit.includes(p)))
    throw badRequestData('pick and omit name the same member');
  const options: RenderOptions = { format, sysAttrs };
  if (values.attrs) options.attrs = values.attrs.map((a) => context.expandTerm(a));
  if (pick) options.pick = pick;
  if (omit) options.omit = omit;
  if (values.lang !== undefined) options.lang = parseLanguagePreference(values.lang);
  if (values.datasetId) options.datasetIds = values.datasetId;
  return options;
}

/** `geometryProperty` only makes sense with GeoJSON output (NGSI-LD 6.3.15). */
export function parseGeometryProperty(
  query: QueryParams,
  responseType: string | undefined,
  context: JsonLdContext,
): string {
  const given = query.get('geometryProperty');
  if (given !== undefined && responseType !== MEDIA_GEO_JSON) {
    throw badRequestData('geometryProperty requires Accept: application/geo+json');
  }
  return context.expandTerm(given ?? 'location');
}
