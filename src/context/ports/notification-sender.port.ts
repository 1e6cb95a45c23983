/**
 * The notification transport port: delivers one rendered notification to one endpoint.
 * The notifier (subscription delivery, src/context/subscriptions) chooses the sender by the
 * endpoint URI's scheme. Adapters: src/adapters/notify (HTTP(S), MQTT(S), and the server-sent
 * event stream of Civis' own web apps).
 */

export interface KeyValuePair {
  key: string;
  value: string;
}

export interface NotificationEndpoint {
  uri: string;
  /** application/json (default), application/ld+json or application/geo+json. */
  accept?: string;
  /** Sent to the receiver: HTTP headers, or entries of an MQTT message's `metadata`. */
  receiverInfo?: KeyValuePair[];
  /** Configures the channel, e.g. MQTT-QoS, MQTT-Version. */
  notifierInfo?: KeyValuePair[];
  /** Milliseconds; the sender gives up after it. */
  timeout?: number;
}

export interface NotificationMessage {
  /** The tenant of the subscription ('' for the default tenant). */
  tenant: string;
  subscriptionId: string;
  /** The Notification object, compacted and serialized. */
  body: string;
  /** The media type of `body` (the endpoint's accept). */
  contentType: string;
  /**
   * Headers the notification carries besides Content-Type and the receiverInfo entries:
   * Link (JSON-LD context) and NGSILD-Tenant when they apply.
   */
  headers: Record<string, string>;
}

export type DeliveryOutcome =
  | { ok: true }
  /** `retryable`: a timeout, a connection failure or a 5xx/429, not a refusal such as a 4xx. */
  | { ok: false; reason: string; retryable: boolean };

export interface NotificationSender {
  /** URI schemes handled, lower case without ':' (for example 'http', 'https'). */
  readonly schemes: readonly string[];
  /**
   * Why this sender could never deliver to `endpoint` (an `urn:` that names no stream, an
   * address it refuses…), or undefined. Pure and quick: called when a subscription is
   * created or updated, so that such an endpoint is a 400 there rather than a failure at
   * every delivery. Credentials in the endpoint URI must not appear in the answer.
   */
  validate?(endpoint: NotificationEndpoint): string | undefined;
  /** Never throws: every failure is an outcome. */
  send(
    endpoint: NotificationEndpoint,
    message: NotificationMessage,
    options: { timeoutMs: number },
  ): Promise<DeliveryOutcome>;
  close(): Promise<void>;
}
