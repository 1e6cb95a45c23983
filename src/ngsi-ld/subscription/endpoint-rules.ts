/**
 * Rules on notification endpoints that the subscription parser (400 at create and update)
 * and the senders (at delivery) share, so that an endpoint accepted is not refused later:
 * a receiverInfo entry must be a valid HTTP header, and credentials in endpoint URIs never
 * reach a log line or a failure reason.
 */

/** RFC 9110 §5.6.2 token. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** RFC 9110 §5.5 field value: visible ASCII, obs-text, space and tab; no CR, LF, NUL. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/**
 * Headers that frame or route a request: a subscription may not set them (a second
 * Content-Length or a Transfer-Encoding would desynchronise the connection).
 */
const FRAMING_HEADERS = new Set([
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

/**
 * Why `name: value` cannot be sent as a header of a notification, or undefined. A CR/LF in
 * a value would let a subscription inject headers or whole requests (header injection).
 */
export function headerProblem(name: string, value: string): string | undefined {
  if (!TOKEN.test(name)) return `${JSON.stringify(name)} is not a valid HTTP header name`;
  if (FRAMING_HEADERS.has(name.toLowerCase())) return `${name} may not be set by a subscription`;
  if (!FIELD_VALUE.test(value))
    return `${name}: the value holds a control character (CR, LF, NUL…) or a character above U+00FF`;
  return undefined;
}

/** `scheme://user:password@` — the password runs to the last '@' before the path. */
const USER_PASSWORD = /([A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/?#@:]*):[^\s/?#]*@/g;

/**
 * `text` with the password of every `scheme://user:password@host` URI in it replaced by
 * `***`, for log lines and failure reasons (the user name stays: it tells which account).
 */
export function redactCredentials(text: string): string {
  return text.replace(USER_PASSWORD, '$1:***@');
}
