/**
 * The Notification (NGSI-LD 5.2.13, subscriptions.md §7) and what travels with it
 * (§8): Content-Type from the endpoint's accept, the JSON-LD Link header for
 * application/json, NGSILD-Tenant for a tenant other than the default.
 */
import type { JsonLdContext } from '../context/json-ld-context.js';
import { DEFAULT_TENANT } from '../model.js';
import type { EndpointAccept, Subscription } from './subscription.js';

export const NOTIFICATION_ID_PREFIX = 'urn:ngsi-ld:Notification:';
const JSON_LD_CONTEXT_REL = 'http://www.w3.org/ns/json-ld#context';

export interface NotificationContent {
  /** The serialized Notification. */
  body: string;
  contentType: EndpointAccept;
  /** Link and NGSILD-Tenant, when they apply (receiverInfo headers are the sender's). */
  headers: Record<string, string>;
}

export interface NotificationInput {
  tenant: string;
  subscription: Subscription;
  /** The notified entities, already rendered. */
  data: unknown[];
  /** The subscription's jsonldContext, or the @context it was created with. */
  context: JsonLdContext;
  /** A UUID (or any unique suffix) for the notification id. */
  uniqueId: string;
  notifiedAt: string;
}

export function buildNotification(input: NotificationInput): NotificationContent {
  const { accept } = input.subscription.notification.endpoint;
  const notification: Record<string, unknown> = {
    id: `${NOTIFICATION_ID_PREFIX}${input.uniqueId}`,
    type: 'Notification',
    subscriptionId: input.subscription.id,
    notifiedAt: input.notifiedAt,
    data: input.data,
  };
  const headers: Record<string, string> = {};
  if (accept === 'application/json')
    headers['Link'] =
      `<${input.context.linkUrl}>; rel="${JSON_LD_CONTEXT_REL}"; type="application/ld+json"`;
  else notification['@context'] = input.context.bodyContext;
  if (input.tenant !== DEFAULT_TENANT) headers['NGSILD-Tenant'] = input.tenant;
  return { body: JSON.stringify(notification), contentType: accept, headers };
}
