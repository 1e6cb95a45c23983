import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CORE_CONTEXT_URL, DEFAULT_VOCAB } from '../ngsi-ld/context/core-context.js';
import { CORE_JSON_LD_CONTEXT } from '../ngsi-ld/context/json-ld-context-impl.js';
import { isProblemDetails, ldContextNotAvailable } from '../ngsi-ld/problem-details.js';
import { createInMemoryJsonLdContextStore } from './in-memory-json-ld-context-store.js';
import {
  createJsonLdContextService,
  type JsonLdContextDetails,
  type JsonLdContextService,
} from './json-ld-context.service.js';
import type { ContextDocumentLoader } from './ports/context-document-loader.port.js';
import type { JsonLdContextStore } from './ports/json-ld-context-store.port.js';

const BASE = 'https://civis.example.org';
const EX = 'https://example.org/';
const VEHICLE_URL = 'https://contexts.example.org/vehicle.jsonld';
const VEHICLE_DOC = { '@context': { ex: EX, Vehicle: 'ex:Vehicle', speed: 'ex:speed' } };

/** A loader serving `documents`, recording every call; unknown URLs are unreachable. */
function fakeLoader(documents: Record<string, unknown>, gate?: Promise<void>) {
  const calls: string[] = [];
  const loader: ContextDocumentLoader = {
    async load(url) {
      calls.push(url);
      await gate;
      const document = documents[url];
      if (document === undefined)
        throw ldContextNotAvailable(`@context ${url}: connection refused`);
      return structuredClone(document);
    },
  };
  return { calls, loader, documents };
}

function setUp(
  documents: Record<string, unknown> = { [VEHICLE_URL]: VEHICLE_DOC },
  options: { gate?: Promise<void>; store?: JsonLdContextStore } = {},
) {
  const fake = fakeLoader(documents, options.gate);
  const store = options.store ?? createInMemoryJsonLdContextStore();
  const service = createJsonLdContextService({
    loader: fake.loader,
    store,
    clock: () => new Date('2025-01-01T00:00:00Z'),
    maxCacheEntries: 10,
    cacheTtlMs: 60_000,
    publicBaseUrl: `${BASE}/`,
  });
  return { ...fake, store, service };
}

function hasError(status: number, name: string) {
  return (error: unknown): boolean =>
    isProblemDetails(error) && error.status === status && error.type.endsWith(`/${name}`);
}

async function urls(service: JsonLdContextService, kind?: JsonLdContextDetails['kind']) {
  return (await service.list({ kind })) as string[];
}

async function details(service: JsonLdContextService, kind?: JsonLdContextDetails['kind']) {
  return (await service.list({ details: true, kind })) as JsonLdContextDetails[];
}

