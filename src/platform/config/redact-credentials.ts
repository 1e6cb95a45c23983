/**
 * Hides the credentials of URLs in text that leaves the process (configuration errors,
 * start-up failures): `postgres://civis:secret@db/civis` → `postgres://civis:***@db/civis`.
 * A user without a password is hidden too: for NATS it is a token (`nats://token@host`).
 */

/**
 * `scheme://userinfo@`. The userinfo runs to the last `@` before `/`, `?`, `#`, a quote or
 * the end of the line, spaces included: a password that breaks the URL rules (`@`, a
 * space) is still hidden, at the price of hiding a little more of a garbled value.
 */
const USERINFO = /([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#"\n]*)@/g;

export function redactUrlCredentials(text: string): string {
  return text.replace(USERINFO, (_match, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return colon < 0 ? `${scheme}***@` : `${scheme}${userinfo.slice(0, colon)}:***@`;
  });
}
