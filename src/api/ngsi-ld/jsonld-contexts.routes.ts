/** /jsonldContexts — the @context management API (NGSI-LD 5.13, 6.29–6.30). */
import type { JsonLdContextService } from '../../context/json-ld-context.service.js';
import { badRequestData } from '../../ngsi-ld/problem-details.js';
import { MEDIA_JSON, MEDIA_JSON_LD } from '../http/media-types.js';
import { NGSI_LD_PREFIX } from './ngsi-ld.plugin.js';
import type { RouteSpec } from './route-spec.js';

const KINDS = ['Hosted', 'Cached', 'ImplicitlyCreated'] as const;

export function jsonLdContextRoutes(deps: { contexts: JsonLdContextService }): RouteSpec[] {
  const { contexts } = deps;
  return [
    {
      method: 'POST',
      url: '/jsonldContexts',
      action: 'context:write',
      summary: 'Add @context',
      clause: '5.13.2',
      tenantless: true,
      body: true,
      bodyIsContextDocument: true,
      query: [],
      async handler(request) {
        const stored = await contexts.addHosted(request.body);
        return {
          status: 201,
          headers: {
            Location: `${NGSI_LD_PREFIX}/jsonldContexts/${encodeURIComponent(stored.id)}`,
          },
        };
      },
    },
    {
      method: 'GET',
      url: '/jsonldContexts',
      action: 'context:read',
      summary: 'List @contexts',
      clause: '5.13.3',
      tenantless: true,
      query: ['details', 'kind'],
      produces: [MEDIA_JSON],
      async handler(request) {
        const kind = request.query.get('kind');
        if (kind !== undefined && !(KINDS as readonly string[]).includes(kind)) {
          throw badRequestData(`kind must be one of ${KINDS.join(', ')}`);
        }
        const body = await contexts.list({
          details: request.query.boolean('details'),
          kind: kind as (typeof KINDS)[number] | undefined,
        });
        return { status: 200, body, context: 'none' };
      },
    },
    {
      method: 'GET',
      url: '/jsonldContexts/:contextId',
      action: 'context:read',
      summary: 'Serve @context',
      clause: '5.13.4',
      tenantless: true,
      query: ['details'],
      produces: [MEDIA_JSON, MEDIA_JSON_LD],
      async handler(request) {
        const body = await contexts.get(request.params['contextId'] ?? '', {
          details: request.query.boolean('details'),
        });
        return { status: 200, body, context: 'none' };
      },
    },
    {
      method: 'DELETE',
      url: '/jsonldContexts/:contextId',
      action: 'context:write',
      summary: 'Delete and Reload @context',
      clause: '5.13.5',
      tenantless: true,
      query: ['reload'],
      async handler(request) {
        await contexts.remove(request.params['contextId'] ?? '', {
          reload: request.query.boolean('reload'),
        });
        return { status: 204 };
      },
    },
  ];
}
