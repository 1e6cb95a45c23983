/**
 * The headers of an HTTP notification (subscriptions.md §8): the message's own headers, one
 * per receiverInfo entry, and Content-Type. receiverInfo comes from API users, so names and
 * values are checked here, where they become bytes on the wire: a CR/LF in a value would
 * let a subscription inject headers or whole requests (header injection / smuggling).
 */
import type {
  KeyValuePair,
  NotificationMessage,
} from '../../context/ports/notification-sender.port.js';

/** RFC 9110 §5.6.2 token. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** RFC 9110 §5.5 field value: visible ASCII, obs-text, space and tab; no CR, LF, NUL. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Headers that frame or route the request: a receiverInfo entry may not set them (a second
 * Content-Length or a Transfer-Encoding would desynchronise the connection).
 */
const RESERVED = new Set([
  'connection',
  'content-length',
  'expect',
  'host',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

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

/** Why `name: value` cannot be sent as a header of a notification, or undefined. */
export function headerProblem(name: string, value: string): string | undefined {
  if (!TOKEN.test(name)) return `${JSON.stringify(name)} is not a valid HTTP header name`;
  if (RESERVED.has(name.toLowerCase())) return `${name} may not be set by a subscription`;
  if (!FIELD_VALUE.test(value)) {
    return `${name}: the value holds a control character (CR, LF, NUL…) or a character above U+00FF`;
  }
  return undefined;
}
