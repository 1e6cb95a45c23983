/**
 * Delivers notifications by HTTP POST (NGSI-LD 7.2, subscriptions.md §8) through one undici
 * Agent: keep-alive connections pooled per origin, at most `connectionsPerOrigin` requests in
 * flight to one origin (more wait in that origin's queue, within their own timeout), so a
 * slow receiver cannot take every socket. Redirects are not followed; response bodies are
 * read up to a small limit and then dropped, so a hostile receiver cannot fill memory.
 * Connections to denied networks are refused when they are made (address-guard.ts).
 *
 * Each request goes through undici's `dispatch` with a small handler and one plain timer,
 * not `request()` with an AbortSignal: a signal per request (and the response body stream)
 * cost about half the CPU of a notification, at tens of thousands a second.
 */
import { Agent, errors as undiciErrors, type Dispatcher } from 'undici';
import type {
  DeliveryOutcome,
  NotificationEndpoint,
  NotificationMessage,
  NotificationSender,
} from '../../context/ports/notification-sender.port.js';
import { headerProblem, redactCredentials } from '../../ngsi-ld/subscription/endpoint-rules.js';
import { createAddressGuard, DENIED_ADDRESS, type AddressGuard } from '../net/address-guard.js';
import { clampTimeout, refused, retryable } from './delivery-outcome.js';
import { buildNotificationHeaders } from './notification-headers.js';

export interface HttpNotificationSenderOptions {
  /** Requests in flight to one origin (scheme, host, port); default 64. */
  readonly connectionsPerOrigin?: number;
  /** Response bytes read (and discarded) before the connection is dropped; default 64 KiB. */
  readonly maxResponseBytes?: number;
  /** How long an idle keep-alive connection is kept; default 10 s. */
  readonly keepAliveMs?: number;
  /** CIDR blocks (`address/prefix`) never connected to; default none. */
  readonly deniedNetworks?: readonly string[];
}

const DEFAULT_CONNECTIONS_PER_ORIGIN = 64;
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
/** Endpoint URIs whose parsed form is kept; the cache starts over when full. */
const MAX_CACHED_TARGETS = 1_024;

/** Where an endpoint URI sends, parsed and checked once per URI. */
type Target =
  { origin: string; path: string; authorization: string | undefined } | { problem: string };

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
    // The timer of each send bounds it; these only stop undici's own defaults (300 s)
    // from mattering.
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  const targets = new Map<string, Target>();

  function targetOf(uri: string): Target {
    let target = targets.get(uri);
    if (target === undefined) {
      if (targets.size >= MAX_CACHED_TARGETS) targets.clear();
      target = parseTarget(uri, guard);
      targets.set(uri, target);
    }
    return target;
  }

  function send(
    endpoint: NotificationEndpoint,
    message: NotificationMessage,
    { timeoutMs }: { timeoutMs: number },
  ): Promise<DeliveryOutcome> {
    const target = targetOf(endpoint.uri);
    if ('problem' in target) return Promise.resolve(refused(target.problem));
    const built = buildNotificationHeaders(message, endpoint.receiverInfo);
    if ('problem' in built) return Promise.resolve(refused(built.problem));
    const headers = built.headers;
    if (target.authorization !== undefined && headers['authorization'] === undefined)
      headers['authorization'] = target.authorization;
    return post(
      { origin: target.origin, path: target.path, method: 'POST', headers, body: message.body },
      timeoutMs,
    );
  }

  /** One POST, settled by its answer, its failure or its timer, whichever comes first. */
  function post(request: Dispatcher.DispatchOptions, timeoutMs: number): Promise<DeliveryOutcome> {
    return new Promise((resolve) => {
      let controller: Dispatcher.DispatchController | undefined;
      let status = 0;
      let bytes = 0;
      let settled = false;
      const finish = (outcome: DeliveryOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      // Also covers the wait in the origin's queue: a request still queued when its time is
      // up is aborted when undici gets to it, before anything is written.
      const timer = setTimeout(() => {
        finish(retryable(`no answer within ${timeoutMs} ms`));
        controller?.abort(new undiciErrors.RequestAbortedError());
      }, clampTimeout(timeoutMs));
      const handler: Dispatcher.DispatchHandler = {
        onRequestStart(started) {
          controller = started;
          if (settled) started.abort(new undiciErrors.RequestAbortedError());
        },
        onResponseStart(_controller, statusCode) {
          status = statusCode;
        },
        onResponseData(current, chunk) {
          // Read what is cheap to read so that the connection can be reused; past the limit
          // the answer is known and the connection is dropped.
          bytes += chunk.length;
          if (bytes > maxResponseBytes) {
            finish(outcomeOfStatus(status));
            current.abort(new undiciErrors.ResponseExceededMaxSizeError());
          }
        },
        onResponseEnd() {
          finish(outcomeOfStatus(status));
        },
        onResponseError(_controller, error) {
          finish(outcomeOfError(error));
        },
      };
      try {
        agent.dispatch(request, handler);
      } catch (error) {
        finish(outcomeOfError(error));
      }
    });
  }

  function validate(endpoint: NotificationEndpoint): string | undefined {
    const target = parseTarget(endpoint.uri, guard);
    if ('problem' in target) return target.problem;
    for (const { key, value } of endpoint.receiverInfo ?? []) {
      const problem = headerProblem(key, value);
      if (problem !== undefined) return `receiverInfo ${problem}`;
    }
    return undefined;
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

function parseTarget(uri: string, guard: AddressGuard): Target {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { problem: `${redactCredentials(uri)} is not an http or https URL` };
  const problem = guard.checkHost(url.hostname);
  if (problem !== undefined) return { problem };
  return {
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    authorization: url.username === '' ? undefined : basicAuthorization(url),
  };
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
