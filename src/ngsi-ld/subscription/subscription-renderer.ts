/**
 * A Subscription as Retrieve/Query Subscription(s) return it (NGSI-LD 5.8.3, 5.8.4;
 * subscriptions.md §4): names compacted with the request's @context, the computed
 * `status`, and the delivery members inside `notification`.
 */
import type { JsonLdContext } from '../context/json-ld-context.js';
import {
  DEFAULT_TRIGGERS,
  subscriptionStatus,
  type DeliveryStatus,
  type Subscription,
} from './subscription.js';

const PROJECTION_MEMBERS = new Set(['id', 'type', 'scope']);
/** What lies between the operators of a type selection (NGSI-LD 4.17): one type name. */
const TYPE_NAME = /[^,|;()]+/g;

export function renderSubscription(
  subscription: Subscription,
  delivery: DeliveryStatus,
  ctx: JsonLdContext,
  options: { now: Date; sysAttrs: boolean },
): Record<string, unknown> {
  const s = subscription;
  const compact = (iri: string) => ctx.compactIri(iri);
  const out: Record<string, unknown> = { id: s.id, type: 'Subscription' };
  if (s.subscriptionName !== undefined) out['subscriptionName'] = s.subscriptionName;
  if (s.description !== undefined) out['description'] = s.description;
  if (s.entities)
    out['entities'] = s.entities.map((selector) => ({
      ...(selector.id === undefined ? {} : { id: selector.id }),
      ...(selector.idPattern === undefined ? {} : { idPattern: selector.idPattern }),
      type: renderTypeSelection(selector.type, s.terms.entities ?? {}, ctx),
    }));
  if (s.watchedAttributes) out['watchedAttributes'] = s.watchedAttributes.map(compact);
  out['notificationTrigger'] = s.notificationTrigger ?? [...DEFAULT_TRIGGERS];
  if (s.q !== undefined) out['q'] = s.q;
  if (s.geoQ)
    out['geoQ'] = {
      geometry: s.geoQ.geometry,
      coordinates: s.geoQ.coordinates,
      georel: s.geoQ.georel,
      ...(s.geoQ.geoproperty === undefined ? {} : { geoproperty: compact(s.geoQ.geoproperty) }),
    };
  if (s.scopeQ !== undefined) out['scopeQ'] = s.scopeQ;
  if (s.datasetId) out['datasetId'] = s.datasetId;
  if (s.localOnly !== undefined) out['localOnly'] = s.localOnly;
  out['isActive'] = s.isActive;
  out['status'] = subscriptionStatus(s, options.now);
  if (s.expiresAt !== undefined) out['expiresAt'] = s.expiresAt;
  if (s.throttling !== undefined) out['throttling'] = s.throttling;
  if (s.timeInterval !== undefined) out['timeInterval'] = s.timeInterval;
  if (s.lang !== undefined) out['lang'] = s.lang;
  if (s.jsonldContext !== undefined) out['jsonldContext'] = s.jsonldContext;
  out['notification'] = renderNotificationParams(s, delivery, compact);
  if (options.sysAttrs) {
    out['createdAt'] = s.createdAt;
    out['modifiedAt'] = s.modifiedAt;
  }
  return out;
}

function renderNotificationParams(
  s: Subscription,
  delivery: DeliveryStatus,
  compact: (iri: string) => string,
): Record<string, unknown> {
  const n = s.notification;
  const projection = (names: string[]) =>
    names.map((name) => (PROJECTION_MEMBERS.has(name) ? name : compact(name)));
  const out: Record<string, unknown> = {};
  if (n.attributes) out['attributes'] = n.attributes.map(compact);
  if (n.pick) out['pick'] = projection(n.pick);
  if (n.omit) out['omit'] = projection(n.omit);
  out['format'] = n.format;
  if (n.showChanges) out['showChanges'] = true;
  if (n.sysAttrs) out['sysAttrs'] = true;
  out['endpoint'] = { ...n.endpoint };
  if (delivery.status !== undefined) out['status'] = delivery.status;
  out['timesSent'] = delivery.timesSent;
  if (delivery.timesFailed > 0) out['timesFailed'] = delivery.timesFailed;
  if (delivery.lastNotification !== undefined) out['lastNotification'] = delivery.lastNotification;
  if (delivery.lastSuccess !== undefined) out['lastSuccess'] = delivery.lastSuccess;
  if (delivery.lastFailure !== undefined) out['lastFailure'] = delivery.lastFailure;
  return out;
}

/**
 * Each type name of the selection (`A`, `A,B`, `(A;B)|C`) compacted with the request's
 * @context; the operators and spaces stay as written, `*` stays `*`.
 */
function renderTypeSelection(
  text: string,
  terms: Record<string, string>,
  ctx: JsonLdContext,
): string {
  return text.replace(TYPE_NAME, (piece) => {
    const name = piece.trim();
    if (name === '' || name === '*') return piece;
    return piece.replace(name, ctx.compactIri(terms[name] ?? name));
  });
}