describe('JsonLdContextService.resolve', () => {
  it('resolve returns the core-only context without I/O when there is no user context', async () => {
    const { service, calls, store } = setUp();
    assert.equal(await service.resolve(undefined), CORE_JSON_LD_CONTEXT);
    assert.equal(await service.resolve(null), CORE_JSON_LD_CONTEXT);
    assert.deepEqual(calls, []);
    assert.deepEqual(await store.listContexts(), []);
  });

  it('resolve never fetches core context URLs of any version (contexts.md §1)', async () => {
    const { service, calls } = setUp();
    const core18 = 'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld';
    assert.equal(await service.resolve(CORE_CONTEXT_URL), CORE_JSON_LD_CONTEXT);
    assert.equal(await service.resolve([core18, CORE_CONTEXT_URL]), CORE_JSON_LD_CONTEXT);
    const context = await service.resolve([core18, VEHICLE_URL]);
    assert.deepEqual(calls, [VEHICLE_URL]);
    assert.equal(context.linkUrl, VEHICLE_URL);
    assert.deepEqual(context.bodyContext, [VEHICLE_URL, CORE_CONTEXT_URL]);
  });

  it('resolve expands and compacts with a linked context, the core appended (contexts.md §4)', async () => {
    const { service } = setUp();
    const context = await service.resolve(VEHICLE_URL);
    assert.equal(context.expandTerm('Vehicle'), `${EX}Vehicle`);
    assert.equal(context.expandTerm('location'), 'https://uri.etsi.org/ngsi-ld/location');
    assert.equal(context.expandTerm('brand'), `${DEFAULT_VOCAB}brand`);
    assert.equal(context.compactIri(`${EX}speed`), 'speed');
    assert.equal(context.linkUrl, VEHICLE_URL);
    assert.deepEqual(context.bodyContext, [VEHICLE_URL, CORE_CONTEXT_URL]);
  });

  it('resolve fetches a remote context once and then serves it from the cache', async () => {
    const { service, calls } = setUp();
    const first = await service.resolve(VEHICLE_URL);
    assert.equal(await service.resolve(VEHICLE_URL), first);
    assert.deepEqual(calls, [VEHICLE_URL]);
  });

  it('resolve shares one fetch between concurrent resolutions of one URL', async () => {
    let open = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    const { service, calls } = setUp(undefined, { gate });
    const pending = [
      service.resolve(VEHICLE_URL),
      service.resolve(VEHICLE_URL),
      service.resolve([VEHICLE_URL, { colour: `${EX}colour` }]),
    ];
    open();
    const [a, b, c] = await Promise.all(pending);
    assert.deepEqual(calls, [VEHICLE_URL]);
    assert.equal(a, b);
    assert.equal(c?.expandTerm('speed'), `${EX}speed`);
  });

  it('resolve records downloads as Cached entries another instance reuses (contexts.md §6)', async () => {
    const first = setUp();
    await first.service.resolve(VEHICLE_URL);
    assert.deepEqual(await first.service.list({ kind: 'Cached' }), [VEHICLE_URL]);
    const second = setUp(undefined, { store: first.store });
    const context = await second.service.resolve(VEHICLE_URL);
    assert.equal(context.expandTerm('speed'), `${EX}speed`);
    assert.deepEqual(second.calls, []);
  });

  it('resolve fails with LdContextNotAvailable (504) when a context is unreachable (contexts.md §1)', async () => {
    const { service } = setUp();
    await assert.rejects(
      service.resolve('https://down.example.org/ctx.jsonld'),
      hasError(504, 'LdContextNotAvailable'),
    );
  });

  it('resolve fails with LdContextNotAvailable when the document has no @context root', async () => {
    const { service } = setUp({ [`${EX}a`]: { Vehicle: `${EX}Vehicle` }, [`${EX}b`]: [1, 2] });
    await assert.rejects(service.resolve(`${EX}a`), hasError(504, 'LdContextNotAvailable'));
    await assert.rejects(service.resolve(`${EX}b`), hasError(504, 'LdContextNotAvailable'));
  });

  it('resolve does not cache failures', async () => {
    const { service, documents, calls } = setUp({});
    await assert.rejects(service.resolve(VEHICLE_URL), hasError(504, 'LdContextNotAvailable'));
    documents[VEHICLE_URL] = VEHICLE_DOC;
    assert.equal((await service.resolve(VEHICLE_URL)).expandTerm('speed'), `${EX}speed`);
    assert.equal(calls.length, 2);
  });

  it('resolve rejects invalid contexts with BadRequestData (contexts.md §1)', async () => {
    const scoped = { '@context': { address: { '@id': `${EX}a`, '@context': {} } } };
    const { service } = setUp({ [`${EX}scoped`]: scoped });
    await assert.rejects(service.resolve(`${EX}scoped`), hasError(400, 'BadRequestData'));
    for (const raw of [42, [true], [[VEHICLE_URL]], { speed: 7 }, 'relative.jsonld', 'ftp://x/c']) {
      await assert.rejects(
        service.resolve(raw),
        hasError(400, 'BadRequestData'),
        JSON.stringify(raw),
      );
    }
  });

  it('resolve resolves remote contexts that include other ones, relative to the includer', async () => {
    const { service, calls } = setUp({
      [`${EX}ctx/main.jsonld`]: { '@context': ['common.jsonld', { Vehicle: 'ex:Vehicle' }] },
      [`${EX}ctx/common.jsonld`]: { '@context': { ex: EX, speed: 'ex:speed' } },
    });
    const context = await service.resolve(`${EX}ctx/main.jsonld`);
    assert.equal(context.expandTerm('Vehicle'), `${EX}Vehicle`);
    assert.equal(context.expandTerm('speed'), `${EX}speed`);
    assert.deepEqual(calls, [`${EX}ctx/main.jsonld`, `${EX}ctx/common.jsonld`]);
  });

  it('resolve rejects a remote context that includes itself with BadRequestData', async () => {
    const { service } = setUp({
      [`${EX}a`]: { '@context': `${EX}b` },
      [`${EX}b`]: { '@context': [`${EX}a`] },
    });
    await assert.rejects(service.resolve(`${EX}a`), hasError(400, 'BadRequestData'));
  });

  it('resolve follows 8 levels of remote inclusion and rejects a 9th', async () => {
    const chain: Record<string, unknown> = {};
    for (let i = 1; i <= 9; i++) {
      chain[`${EX}${i}`] = { '@context': i === 9 ? { deep: `${EX}deep` } : `${EX}${i + 1}` };
    }
    const { service } = setUp(chain);
    assert.equal((await service.resolve(`${EX}2`)).expandTerm('deep'), `${EX}deep`);
    await assert.rejects(service.resolve(`${EX}1`), hasError(400, 'BadRequestData'));
  });

  it('resolve mints one ImplicitlyCreated @context per distinct inline context (contexts.md §4)', async () => {
    const inline = { ex: EX, Vehicle: 'ex:Vehicle' };
    const first = setUp();
    const context = await first.service.resolve(inline);
    assert.deepEqual(context.bodyContext, [inline, CORE_CONTEXT_URL]);
    assert.match(
      context.linkUrl,
      /^https:\/\/civis\.example\.org\/ngsi-ld\/v1\/jsonldContexts\/[0-9a-f-]{36}$/,
    );
    const minted = await details(first.service, 'ImplicitlyCreated');
    assert.deepEqual(
      minted.map((d) => d.URL),
      [context.linkUrl],
    );
    const id = minted[0]?.localId ?? '';
    assert.deepEqual(await first.service.get(id), { '@context': inline });

    const again = setUp(undefined, { store: first.store });
    assert.equal((await again.service.resolve({ ...inline })).linkUrl, context.linkUrl);
    assert.equal((await first.store.listContexts()).length, 1);
  });

  it('resolve mints a URL for an array context and links a single URL directly', async () => {
    const { service, calls } = setUp();
    const array = await service.resolve([VEHICLE_URL, { colour: `${EX}colour` }, CORE_CONTEXT_URL]);
    assert.deepEqual(array.bodyContext, [VEHICLE_URL, { colour: `${EX}colour` }, CORE_CONTEXT_URL]);
    assert.ok(array.linkUrl.startsWith(`${BASE}/ngsi-ld/v1/jsonldContexts/`));
    assert.equal((await service.resolve([VEHICLE_URL, CORE_CONTEXT_URL])).linkUrl, VEHICLE_URL);
    assert.deepEqual(calls, [VEHICLE_URL]);
  });

  it('resolve reads contexts hosted on this broker from the store, not over HTTP', async () => {
    const { service, calls } = setUp({});
    const minted = await service.resolve({ ex: EX, Vehicle: 'ex:Vehicle' });
    const hosted = await service.addHosted({ '@context': { ex: EX, speed: 'ex:speed' } });
    const viaMinted = await service.resolve(minted.linkUrl);
    const viaHosted = await service.resolve(
      `http://other-host:1026/ngsi-ld/v1/jsonldContexts/${hosted.id}`,
    );
    assert.equal(viaMinted.expandTerm('Vehicle'), `${EX}Vehicle`);
    assert.equal(viaMinted.linkUrl, minted.linkUrl);
    assert.equal(viaHosted.expandTerm('speed'), `${EX}speed`);
    assert.deepEqual(calls, []);
  });

  it('resolve drops everything before a null in a context array (JSON-LD 1.1 4.1)', async () => {
    const { service, calls } = setUp();
    const context = await service.resolve([VEHICLE_URL, null, { colour: `${EX}colour` }]);
    assert.deepEqual(calls, []);
    assert.equal(context.expandTerm('speed'), `${DEFAULT_VOCAB}speed`);
    assert.deepEqual(context.bodyContext, [{ colour: `${EX}colour` }, CORE_CONTEXT_URL]);
  });
});

