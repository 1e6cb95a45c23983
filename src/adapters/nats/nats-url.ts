/**
 * Reads `CIVIS_BUS_URL`: one or more comma-separated `nats://` (or `tls://`) URLs, the
 * credentials (if any) in the userinfo of one of them. The client gets the servers without
 * credentials, so that they never appear in its errors or our logs. (The NATS client gives
 * `tls://` no meaning of its own, so it becomes its `tls` option.)
 */
export interface NatsEndpoint {
  /** `host:port` of each server, without credentials (port 4222 when not given). */
  servers: string[];
  /** Some URL said `tls://`: the client then requires TLS. */
  tls: boolean;
  user?: string;
  pass?: string;
  /** A userinfo without password is a token (`nats://s3cr3t@host:4222`). */
  token?: string;
}

const SCHEMES = new Set(['nats:', 'tls:']);

export function parseNatsUrl(text: string): NatsEndpoint {
  const parts = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  if (parts.length === 0) throw new Error('bus URL is empty');
  const endpoint: NatsEndpoint = { servers: [], tls: false };
  for (const part of parts) {
    let url: URL;
    try {
      url = new URL(part);
    } catch {
      throw new Error(`bus URL is not a URL: ${redactUrl(part)}`);
    }
    if (!SCHEMES.has(url.protocol) || url.hostname === '')
      throw new Error(`bus URL must be nats://host:port or tls://host:port: ${redactUrl(part)}`);
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    if (user !== '' && pass !== '') Object.assign(endpoint, { user, pass });
    else if (user !== '') endpoint.token = user;
    if (url.protocol === 'tls:') endpoint.tls = true;
    endpoint.servers.push(url.host);
  }
  return endpoint;
}

/** The URL with any userinfo replaced, for messages and logs. */
export function redactUrl(text: string): string {
  return text.replace(/\/\/[^@/]*@/g, '//[redacted]@');
}
