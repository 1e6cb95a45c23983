/**
 * The Subscription of NGSI-LD (5.2.12 Subscription, 5.2.14 NotificationParams, 5.2.15
 * Endpoint; subscriptions.md §2) as Civis holds it. Attribute names are expanded IRIs;
 * `q`, `scopeQ` and entity type selections keep the text the client wrote, with `terms`
 * recording, per member, what each name in them expanded to when it was given, so that a
 * stored subscription is evaluated without resolving its @context again.
 */
import type { NotificationTrigger } from '../change/entity-change-events.js';
import type { JsonValue } from '../model.js';

export type NotificationFormat = 'normalized' | 'concise' | 'keyValues' | 'simplified';
export const NOTIFICATION_FORMATS: readonly NotificationFormat[] = [
  'normalized',
  'concise',
  'keyValues',
  'simplified',
];

export type EndpointAccept = 'application/json' | 'application/ld+json' | 'application/geo+json';
export const ENDPOINT_ACCEPTS: readonly EndpointAccept[] = [
  'application/json',
  'application/ld+json',
  'application/geo+json',
];

export interface KeyValuePair {
  key: string;
  value: string;
}

export interface SubscriptionEndpoint {
  uri: string;
  accept: EndpointAccept;
  receiverInfo?: KeyValuePair[];
  notifierInfo?: KeyValuePair[];
  /** Milliseconds. */
  timeout?: number;
  /** Milliseconds to wait after a failed notification. */
  cooldown?: number;
}

export interface SubscriptionNotificationParams {
  /** Expanded attribute IRIs (the legacy form of `pick`). */
  attributes?: string[];
  /** Expanded attribute IRIs, or the members 'id', 'type', 'scope'. */
  pick?: string[];
  omit?: string[];
  format: NotificationFormat;
  showChanges: boolean;
  sysAttrs: boolean;
  endpoint: SubscriptionEndpoint;
}

export interface SubscriptionEntitySelector {
  id?: string;
  idPattern?: string;
  /** The type selection as written (a name, an IRI, or an expression such as `A,B`). */
  type: string;
}

export interface SubscriptionGeoQuery {
  geometry: string;
  /** As given: a JSON array or its text. */
  coordinates: JsonValue;
  georel: string;
  /** Expanded IRI. */
  geoproperty?: string;
}

/**
 * What the names of a member expanded to with the @context of the request that gave the
 * member. Kept per member: an update replaces the terms of the members it sends only, so it
 * never changes the meaning of the others (a PATCH of `q` under another @context leaves the
 * entity types as they were), and the terms of a member no longer there go with it.
 */
export interface SubscriptionTerms {
  /** Names in the type selections of `entities`. */
  entities?: Record<string, string>;
  /** Attribute names, and text values that may be vocabulary terms, in `q`. */
  q?: Record<string, string>;
}

/** The @context value a subscription was created with (JsonLdContext.bodyContext). */
export type StoredContext = string | Array<string | Record<string, unknown>>;

export interface Subscription {
  id: string;
  subscriptionName?: string;
  description?: string;
  entities?: SubscriptionEntitySelector[];
  /** Expanded attribute IRIs. */
  watchedAttributes?: string[];
  notificationTrigger?: NotificationTrigger[];
  q?: string;
  geoQ?: SubscriptionGeoQuery;
  scopeQ?: string;
  datasetId?: string[];
  localOnly?: boolean;
  isActive: boolean;
  expiresAt?: string;
  /** Seconds. */
  throttling?: number;
  /** Seconds. */
  timeInterval?: number;
  lang?: string;
  jsonldContext?: string;
  notification: SubscriptionNotificationParams;
  terms: SubscriptionTerms;
  context: StoredContext;
  createdAt: string;
  modifiedAt: string;
}

/** The read-only delivery members of NotificationParams (5.2.14), kept apart from the definition. */
export interface DeliveryStatus {
  status?: 'ok' | 'failed';
  timesSent: number;
  timesFailed: number;
  lastNotification?: string;
  lastSuccess?: string;
  lastFailure?: string;
}

export const NO_DELIVERIES: DeliveryStatus = { timesSent: 0, timesFailed: 0 };

export type SubscriptionStatus = 'active' | 'paused' | 'expired';

/** 5.2.12: paused when isActive is false, expired once expiresAt has passed. */
export function subscriptionStatus(subscription: Subscription, now: Date): SubscriptionStatus {
  if (subscription.expiresAt !== undefined && Date.parse(subscription.expiresAt) <= now.getTime())
    return 'expired';
  return subscription.isActive ? 'active' : 'paused';
}

/** The default notificationTrigger (subscriptions.md §2). */
export const DEFAULT_TRIGGERS: readonly NotificationTrigger[] = [
  'attributeCreated',
  'attributeUpdated',
];
