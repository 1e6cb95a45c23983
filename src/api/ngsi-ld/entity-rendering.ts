/** Renders stored entities in the representation a request negotiated (NGSI-LD 5.7.1, 6.3.15). */
import { renderEntity, renderGeoJsonFeature } from '../../ngsi-ld/entity/entity-renderer.js';
import type { Entity } from '../../ngsi-ld/model.js';
import { resourceNotFound } from '../../ngsi-ld/problem-details.js';
import { MEDIA_GEO_JSON } from '../http/media-types.js';
import {
  parseGeometryProperty,
  parseRenderOptions,
  type ProjectionValues,
} from './representation.js';
import type { NgsiRequest } from './route-spec.js';

/**
 * Entity objects, or GeoJSON Features with Accept: application/geo+json. Retrieve Entity
 * answers 404 when `attrs` names none of the entity's attributes (v1.9).
 */
export function renderEntityList(
  request: NgsiRequest,
  list: Entity[],
  options: { retrieving?: boolean; values?: ProjectionValues } = {},
): unknown[] {
  const q = request.query;
  const render = parseRenderOptions(
    q,
    request.context,
    options.values ?? {
      attrs: q.list('attrs'),
      pick: q.get('pick'),
      omit: q.get('omit'),
      lang: q.get('lang'),
      datasetId: q.list('datasetId'),
    },
  );
  const geometryProperty = parseGeometryProperty(q, request.responseType, request.context);
  const wanted = render.attrs;
  if (options.retrieving && wanted && list.some((e) => !wanted.some((a) => a in e.attrs))) {
    throw resourceNotFound(
      `Entity ${list[0]?.id} has none of the requested attributes`,
      list[0]?.id,
    );
  }
  if (request.responseType === MEDIA_GEO_JSON) {
    return list.map((e) =>
      renderGeoJsonFeature(e, request.context, { ...render, geometryProperty }),
    );
  }
  return list.map((e) => renderEntity(e, request.context, render));
}
