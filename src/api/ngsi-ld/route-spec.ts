/**
 * How an NGSI-LD route is declared: one table entry per operation with the action it
 * performs (for the authorisation layer), its allowed query parameters, body and response
 * media types, and a handler that never touches HTTP details.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { JsonLdContext } from '../../ngsi-ld/context/json-ld-context.js';
import type { ResponseMediaType } from '../http/media-types.js';
import type { QueryParams } from './query-params.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** What a route does, in the vocabulary of the authorisation layer. */
export type Action =
  | 'entity:create'
  | 'entity:read'
  | 'entity:write'
  | 'entity:delete'
  | 'entity:batch'
  | 'discovery:read'
  | 'context:read'
  | 'context:write'
  | 'temporal:read'
  | 'temporal:write'
  | 'temporal:delete'
  | 'subscription:read'
  | 'subscription:write';

export interface NgsiRequest {
  tenant: string;
  params: Record<string, string>;
  query: QueryParams;
  /** Parsed JSON body (undefined when the route takes none). */
  body: unknown;
  /** Effective @context of the request (Link header or body @context; core only otherwise). */
  context: JsonLdContext;
  /** Resolves the @context of one element of a JSON-LD array body (batch operations). */
  resolveItemContext(item: unknown): Promise<JsonLdContext>;
  /** Negotiated response media type (routes without a response body: undefined). */
  responseType: ResponseMediaType | undefined;
  headers: IncomingHttpHeaders;
}

export interface NgsiReply {
  status: number;
  body?: unknown;
  /**
   * Where an application/ld+json response puts "@context": into each element of an entity
   * array or the single object ('each'), nowhere ('none': the body is not NGSI-LD data).
   */
  context?: 'each' | 'none';
  headers?: Record<string, string>;
}

export interface RouteSpec {
  method: HttpMethod;
  /** Path under /ngsi-ld/v1 in Fastify syntax. */
  url: string;
  action: Action;
  summary: string;
  /** The clause of ETSI GS CIM 009 the route implements. */
  clause: string;
  /** Operations that create a tenant on first use (NGSI-LD 5.5.10). */
  createsTenant?: boolean;
  /** Operations that work on tenants not created yet (the jsonldContexts API is tenant-less). */
  tenantless?: boolean;
  /** Query parameters the route accepts; anything else is 400. */
  query: readonly string[];
  /** Parameters of the standard Civis does not implement (501). */
  unsupportedQuery?: readonly string[];
  /** The route reads a JSON body. */
  body?: boolean;
  /** The body is an @context document itself, not NGSI-LD data (POST /jsonldContexts). */
  bodyIsContextDocument?: boolean;
  /** Media types the route can answer with, in order of preference; none = no response body. */
  produces?: readonly ResponseMediaType[];
  handler(request: NgsiRequest): Promise<NgsiReply>;
}
