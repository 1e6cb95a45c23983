/**
 * Renders a stored entity for a response (NGSI-LD 5.2.4, 6.3.7; data-model.md §5, §6):
 * projection, representation (normalized / concise / simplified), sysAttrs, lang, and
 * compaction of types, attribute names and @vocab values with the request's @context.
 * The caller adds `@context` (or the Link header) itself.
 */
import type { JsonLdContext } from '../../ngsi-ld/context/json-ld-context.js';
import type { Entity } from '../model.js';
import { compactName, renderAttribute, type AttributeRenderOptions } from './attribute-renderer.js';
import { filterDatasets, projectEntity, type ProjectionOptions } from './projection.js';

export type { RepresentationFormat } from './attribute-renderer.js';
export { parseLanguagePreference, type LanguagePreference } from './language-filter.js';

export type RenderOptions = AttributeRenderOptions & ProjectionOptions;

export function renderEntity(
  entity: Entity,
  ctx: JsonLdContext,
  options: RenderOptions,
): Record<string, unknown> {
  const projected = projectEntity(entity, options);
  const out: Record<string, unknown> = {};
  if (projected.showId) out['id'] = entity.id;
  if (projected.showType) out['type'] = oneOrMany(entity.type.map((iri) => ctx.compactIri(iri)));
  // Scope is rendered like type: a string when there is one (data-model.md §1).
  if (projected.showScope && entity.scope !== undefined && entity.scope.length > 0) {
    out['scope'] = oneOrMany(entity.scope);
  }
  // keyValues shows values only (data-model.md §5.2; Orion-LD/Stellio add no timestamps).
  if (options.sysAttrs && options.format !== 'simplified') {
    out['createdAt'] = entity.createdAt;
    out['modifiedAt'] = entity.modifiedAt;
  }
  for (const [iri, instances] of Object.entries(projected.attrs)) {
    out[compactName(iri, out, ctx)] = renderAttribute(instances, ctx, options);
  }
  return out;
}

export interface GeoJsonRenderOptions extends RenderOptions {
  /** Expanded IRI of the GeoProperty that gives the Feature its geometry. */
  geometryProperty: string;
}

/**
 * A GeoJSON Feature (NGSI-LD 6.3.15, data-model.md §6): `properties` holds `type` and the
 * attributes as `renderEntity` would show them; `geometry` is the value of the default
 * instance of `geometryProperty` (or the instance `datasetIds` selects), else null. The
 * geometry is taken before pick/omit, so projecting the GeoProperty away keeps the geometry.
 */
export function renderGeoJsonFeature(
  entity: Entity,
  ctx: JsonLdContext,
  options: GeoJsonRenderOptions,
): Record<string, unknown> {
  const { id: _id, ...properties } = renderEntity(entity, ctx, options);
  return {
    id: entity.id,
    type: 'Feature',
    geometry: selectGeometry(entity, options) ?? null,
    properties,
  };
}

function selectGeometry(entity: Entity, options: GeoJsonRenderOptions): unknown {
  const instances =
    filterDatasets(entity.attrs, options.datasetIds)[options.geometryProperty] ?? [];
  const instance =
    instances.find((item) => item.datasetId === undefined) ??
    (options.datasetIds === undefined ? undefined : instances[0]);
  if (instance === undefined || instance.type !== 'GeoProperty') return undefined;
  const value = instance.value;
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

function oneOrMany(values: string[]): string | string[] {
  const [only] = values;
  return only !== undefined && values.length === 1 ? only : values;
}
