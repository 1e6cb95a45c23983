/**
 * Delivers notifications by HTTP POST (NGSI-LD 7.2, subscriptions.md §8) through one undici
 * Agent: keep-alive connections pooled per origin, at most `connectionsPerOrigin` requests in
 * flight to one origin (more wait in that origin's queue, within their own timeout), so a
 * slow receiver cannot take every socket. Redirects are not followed; response bodies are
 * read up to a small limit and then dropped, so a hostile receiver cannot fill memory.
 * Connections to denied networks are refused when they are made (address-guard.ts).
 */
import { Agent, errors as undiciErrors } from 'undici';
import type {
  DeliveryOutcome,
  NotificationEndpoint,
  NotificationMessage,
  NotificationSender,
} from '../../context/ports/notification-sender.port.js';
import { headerProblem, redactCredentials } from '../../ngsi-ld/subscription/endpoint-rules.js';
import { createAddressGuard, DENIED_ADDRESS } from '../net/address-guard.js';
import { clampTimeout, refused, retryable } from './delivery-outcome.js';
import { buildNotificationHeaders } from './notification-headers.js';

export interface HttpNotificationSenderOptions {
  /** Requests in flight to one origin (scheme, host, port); default 16. */
  readonly connectionsPerOrigin?: number;
  /** Response bytes read (and discarded) before the connection is dropped; default 64 KiB. */
  readonly maxResponseBytes?: number;
  /** How long an idle keep-alive connection is kept; default 10 s. */
  readonly keepAliveMs?: number;
  /** CIDR blocks (`address/prefix`) never connected to; default none. */
  readonly deniedNetworks?: readonly string[];
}

const DEFAULT_CONNECTIONS_PER_ORIGIN = 16;
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

export function createHttpNotificationSender(
  options: HttpNotificationSenderOptions = {},
): NotificationSender {
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const guard = createAddressGuard(options.deniedNetworks ?? [], {
    setting: 'notificationDeniedNetworks',
    users: 'notifications',
  });
  const agent = new Agent({
    // Every connection's address is checked after DNS, when it is made.
    connect: { lookup: guard.lookup },
    connections: options.connectionsPerOrigin ?? DEFAULT_CONNECTIONS_PER_ORIGIN,
    keepAliveTimeout: options.keepAliveMs ?? 10_000,
    // The caller's AbortSignal bounds every request; these only stop undici's own defaults
    // (300 s) from mattering.
    headersTimeout: 0,
    bodyTimeout: 0,
  });

  async function send(
    endpoint: NotificationEndpoint,
    message: NotificationMessage,
    { timeoutMs }: { timeoutMs: number },
  ): Promise<DeliveryOutcome> {
    const problem = validate(endpoint);
    if (problem !== undefined) return refused(problem);
    const url = new URL(endpoint.uri);
    const built = buildNotificationHeaders(message, endpoint.receiverInfo);
    if ('problem' in built) return refused(built.problem);
    const headers = built.headers;
    if (url.username !== '' && headers['authorization'] === undefined) {
      headers['authorization'] = basicAuthorization(url);
    }

    const signal = AbortSignal.timeout(clampTimeout(timeoutMs));
    try {
      const response = await agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers,
        body: message.body,
        signal,
      });
      // Read what is cheap to read so that the connection can be reused; drop the rest.
      await response.body.dump({ limit: maxResponseBytes, signal }).catch(() => undefined);
      return outcomeOfStatus(response.statusCode);
    } catch (error) {
      if (signal.aborted) return retryable(`no answer within ${timeoutMs} ms`);
      return outcomeOfError(error);
    }
  }

  function validate(endpoint: NotificationEndpoint): string | undefined {
    const url = parseHttpUrl(endpoint.uri);
    if (url === undefined) return `${redactCredentials(endpoint.uri)} is not an http or https URL`;
    for (const { key, value } of endpoint.receiverInfo ?? []) {
      const problem = headerProblem(key, value);
      if (problem !== undefined) return `receiverInfo ${problem}`;
    }
    return guard.checkHost(url.hostname);
  }

  return {
    schemes: ['http', 'https'],
    validate,
    send,
    async close() {
      await agent.close().catch(() => agent.destroy());
    },
  };
}

/** 2xx is success (subscriptions.md §8); 429 and 5xx may pass; any other answer is a refusal. */
export function outcomeOfStatus(status: number): DeliveryOutcome {
  if (status >= 200 && status < 300) return { ok: true };
  if (status >= 300 && status < 400) {
    return refused(`the endpoint answered ${status} (redirects are not followed)`);
  }
  if (status === 429 || status >= 500) return retryable(`the endpoint answered ${status}`);
  return refused(`the endpoint answered ${status}`);
}

function outcomeOfError(error: unknown): DeliveryOutcome {
  if (error instanceof undiciErrors.InvalidArgumentError) {
    return refused(`the request could not be built: ${error.message}`);
  }
  const code = (error as { code?: unknown }).code;
  const text = redactCredentials(error instanceof Error ? error.message : String(error));
  if (code === DENIED_ADDRESS) return refused(text);
  // Refused or reset connections, DNS failures, TLS errors: the receiver may come back.
  return retryable(typeof code === 'string' ? `${code}: ${text}` : text);
}

function parseHttpUrl(uri: string): URL | undefined {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function basicAuthorization(url: URL): string {
  const credentials = `${decodeUserInfo(url.username)}:${decodeUserInfo(url.password)}`;
  return `Basic ${Buffer.from(credentials).toString('base64')}`;
}

function decodeUserInfo(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
