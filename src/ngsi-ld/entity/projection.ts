/**
 * Which members of an entity a response shows: `datasetId` instance filter, legacy `attrs`,
 * `pick` and `omit` (NGSI-LD 4.21, query.md §6, data-model.md §3). Attribute names here are
 * expanded IRIs; `id`, `type` and `scope` are the entity members of those names.
 */
import type { AttributeMap, Entity } from '../model.js';

export interface ProjectionOptions {
  /** Keep only these attributes (expanded IRIs); entity members stay. */
  attrs?: string[];
  /** Keep only these members: expanded attribute IRIs or 'id', 'type', 'scope'. */
  pick?: string[];
  /** Remove these members: expanded attribute IRIs or 'id', 'type', 'scope'. */
  omit?: string[];
  /** Keep only instances with these datasetIds ('@none' = the default instance). */
  datasetIds?: string[];
}

export interface ProjectedEntity {
  showId: boolean;
  showType: boolean;
  showScope: boolean;
  attrs: AttributeMap;
}

export function projectEntity(entity: Entity, options: ProjectionOptions): ProjectedEntity {
  // No projection (every query page without attrs/pick/omit/datasetId): everything shows.
  if (
    options.pick === undefined &&
    options.omit === undefined &&
    options.attrs === undefined &&
    options.datasetIds === undefined
  ) {
    return { showId: true, showType: true, showScope: true, attrs: entity.attrs };
  }
  const pick = options.pick === undefined ? undefined : new Set(options.pick);
  const omit = new Set(options.omit ?? []);
  const attrs = options.attrs === undefined ? undefined : new Set(options.attrs);
  const shows = (member: string): boolean =>
    (pick === undefined || pick.has(member)) && !omit.has(member);
  const kept: AttributeMap = {};
  for (const [iri, instances] of Object.entries(filterDatasets(entity.attrs, options.datasetIds))) {
    if (attrs !== undefined && !attrs.has(iri)) continue;
    if (shows(iri)) kept[iri] = instances;
  }
  return { showId: shows('id'), showType: shows('type'), showScope: shows('scope'), attrs: kept };
}

/** Drops instances not selected by `datasetIds`, and attributes left with none. */
export function filterDatasets(
  attrs: AttributeMap,
  datasetIds: string[] | undefined,
): AttributeMap {
  if (datasetIds === undefined) return attrs;
  const wanted = new Set(datasetIds);
  const kept: AttributeMap = {};
  for (const [iri, instances] of Object.entries(attrs)) {
    const selected = instances.filter((instance) => wanted.has(instance.datasetId ?? '@none'));
    if (selected.length > 0) kept[iri] = selected;
  }
  return kept;
}
