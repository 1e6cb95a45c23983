/** /types and /attributes — entity type and attribute discovery (NGSI-LD 5.7.5–5.7.10, 6.25–6.28). */
import { randomUUID } from 'node:crypto';
import type { EntityService } from '../../context/entity.service.js';
import { isValidAttributeName, isValidTypeName } from '../../ngsi-ld/entity/names.js';
import { badRequestData, resourceNotFound } from '../../ngsi-ld/problem-details.js';
import { MEDIA_JSON, MEDIA_JSON_LD } from '../http/media-types.js';
import type { RouteSpec } from './route-spec.js';

export function discoveryRoutes(deps: { entities: EntityService }): RouteSpec[] {
  const { entities } = deps;
  const produces = [MEDIA_JSON, MEDIA_JSON_LD] as const;
  return [
    {
      method: 'GET',
      url: '/types',
      action: 'discovery:read',
      summary: 'Retrieve Available Entity Types',
      clause: '5.7.5',
      query: ['details', 'local'],
      produces,
      async handler(request) {
        const { context } = request;
        const types = await entities.describeTypes(request.tenant);
        if (request.query.boolean('details')) {
          const body = types.map((t) => ({
            id: t.type,
            type: 'EntityType',
            typeName: context.compactIri(t.type),
            attributeNames: t.attributes.map((a) => context.compactIri(a.name)).sort(),
          }));
          return { status: 200, body };
        }
        const typeList = types.map((t) => context.compactIri(t.type)).sort();
        return {
          status: 200,
          body: {
            id: `urn:ngsi-ld:EntityTypeList:${randomUUID()}`,
            type: 'EntityTypeList',
            typeList,
          },
        };
      },
    },
    {
      method: 'GET',
      url: '/types/:type',
      action: 'discovery:read',
      summary: 'Retrieve Entity Type Information',
      clause: '5.7.7',
      query: ['local'],
      produces,
      async handler(request) {
        const { context } = request;
        const name = request.params['type'] ?? '';
        if (!isValidTypeName(name))
          throw badRequestData(`'${name}' is not a valid entity type name`);
        const iri = context.expandTerm(name);
        const info = (await entities.describeTypes(request.tenant)).find((t) => t.type === iri);
        if (!info) throw resourceNotFound(`No entity of type ${name} exists`, iri);
        return {
          status: 200,
          body: {
            id: info.type,
            type: 'EntityTypeInfo',
            typeName: context.compactIri(info.type),
            entityCount: info.entityCount,
            attributeDetails: info.attributes.map((a) => ({
              id: a.name,
              type: 'Attribute',
              attributeName: context.compactIri(a.name),
              attributeTypes: a.kinds,
            })),
          },
        };
      },
    },
    {
      method: 'GET',
      url: '/attributes',
      action: 'discovery:read',
      summary: 'Retrieve Available Attributes',
      clause: '5.7.8',
      query: ['details', 'local'],
      produces,
      async handler(request) {
        const { context } = request;
        const attributes = await entities.describeAttributes(request.tenant);
        if (request.query.boolean('details')) {
          const body = attributes.map((a) => ({
            id: a.name,
            type: 'Attribute',
            attributeName: context.compactIri(a.name),
            attributeCount: a.instanceCount,
            attributeTypes: a.kinds,
            typeNames: a.typeNames.map((t) => context.compactIri(t)),
          }));
          return { status: 200, body };
        }
        const attributeList = attributes.map((a) => context.compactIri(a.name)).sort();
        return {
          status: 200,
          body: {
            id: `urn:ngsi-ld:AttributeList:${randomUUID()}`,
            type: 'AttributeList',
            attributeList,
          },
        };
      },
    },
    {
      method: 'GET',
      url: '/attributes/:attrId',
      action: 'discovery:read',
      summary: 'Retrieve Attribute Information',
      clause: '5.7.10',
      query: ['local'],
      produces,
      async handler(request) {
        const { context } = request;
        const name = request.params['attrId'] ?? '';
        if (!isValidAttributeName(name))
          throw badRequestData(`'${name}' is not a valid attribute name`);
        const iri = context.expandTerm(name);
        const info = (await entities.describeAttributes(request.tenant)).find(
          (a) => a.name === iri,
        );
        if (!info) throw resourceNotFound(`No entity has an attribute ${name}`, iri);
        return {
          status: 200,
          body: {
            id: info.name,
            type: 'Attribute',
            attributeName: context.compactIri(info.name),
            attributeCount: info.instanceCount,
            attributeTypes: info.kinds,
            typeNames: info.typeNames.map((t) => context.compactIri(t)),
          },
        };
      },
    },
  ];
}
