/**
 * Resolves request @contexts into compiled JsonLdContexts (NGSI-LD 5.5.7, contexts.md §1–§4)
 * and runs the /jsonldContexts operations (NGSI-LD 5.13, contexts.md §6).
 *
 * Compiled contexts are cached in an LRU keyed by the context URL or the context's JSON
 * text; downloaded documents are kept in the store as `Cached` entries, so a remote context
 * is fetched once per broker, not once per request (DESIGN.md "JSON-LD without the cost").
 */
import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { CORE_CONTEXT_URL, isCoreContextUrl } from '../ngsi-ld/context/core-context.js';
import type { JsonLdContext } from '../ngsi-ld/context/json-ld-context.js';
import {
  CORE_JSON_LD_CONTEXT,
  createJsonLdContext,
} from '../ngsi-ld/context/json-ld-context-impl.js';
import { isRecord } from '../ngsi-ld/context/local-context.js';
import { compileContext, type ResolvedContextPart } from '../ngsi-ld/context/term-map.js';
import {
  badRequestData,
  operationNotSupported,
  resourceNotFound,
} from '../ngsi-ld/problem-details.js';
import {
  absoluteHttpUrl,
  cachedIdOf,
  contextMember,
  implicitIdOf,
  isHttpUrl,
  userEntries,
  type UserEntry,
} from './json-ld-context-references.js';
import type { ContextDocumentLoader } from './ports/context-document-loader.port.js';
import type {
  JsonLdContextKind,
  JsonLdContextStore,
  StoredJsonLdContext,
} from './ports/json-ld-context-store.port.js';

/** Remote contexts may include remote contexts this many levels deep. */
const MAX_REMOTE_DEPTH = 8;
const SERVED_PATH = '/ngsi-ld/v1/jsonldContexts/';
const SERVED_PATH_PATTERN = /\/ngsi-ld\/v1\/jsonldContexts\/([^/]+)$/;

export interface JsonLdContextServiceDeps {
  loader: ContextDocumentLoader;
  store: JsonLdContextStore;
  clock: () => Date;
  maxCacheEntries: number;
  /** How long a compiled context is reused before the store is consulted again. */
  cacheTtlMs: number;
  /** Where this broker is reachable, e.g. `https://civis.example.org`: minted @context URLs. */
  publicBaseUrl: string;
  log?: Pick<Logger, 'debug' | 'warn'>;
}

/** One entry of `GET /jsonldContexts?details=true` (NGSI-LD 5.13.3). */
export interface JsonLdContextDetails {
  URL: string;
  localId: string;
  kind: JsonLdContextKind;
  createdAt: string;
}

export interface JsonLdContextService {
  /**
   * The effective context of a request: `raw` is the Link header URL, the body `@context`
   * value, or undefined for none (core context only, no I/O).
   */
  resolve(raw: unknown): Promise<JsonLdContext>;
  /** POST /jsonldContexts (NGSI-LD 5.13.2). */
  addHosted(body: unknown): Promise<StoredJsonLdContext>;
  /** GET /jsonldContexts (NGSI-LD 5.13.3): URLs, or detail objects. */
  list(options?: {
    details?: boolean;
    kind?: JsonLdContextKind;
  }): Promise<string[] | JsonLdContextDetails[]>;
  /** GET /jsonldContexts/{contextId} (NGSI-LD 5.13.4): `{"@context": …}` or details. */
  get(
    id: string,
    options?: { details?: boolean },
  ): Promise<JsonLdContextDetails | { '@context': unknown }>;
  /** DELETE /jsonldContexts/{contextId} (NGSI-LD 5.13.5), or re-download a Cached one. */
  remove(id: string, options?: { reload?: boolean }): Promise<void>;
}

