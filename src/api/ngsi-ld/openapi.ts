/** An OpenAPI 3.1 document generated from the NGSI-LD route table, so it never drifts from the code. */
import type { RouteSpec } from './route-spec.js';
import { NGSI_LD_PREFIX } from './ngsi-ld.plugin.js';

const PROBLEM = { $ref: '#/components/schemas/ProblemDetails' };

export function buildOpenApiDocument(
  routes: readonly RouteSpec[],
  version: string,
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = NGSI_LD_PREFIX + route.url.replace(/:(\w+)/g, '{$1}');
    const pathParams = [...route.url.matchAll(/:(\w+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const queryParams = route.query.map((name) => ({
      name,
      in: 'query',
      required: false,
      schema: { type: 'string' },
    }));
    const operation: Record<string, unknown> = {
      summary: route.summary,
      description: `ETSI GS CIM 009 clause ${route.clause}.`,
      operationId: route.summary.replace(/[^A-Za-z]+(.)?/g, (_m, c: string | undefined) =>
        c ? c.toUpperCase() : '',
      ),
      'x-civis-action': route.action,
      parameters: [
        ...pathParams,
        ...queryParams,
        { name: 'NGSILD-Tenant', in: 'header', required: false, schema: { type: 'string' } },
      ],
      responses: {
        ...(route.produces
          ? {
              '200': {
                description: 'OK',
                content: Object.fromEntries(route.produces.map((t) => [t, { schema: {} }])),
              },
            }
          : {
              '2XX': { description: 'Success (201 Created, 204 No Content or 207 Multi-Status)' },
            }),
        '4XX': {
          description: 'Client error',
          content: { 'application/json': { schema: PROBLEM } },
        },
        '5XX': {
          description: 'Server error',
          content: { 'application/json': { schema: PROBLEM } },
        },
      },
    };
    if (route.body) {
      const types =
        route.method === 'PATCH'
          ? ['application/json', 'application/ld+json', 'application/merge-patch+json']
          : ['application/json', 'application/ld+json'];
      operation['requestBody'] = {
        required: true,
        content: Object.fromEntries(types.map((t) => [t, { schema: {} }])),
      };
    }
    (paths[path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Civis NGSI-LD API',
      version,
      description: 'ETSI GS CIM 009 NGSI-LD API of the Civis smart city platform.',
    },
    paths,
    components: {
      schemas: {
        ProblemDetails: {
          type: 'object',
          required: ['type', 'title', 'detail'],
          properties: {
            type: { type: 'string', format: 'uri' },
            title: { type: 'string' },
            detail: { type: 'string' },
            status: { type: 'integer' },
            instance: { type: 'string' },
          },
        },
      },
    },
  };
}
