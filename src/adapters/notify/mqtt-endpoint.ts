/**
 * The connection key and the published message of an MQTT notification (NGSI-LD 7.2,
 * subscriptions.md §9). What the endpoint URI and notifierInfo mean is spec logic shared
 * with the subscription parser: src/ngsi-ld/subscription/mqtt-endpoint.ts.
 */
import type {
  NotificationEndpoint,
  NotificationMessage,
} from '../../context/ports/notification-sender.port.js';
import type { MqttTarget } from '../../ngsi-ld/subscription/mqtt-endpoint.js';

/** The key of the connection a target shares: the broker, the credentials and the version. */
export function brokerKey(target: MqttTarget): string {
  return JSON.stringify([
    target.protocol,
    target.host,
    target.port,
    target.username,
    target.password,
    target.protocolVersion,
  ]);
}

/**
 * The published message (subscriptions.md §9): `metadata` has Content-Type, the message's
 * headers (Link, NGSILD-Tenant) and one entry per receiverInfo key; `body` is the
 * Notification, spliced in as serialized rather than parsed and serialized again.
 */
export function renderMqttPayload(
  endpoint: NotificationEndpoint,
  message: NotificationMessage,
): string {
  const metadata: Record<string, string> = { 'Content-Type': message.contentType };
  for (const [key, value] of Object.entries(message.headers)) metadata[key] = value;
  for (const { key, value } of endpoint.receiverInfo ?? []) metadata[key] = value;
  metadata['Content-Type'] = message.contentType;
  return `{"metadata":${JSON.stringify(metadata)},"body":${message.body}}`;
}
