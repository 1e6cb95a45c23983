/** /entities/{id}/attrs and /entities/{id}/attrs/{attrId} — NGSI-LD 6.6 and 6.7. */
import type { EntityService } from '../../context/entity.service.js';
import { parseAttributeFragment, parseEntityFragment } from '../../ngsi-ld/entity/entity-parser.js';
import { assertUri } from '../../ngsi-ld/entity/names.js';
import { SCOPE_IRI } from '../../ngsi-ld/entity/operations/index.js';
import { badRequestData } from '../../ngsi-ld/problem-details.js';
import {
  attributeIri,
  attributeName,
  checkBodyId,
  entityId,
  typeGuard,
  updateReply,
} from './route-params.js';
import type { RouteSpec } from './route-spec.js';

export function entityAttributeRoutes(deps: { entities: EntityService }): RouteSpec[] {
  const { entities } = deps;
  return [
    {
      method: 'POST',
      url: '/entities/:entityId/attrs',
      action: 'entity:write',
      summary: 'Append Entity Attributes',
      clause: '5.6.3',
      body: true,
      query: ['options', 'type', 'local'],
      async handler(request) {
        const id = entityId(request);
        const noOverwrite = request.query.options(['noOverwrite']).has('noOverwrite');
        const fragment = parseEntityFragment(request.body, request.context, {
          allowNull: false,
          requireNonEmpty: true,
        });
        checkBodyId(fragment.id, id);
        const result = await entities.appendAttributes(request.tenant, id, fragment, {
          noOverwrite,
          typeGuard: typeGuard(request.query, request.context),
        });
        return updateReply(result);
      },
    },
    {
      method: 'PATCH',
      url: '/entities/:entityId/attrs',
      action: 'entity:write',
      summary: 'Update Entity Attributes',
      clause: '5.6.2',
      body: true,
      query: ['type', 'local', 'options'],
      async handler(request) {
        const id = entityId(request);
        request.query.options([]);
        const fragment = parseEntityFragment(request.body, request.context, {
          allowNull: true,
          requireNonEmpty: true,
        });
        checkBodyId(fragment.id, id);
        const result = await entities.updateAttributes(
          request.tenant,
          id,
          fragment,
          typeGuard(request.query, request.context),
        );
        return updateReply(result);
      },
    },
    {
      method: 'PATCH',
      url: '/entities/:entityId/attrs/:attrId',
      action: 'entity:write',
      summary: 'Partial Attribute Update',
      clause: '5.6.4',
      body: true,
      query: ['type', 'local'],
      async handler(request) {
        const id = entityId(request);
        const name = attributeName(request);
        const fragment = parseAttributeFragment(request.body, request.context, name, {
          allowNull: true,
          partial: true,
        });
        await entities.partialAttributeUpdate(
          request.tenant,
          id,
          attributeIri(request),
          fragment,
          typeGuard(request.query, request.context),
        );
        return { status: 204 };
      },
    },
    {
      method: 'PUT',
      url: '/entities/:entityId/attrs/:attrId',
      action: 'entity:write',
      summary: 'Replace Attribute',
      clause: '5.6.19',
      body: true,
      query: ['type', 'local'],
      async handler(request) {
        const id = entityId(request);
        if (request.params['attrId'] === 'scope')
          throw badRequestData('scope is not an attribute; use PATCH /entities/{id}');
        const name = attributeName(request);
        const attribute = parseAttributeFragment(request.body, request.context, name, {
          allowNull: false,
        });
        await entities.replaceAttribute(
          request.tenant,
          id,
          attributeIri(request),
          attribute,
          typeGuard(request.query, request.context),
        );
        return { status: 204 };
      },
    },
    {
      method: 'DELETE',
      url: '/entities/:entityId/attrs/:attrId',
      action: 'entity:write',
      summary: 'Delete Attribute',
      clause: '5.6.5',
      query: ['datasetId', 'deleteAll', 'type', 'local'],
      async handler(request) {
        const id = entityId(request);
        // entities.md §11: attrId=scope removes the entity's scope.
        const iri = request.params['attrId'] === 'scope' ? SCOPE_IRI : attributeIri(request);
        const datasetId = request.query.get('datasetId');
        if (datasetId !== undefined) assertUri(datasetId, 'datasetId');
        const deleteAll = request.query.boolean('deleteAll');
        if (deleteAll && datasetId !== undefined)
          throw badRequestData('datasetId and deleteAll=true exclude each other');
        await entities.deleteAttribute(request.tenant, id, iri, {
          datasetId,
          deleteAll,
          typeGuard: typeGuard(request.query, request.context),
        });
        return { status: 204 };
      },
    },
  ];
}
