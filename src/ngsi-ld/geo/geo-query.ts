/**
 * Evaluate a geo-query against an entity (NGSI-LD 4.10, query.md §3, pitfall 26): the
 * entity matches when some instance of its GeoProperty stands in the relation to the
 * reference geometry. Entities without that GeoProperty never match.
 */
import type { Attribute, Entity, Geometry } from '../model.js';
import { isProblemDetails } from '../problem-details.js';
import type { GeoQuery } from '../query/query.types.js';
import {
  bboxesIntersect,
  geoQueryCandidateBox,
  geometryBoundingBox,
  type BBox,
} from './bounding-box.js';
import { parseGeometry } from './geojson.js';
import { satisfiesGeoRel } from './geo-relation.js';

/** Candidate boxes by query object: a query is evaluated against many entities in a row. */
const candidateBoxes = new WeakMap<GeoQuery, BBox | undefined>();

export function matchesGeoQuery(entity: Entity, geoQ: GeoQuery): boolean {
  const instances = entity.attrs[geoQ.geoproperty];
  if (instances === undefined) return false;
  const box = candidateBoxOf(geoQ);
  // Multi-attribute: any instance may satisfy the relation (query.md §3).
  return instances.some((instance) => {
    const target = targetGeometry(instance);
    if (target === undefined) return false;
    // Cheap rejection first; the box is a superset of the matches (bounding-box.ts).
    if (box !== undefined && !bboxesIntersect(geometryBoundingBox(target), box)) return false;
    return satisfiesGeoRel(target, geoQ.georel, geoQ.geometry);
  });
}

function candidateBoxOf(geoQ: GeoQuery): BBox | undefined {
  if (!candidateBoxes.has(geoQ)) candidateBoxes.set(geoQ, geoQueryCandidateBox(geoQ));
  return candidateBoxes.get(geoQ);
}

/**
 * The instance's geometry when it is a GeoProperty with a valid GeoJSON value, which may
 * be stored as a JSON string (data-model.md §2); anything else cannot match.
 */
function targetGeometry(instance: Attribute): Geometry | undefined {
  if (instance.type !== 'GeoProperty') return undefined;
  try {
    return parseGeometry(instance.value, 'GeoProperty value');
  } catch (error) {
    if (isProblemDetails(error)) return undefined;
    throw error;
  }
}