export function createJsonLdContextService(deps: JsonLdContextServiceDeps): JsonLdContextService {
  const { loader, store, clock, log } = deps;
  const baseUrl = deps.publicBaseUrl.replace(/\/+$/, '');
  const compiled = new LRUCache<string, JsonLdContext>({
    max: deps.maxCacheEntries,
    ttl: deps.cacheTtlMs,
    perf: { now: () => clock().getTime() },
  });
  const resolutions = new Map<string, Promise<JsonLdContext>>();
  const documentLoads = new Map<string, Promise<unknown>>();

  const now = () => clock().toISOString();
  const servedUrl = (id: string) => `${baseUrl}${SERVED_PATH}${encodeURIComponent(id)}`;

  async function build(entries: UserEntry[], single: string | undefined, key: string) {
    const parts = await resolveValue(entries, []);
    const terms = compileContext(parts);
    const linkUrl = single ?? (await mintImplicit(entries, key));
    const context = createJsonLdContext(terms, {
      bodyContext: [...entries, CORE_CONTEXT_URL],
      linkUrl,
    });
    compiled.set(key, context);
    return context;
  }

  /** An inline or array context needs a URL for the Link header (contexts.md §4). */
  async function mintImplicit(entries: UserEntry[], key: string): Promise<string> {
    const id = implicitIdOf(key);
    if ((await store.getContext(id)) === undefined) {
      const context = entries.length === 1 ? entries[0] : entries;
      await store.putContext({ id, kind: 'ImplicitlyCreated', context, createdAt: now() });
    }
    return servedUrl(id);
  }

  async function resolveValue(
    value: unknown,
    chain: readonly string[],
  ): Promise<ResolvedContextPart[]> {
    const elements: unknown[] = Array.isArray(value) ? value : [value];
    return Promise.all(elements.map((element) => resolveElement(element, chain)));
  }

  async function resolveElement(
    element: unknown,
    chain: readonly string[],
  ): Promise<ResolvedContextPart> {
    if (element === null || isRecord(element)) return element;
    if (typeof element !== 'string') {
      throw badRequestData(`@context: ${JSON.stringify(element)} is not a URL, an object or null`);
    }
    if (isCoreContextUrl(element)) return [];
    // A reference inside a remote document is relative to that document (JSON-LD 1.1 §4.1).
    const url = absoluteHttpUrl(element, chain.at(-1));
    if (chain.includes(url)) {
      throw badRequestData(`@context: recursive inclusion ${[...chain, url].join(' → ')}`);
    }
    if (chain.length >= MAX_REMOTE_DEPTH) {
      throw badRequestData(
        `@context: remote contexts nest deeper than ${MAX_REMOTE_DEPTH} at ${url}`,
      );
    }
    return resolveValue(await loadContextValue(url), [...chain, url]);
  }

  /** The `@context` value a URL names; concurrent requests for one URL share one load. */
  function loadContextValue(url: string): Promise<unknown> {
    let pending = documentLoads.get(url);
    if (pending === undefined) {
      pending = loadStoredOrRemote(url).finally(() => documentLoads.delete(url));
      documentLoads.set(url, pending);
    }
    return pending;
  }

  async function loadStoredOrRemote(url: string): Promise<unknown> {
    const served = await findServedByUrl(url);
    if (served !== undefined) return served.context;
    const id = cachedIdOf(url);
    const cached = await store.getContext(id);
    if (cached?.kind === 'Cached') return cached.context;
    log?.debug({ url }, 'downloading @context');
    const context = contextMember(await loader.load(url), url);
    try {
      await store.putContext({ id, kind: 'Cached', url, context, createdAt: now() });
    } catch (error) {
      log?.warn({ err: error, url }, 'could not record a downloaded @context; using it anyway');
    }
    return context;
  }

  /** A context hosted on this broker is read from the store, not over HTTP. */
  async function findServedByUrl(url: string): Promise<StoredJsonLdContext | undefined> {
    const encodedId = SERVED_PATH_PATTERN.exec(new URL(url).pathname)?.[1];
    if (encodedId === undefined) return undefined;
    let id: string;
    try {
      id = decodeURIComponent(encodedId);
    } catch {
      return undefined;
    }
    const entry = await store.getContext(id);
    return entry !== undefined && entry.kind !== 'Cached' ? entry : undefined;
  }

  /** By local id; a Cached entry also by its original URL (contexts.md §6). */
  async function find(id: string): Promise<StoredJsonLdContext> {
    const entry =
      (await store.getContext(id)) ??
      (isHttpUrl(id) ? await store.getContext(cachedIdOf(id)) : undefined);
    if (entry === undefined) throw resourceNotFound(`@context ${id} does not exist`);
    return entry;
  }

  function detailsOf(entry: StoredJsonLdContext): JsonLdContextDetails {
    return { URL: urlOf(entry), localId: entry.id, kind: entry.kind, createdAt: entry.createdAt };
  }

  function urlOf(entry: StoredJsonLdContext): string {
    return entry.kind === 'Cached' && entry.url !== undefined ? entry.url : servedUrl(entry.id);
  }

  return {
    async resolve(raw) {
      if (raw === undefined) return CORE_JSON_LD_CONTEXT;
      const entries = userEntries(raw);
      if (entries.length === 0) return CORE_JSON_LD_CONTEXT;
      const first = entries[0];
      const single = entries.length === 1 && typeof first === 'string' ? first : undefined;
      const key = single ?? JSON.stringify(entries);
      const cached = compiled.get(key);
      if (cached !== undefined) return cached;
      let pending = resolutions.get(key);
      if (pending === undefined) {
        pending = build(entries, single, key).finally(() => resolutions.delete(key));
        resolutions.set(key, pending);
      }
      return pending;
    },

    async addHosted(body) {
      if (!isRecord(body) || body['@context'] === undefined) {
        throw badRequestData('The body must be a JSON object with an "@context" member');
      }
      // Anything besides @context is discarded (NGSI-LD 5.13.2).
      const context = body['@context'];
      compileContext([await resolveValue(context, [])]);
      const entry: StoredJsonLdContext = {
        id: randomUUID(),
        kind: 'Hosted',
        context,
        createdAt: now(),
      };
      await store.putContext(entry);
      return entry;
    },

    async list({ details = false, kind } = {}) {
      const entries = (await store.listContexts()).filter(
        (e) => kind === undefined || e.kind === kind,
      );
      return details ? entries.map(detailsOf) : entries.map(urlOf);
    },

    async get(id, { details = false } = {}) {
      const entry = await find(id);
      if (details) return detailsOf(entry);
      if (entry.kind === 'Cached') {
        throw operationNotSupported(
          `@context ${id} is a cached copy of ${entry.url ?? 'a remote context'}; only its details are served`,
        );
      }
      return { '@context': entry.context };
    },

    async remove(id, { reload = false } = {}) {
      const entry = await find(id);
      if (reload) {
        if (entry.kind !== 'Cached' || entry.url === undefined) {
          throw badRequestData(
            `reload=true applies only to Cached @contexts; ${id} is ${entry.kind}`,
          );
        }
        // A failed download throws LdContextNotAvailable and leaves the entry as it was.
        const context = contextMember(await loader.load(entry.url), entry.url);
        await store.putContext({ ...entry, context, createdAt: now() });
      } else {
        await store.deleteContext(entry.id);
      }
      compiled.clear();
    },
  };
}
