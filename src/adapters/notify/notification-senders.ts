/**
 * Every notification transport of Civis, for main.ts: HTTP(S), MQTT(S) and the server-sent
 * event streams (`urn:civis:stream:<name>`). The notifier picks a sender by the endpoint
 * URI's scheme.
 */
import type { NotificationSender } from '../../context/ports/notification-sender.port.js';
import {
  createHttpNotificationSender,
  type HttpNotificationSenderOptions,
} from './http-notification-sender.js';
import {
  createMqttNotificationSender,
  type MqttNotificationSenderOptions,
} from './mqtt-notification-sender.js';
import {
  createSseNotificationHub,
  type SseNotificationHub,
  type SseNotificationHubOptions,
} from './sse-notification-hub.js';

export interface NotificationSendersOptions {
  /** CIDR blocks (`address/prefix`) that HTTP and MQTT notifications may not connect to. */
  deniedNetworks?: readonly string[];
  http?: HttpNotificationSenderOptions;
  mqtt?: MqttNotificationSenderOptions;
  streams?: SseNotificationHubOptions;
}

export interface NotificationSenders {
  senders: readonly NotificationSender[];
  /** Also one of `senders`; the route GET /api/notifications/streams/{name} attaches clients. */
  hub: SseNotificationHub;
  close(): Promise<void>;
}

export function createNotificationSenders(
  options: NotificationSendersOptions = {},
): NotificationSenders {
  const hub = createSseNotificationHub(options.streams);
  const denied =
    options.deniedNetworks === undefined ? {} : { deniedNetworks: options.deniedNetworks };
  const senders = [
    createHttpNotificationSender({ ...denied, ...options.http }),
    createMqttNotificationSender({ ...denied, ...options.mqtt }),
    hub,
  ];
  return {
    senders,
    hub,
    async close() {
      await Promise.all(senders.map((sender) => sender.close()));
    },
  };
}
