/** /subscriptions and /subscriptions/{id} — NGSI-LD 5.8, 6.10, 6.11 (subscriptions.md §1). */
import type { SubscriptionService } from '../../context/subscriptions/subscription.service.js';
import { assertUri } from '../../ngsi-ld/entity/names.js';
import { renderSubscription } from '../../ngsi-ld/subscription/subscription-renderer.js';
import { MEDIA_JSON, MEDIA_JSON_LD } from '../http/media-types.js';
import { NGSI_LD_PREFIX } from './ngsi-ld.plugin.js';
import { paginationLinks } from './pagination-links.js';
import { parsePagination } from './query-params.js';
import { resourceLocation } from './route-params.js';
import type { NgsiRequest, RouteSpec } from './route-spec.js';

export interface SubscriptionRoutesDeps {
  subscriptions: SubscriptionService;
  paging: { defaultPageSize: number; maxPageSize: number };
}

const MEDIA = [MEDIA_JSON, MEDIA_JSON_LD] as const;

function subscriptionId(request: NgsiRequest): string {
  return assertUri(request.params['subscriptionId'] ?? '', 'subscription id');
}

/** `options=sysAttrs` adds createdAt and modifiedAt (an implementation choice, subscriptions.md §2). */
function sysAttrs(request: NgsiRequest): boolean {
  return request.query.options(['sysAttrs']).has('sysAttrs');
}

export function subscriptionRoutes(deps: SubscriptionRoutesDeps): RouteSpec[] {
  const { subscriptions } = deps;
  return [
    {
      method: 'POST',
      url: '/subscriptions',
      action: 'subscription:write',
      summary: 'Create Subscription',
      clause: '5.8.1',
      createsTenant: true,
      body: true,
      query: [],
      async handler(request) {
        const id = await subscriptions.createSubscription(
          request.tenant,
          request.body,
          request.context,
        );
        return { status: 201, headers: { Location: resourceLocation('subscriptions', id) } };
      },
    },
    {
      method: 'GET',
      url: '/subscriptions',
      action: 'subscription:read',
      summary: 'Query Subscriptions',
      clause: '5.8.4',
      query: ['limit', 'offset', 'count', 'options'],
      produces: MEDIA,
      async handler(request) {
        const page = parsePagination(request.query, deps.paging);
        const withSysAttrs = sysAttrs(request);
        const result = await subscriptions.querySubscriptions(request.tenant, page);
        const now = subscriptions.now();
        const headers: Record<string, string> = {};
        if (page.count) headers['NGSILD-Results-Count'] = String(result.total);
        const hasMore = page.offset + result.items.length < result.total;
        const links = paginationLinks(
          `${NGSI_LD_PREFIX}/subscriptions`,
          request.query,
          page,
          hasMore,
        );
        if (links) headers['Link'] = links;
        const body = result.items.map((stored) =>
          renderSubscription(stored.subscription, stored.delivery, request.context, {
            now,
            sysAttrs: withSysAttrs,
          }),
        );
        return { status: 200, headers, body };
      },
    },
    {
      method: 'GET',
      url: '/subscriptions/:subscriptionId',
      action: 'subscription:read',
      summary: 'Retrieve Subscription',
      clause: '5.8.3',
      query: ['options'],
      produces: MEDIA,
      async handler(request) {
        const withSysAttrs = sysAttrs(request);
        const stored = await subscriptions.retrieveSubscription(
          request.tenant,
          subscriptionId(request),
        );
        return {
          status: 200,
          body: renderSubscription(stored.subscription, stored.delivery, request.context, {
            now: subscriptions.now(),
            sysAttrs: withSysAttrs,
          }),
        };
      },
    },
    {
      method: 'PATCH',
      url: '/subscriptions/:subscriptionId',
      action: 'subscription:write',
      summary: 'Update Subscription',
      clause: '5.8.2',
      body: true,
      query: [],
      async handler(request) {
        await subscriptions.updateSubscription(
          request.tenant,
          subscriptionId(request),
          request.body,
          request.context,
        );
        return { status: 204 };
      },
    },
    {
      method: 'DELETE',
      url: '/subscriptions/:subscriptionId',
      action: 'subscription:write',
      summary: 'Delete Subscription',
      clause: '5.8.5',
      query: [],
      async handler(request) {
        await subscriptions.deleteSubscription(request.tenant, subscriptionId(request));
        return { status: 204 };
      },
    },
  ];
}
