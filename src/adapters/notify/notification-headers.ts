/**
 * The headers of an HTTP notification (subscriptions.md §8): the message's own headers, one
 * per receiverInfo entry, and Content-Type. receiverInfo comes from API users, so names and
 * values are checked here too, where they become bytes on the wire, with the rule the
 * subscription parser applies (headerProblem): a CR/LF in a value would let a subscription
 * inject headers or whole requests (header injection / smuggling).
 */
import type {
  KeyValuePair,
  NotificationMessage,
} from '../../context/ports/notification-sender.port.js';
import { headerProblem } from '../../ngsi-ld/subscription/endpoint-rules.js';

export type HeaderCheck = { headers: Record<string, string> } | { problem: string };

/**
 * Builds the header map of one notification, keys in lower case (a receiverInfo entry
 * replaces a message header of the same name; Content-Type is always the message's).
 * Returns the first problem instead when an entry is not a valid or allowed header.
 */
export function buildNotificationHeaders(
  message: NotificationMessage,
  receiverInfo: readonly KeyValuePair[] = [],
): HeaderCheck {
  const headers: Record<string, string> = {};
  const entries: Array<[string, string, string]> = [
    ...Object.entries(message.headers).map(([k, v]): [string, string, string] => [k, v, 'header']),
    ...receiverInfo.map(({ key, value }): [string, string, string] => [key, value, 'receiverInfo']),
  ];
  for (const [name, value, origin] of entries) {
    const problem = headerProblem(name, value);
    if (problem !== undefined) return { problem: `${origin} ${problem}` };
    headers[name.toLowerCase()] = value;
  }
  headers['content-type'] = message.contentType;
  return { headers };
}
