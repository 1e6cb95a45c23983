/**
 * Downloads remote @context documents with a timeout, a size limit and a redirect limit, so
 * that a slow or hostile context server yields a clear LdContextNotAvailable, never a hang
 * (DESIGN.md "JSON-LD without the cost", NGSI-LD 5.5.7, contexts.md §1).
 *
 * A client names the URL, so the download could reach what only the server can reach
 * (cloud metadata, the host itself): every connection, redirects included, is checked
 * against `deniedNetworks` when it is made, after DNS (adapters/net/address-guard.ts). A
 * refused address is an LdContextNotAvailable, as any context the broker cannot obtain.
 */
import { Agent, fetch, type Response } from 'undici';
import type { ContextDocumentLoader } from '../../context/ports/context-document-loader.port.js';
import {
  badRequestData,
  isProblemDetails,
  ldContextNotAvailable,
} from '../../ngsi-ld/problem-details.js';
import { createAddressGuard, DENIED_ADDRESS, type AddressGuard } from '../net/address-guard.js';

export interface HttpContextDocumentLoaderOptions {
  /** Whole download, redirects and body included. */
  readonly timeoutMs: number;
  readonly maxBytes: number;
  /** CIDR blocks no download may connect to (setting `contextDeniedNetworks`); default none. */
  readonly deniedNetworks?: readonly string[];
}

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export function createHttpContextDocumentLoader(
  options: HttpContextDocumentLoaderOptions,
): ContextDocumentLoader {
  const guard = createAddressGuard(options.deniedNetworks ?? [], {
    setting: 'contextDeniedNetworks',
    users: '@context downloads',
  });
  const agent = new Agent({ connect: { lookup: guard.lookup } });
  return {
    async load(url: string): Promise<unknown> {
      const first = parseHttpUrl(url);
      if (first === undefined) {
        throw badRequestData(`@context ${url} is not an absolute http or https URL`);
      }
      const signal = AbortSignal.timeout(options.timeoutMs);
      try {
        const response = await fetchFollowingRedirects(first, url, { signal, guard, agent });
        const text = await readBody(response, url, options.maxBytes);
        return parseJson(text, url);
      } catch (error) {
        if (isProblemDetails(error)) throw error;
        if (signal.aborted) {
          throw ldContextNotAvailable(
            `@context ${url} did not arrive within ${options.timeoutMs} ms`,
          );
        }
        const cause = (error as Error).cause as NodeJS.ErrnoException | undefined;
        if (cause?.code === DENIED_ADDRESS) {
          throw ldContextNotAvailable(`@context ${url} refused: ${cause.message}`);
        }
        throw ldContextNotAvailable(`@context ${url} could not be fetched: ${describe(error)}`);
      }
    },
  };
}

function parseHttpUrl(url: string, base?: URL): URL | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url, base);
  } catch {
    return undefined;
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed : undefined;
}

interface Connection {
  readonly signal: AbortSignal;
  readonly guard: AddressGuard;
  readonly agent: Agent;
}

/** Each hop is a new request, so a redirect to a denied address is refused like the first URL. */
async function fetchFollowingRedirects(
  start: URL,
  original: string,
  { signal, guard, agent }: Connection,
): Promise<Response> {
  let target = start;
  for (let redirects = 0; ; redirects++) {
    // IP literals skip the lookup: they are checked here.
    const denied = guard.checkHost(target.hostname);
    if (denied !== undefined) {
      throw ldContextNotAvailable(`@context ${original} refused: ${denied}`);
    }
    const response = await fetch(target, {
      headers: { accept: 'application/ld+json, application/json' },
      redirect: 'manual',
      signal,
      dispatcher: agent,
    });
    if (!REDIRECT_STATUSES.has(response.status)) {
      if (response.ok) return response;
      await response.body?.cancel();
      throw ldContextNotAvailable(`@context ${original}: the server answered ${response.status}`);
    }
    await response.body?.cancel();
    const location = response.headers.get('location');
    const next = location === null ? undefined : parseHttpUrl(location, target);
    if (next === undefined) {
      throw ldContextNotAvailable(
        `@context ${original}: redirect without a valid http(s) Location`,
      );
    }
    if (redirects + 1 > MAX_REDIRECTS) {
      throw ldContextNotAvailable(`@context ${original}: more than ${MAX_REDIRECTS} redirects`);
    }
    target = next;
  }
}

/** Streams the body, counting bytes, so an oversized document is cut off, not buffered. */
async function readBody(response: Response, url: string, maxBytes: number): Promise<string> {
  const tooLarge = () =>
    ldContextNotAvailable(`@context ${url} is larger than the limit of ${maxBytes} bytes`);
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string, url: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw ldContextNotAvailable(`@context ${url} is not a JSON document`);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