describe('JsonLdContextService /jsonldContexts operations', () => {
  it('addHosted stores a Hosted @context and get serves it (NGSI-LD 5.13.2, 5.13.4)', async () => {
    const { service } = setUp();
    const stored = await service.addHosted({ '@context': { speed: `${EX}speed` }, other: 1 });
    assert.equal(stored.kind, 'Hosted');
    assert.equal(stored.createdAt, '2025-01-01T00:00:00.000Z');
    assert.deepEqual(await service.get(stored.id), { '@context': { speed: `${EX}speed` } });
    assert.deepEqual(await service.get(stored.id, { details: true }), {
      URL: `${BASE}/ngsi-ld/v1/jsonldContexts/${stored.id}`,
      localId: stored.id,
      kind: 'Hosted',
      createdAt: '2025-01-01T00:00:00.000Z',
    });
  });

  it('addHosted rejects bodies without an @context root or with an invalid context', async () => {
    const { service } = setUp();
    const scoped = { a: { '@id': `${EX}a`, '@context': {} } };
    for (const body of [null, [], 'x', { Vehicle: `${EX}Vehicle` }, { '@context': scoped }]) {
      await assert.rejects(
        service.addHosted(body),
        hasError(400, 'BadRequestData'),
        JSON.stringify(body),
      );
    }
    assert.deepEqual(await service.list(), []);
  });

  it('list returns URLs by default and details on request, filtered by kind (NGSI-LD 5.13.3)', async () => {
    const { service } = setUp();
    await service.resolve(VEHICLE_URL);
    const hosted = await service.addHosted({ '@context': {} });
    const hostedUrl = `${BASE}/ngsi-ld/v1/jsonldContexts/${hosted.id}`;
    assert.deepEqual(new Set(await urls(service)), new Set([VEHICLE_URL, hostedUrl]));
    assert.deepEqual(await service.list({ kind: 'Hosted' }), [hostedUrl]);
    const cached = await details(service, 'Cached');
    assert.equal(cached.length, 1);
    assert.equal(cached[0]?.URL, VEHICLE_URL);
    assert.equal(cached[0]?.kind, 'Cached');
  });

  it('get refuses the content of a Cached @context with OperationNotSupported (contexts.md §6)', async () => {
    const { service } = setUp();
    await service.resolve(VEHICLE_URL);
    const [entry] = await details(service, 'Cached');
    await assert.rejects(service.get(entry?.localId ?? ''), hasError(422, 'OperationNotSupported'));
    assert.deepEqual(await service.get(VEHICLE_URL, { details: true }), entry);
  });

  it('get and remove fail with ResourceNotFound for unknown ids', async () => {
    const { service } = setUp();
    await assert.rejects(service.get('nope'), hasError(404, 'ResourceNotFound'));
    await assert.rejects(service.remove('nope'), hasError(404, 'ResourceNotFound'));
    await assert.rejects(service.get(`${EX}never-cached`), hasError(404, 'ResourceNotFound'));
  });

  it('remove deletes an entry, and a hosted URL stops resolving locally (NGSI-LD 5.13.5)', async () => {
    const { service, calls } = setUp();
    const hosted = await service.addHosted({ '@context': { speed: `${EX}speed` } });
    const url = `${BASE}/ngsi-ld/v1/jsonldContexts/${hosted.id}`;
    await service.resolve(url);
    await service.remove(hosted.id);
    await assert.rejects(service.get(hosted.id), hasError(404, 'ResourceNotFound'));
    await assert.rejects(service.resolve(url), hasError(504, 'LdContextNotAvailable'));
    assert.deepEqual(calls, [url]);
  });

  it('remove rejects reload=true on a non-Cached @context with BadRequestData', async () => {
    const { service } = setUp();
    const hosted = await service.addHosted({ '@context': {} });
    await assert.rejects(
      service.remove(hosted.id, { reload: true }),
      hasError(400, 'BadRequestData'),
    );
    assert.equal((await service.list()).length, 1);
  });

  it('remove with reload=true re-downloads a Cached @context and later requests use it', async () => {
    const { service, documents, calls } = setUp();
    assert.equal((await service.resolve(VEHICLE_URL)).expandTerm('speed'), `${EX}speed`);
    documents[VEHICLE_URL] = { '@context': { speed: `${EX}velocity` } };
    await service.remove(VEHICLE_URL, { reload: true });
    assert.equal((await service.resolve(VEHICLE_URL)).expandTerm('speed'), `${EX}velocity`);
    assert.deepEqual(calls, [VEHICLE_URL, VEHICLE_URL]);
  });

  it('remove with reload=true keeps the entry when the download fails (contexts.md §6)', async () => {
    const { service, documents } = setUp();
    await service.resolve(VEHICLE_URL);
    delete documents[VEHICLE_URL];
    await assert.rejects(
      service.remove(VEHICLE_URL, { reload: true }),
      hasError(504, 'LdContextNotAvailable'),
    );
    assert.deepEqual(await service.list({ kind: 'Cached' }), [VEHICLE_URL]);
    assert.equal((await service.resolve(VEHICLE_URL)).expandTerm('speed'), `${EX}speed`);
  });

  it('remove of a Cached @context makes the next request download it again', async () => {
    const { service, calls } = setUp();
    await service.resolve(VEHICLE_URL);
    await service.remove(VEHICLE_URL);
    await service.resolve(VEHICLE_URL);
    assert.deepEqual(calls, [VEHICLE_URL, VEHICLE_URL]);
  });
});
