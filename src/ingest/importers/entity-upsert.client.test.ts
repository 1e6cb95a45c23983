import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isProblemDetails } from '../../ngsi-ld/problem-details.js';
import { createUpsertClient, retryAfterMs } from './entity-upsert.client.js';
import type { NormalizedEntity } from './import.types.js';

type Reply = Response | Error;

/** A strict fake fetch: answers in order, records requests, fails on an unexpected call. */
function fakeFetch(replies: Reply[]) {
  const requests: Array<{ url: string; headers: Record<string, string>; body: unknown }> = [];
  const doFetch = (async (url: string, init: RequestInit) => {
    requests.push({
      url,
      headers: init.headers as Record<string, string>,
      body: JSON.parse(String(init.body)),
    });
    const reply = replies.shift();
    if (reply === undefined) throw new Error(`unexpected request ${requests.length}`);
    if (reply instanceof Error) throw reply;
    return reply;
  }) as unknown as typeof fetch;
  return { doFetch, requests };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

function entities(count: number): NormalizedEntity[] {
  return Array.from({ length: count }, (_, i) => ({ id: `urn:ngsi-ld:T:${i}`, type: 'T' }));
}

function client(replies: Reply[], extra: { tenant?: string; token?: string } = {}) {
  const fake = fakeFetch(replies);
  const sleeps: number[] = [];
  const upserter = createUpsertClient({
    url: 'http://civis.test:1026/',
    timeoutMs: 1000,
    maxRetries: 2,
    retryDelayMs: 10,
    fetch: fake.doFetch,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  });
  return { upserter, requests: fake.requests, sleeps };
}

function refused(): Error {
  return Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
}

describe('createUpsertClient', () => {
  it('posts a batch upsert with options=update, tenant, token and Link headers', async () => {
    const { upserter, requests } = client([new Response(null, { status: 204 })], {
      tenant: 'city',
      token: 't0k',
    });
    const outcome = await upserter.upsert(entities(2), 'https://example.org/ctx.jsonld');
    assert.deepEqual(outcome, { succeeded: 2, created: [], errors: [] });
    const [request] = requests;
    assert.equal(
      request?.url,
      'http://civis.test:1026/ngsi-ld/v1/entityOperations/upsert?options=update',
    );
    assert.equal(request?.headers['ngsild-tenant'], 'city');
    assert.equal(request?.headers['authorization'], 'Bearer t0k');
    assert.match(request?.headers['link'] ?? '', /^<https:\/\/example\.org\/ctx\.jsonld>; rel=/);
  });

  it('reports the ids the server created (201)', async () => {
    const { upserter } = client([json(201, ['urn:ngsi-ld:T:1'])]);
    assert.deepEqual(await upserter.upsert(entities(2)), {
      succeeded: 2,
      created: ['urn:ngsi-ld:T:1'],
      errors: [],
    });
  });

  it('reports per-entity errors of a 207 with the server detail', async () => {
    const { upserter } = client([
      json(207, {
        success: ['urn:ngsi-ld:T:0'],
        errors: [
          {
            entityId: 'urn:ngsi-ld:T:1',
            error: { title: 'Bad request data', detail: 'bad value' },
          },
        ],
      }),
    ]);
    assert.deepEqual(await upserter.upsert(entities(2)), {
      succeeded: 1,
      created: undefined,
      errors: [{ entityId: 'urn:ngsi-ld:T:1', reason: 'bad value' }],
    });
  });

  it('retries 503 after Retry-After and gives up with a clear message', async () => {
    const busy = () => json(503, { title: 'Service unavailable' }, { 'retry-after': '2' });
    const ok = client([busy(), new Response(null, { status: 204 })]);
    assert.equal((await ok.upserter.upsert(entities(1))).succeeded, 1);
    assert.deepEqual(ok.sleeps, [2000]);

    const never = client([busy(), busy(), busy()]);
    await assert.rejects(never.upserter.upsert(entities(1)), (error: unknown) => {
      assert.ok(isProblemDetails(error));
      assert.match(error.detail, /still busy \(HTTP 503\) after 2 retries/);
      return true;
    });
  });

  it('splits a batch the server finds too large (413)', async () => {
    const tooLarge = () => new Response(null, { status: 413 });
    const { upserter, requests } = client([tooLarge(), json(201, ['urn:ngsi-ld:T:0']), tooLarge()]);
    const outcome = await upserter.upsert(entities(2));
    assert.deepEqual(
      requests.map((r) => (r.body as unknown[]).length),
      [2, 1, 1],
    );
    assert.equal(outcome.succeeded, 1);
    assert.deepEqual(outcome.errors, [
      {
        entityId: 'urn:ngsi-ld:T:1',
        reason: 'the entity is larger than the server accepts in one request (413)',
      },
    ]);
  });

  it('stops at once when the server cannot be reached at first', async () => {
    const { upserter, requests } = client([refused()]);
    await assert.rejects(upserter.upsert(entities(1)), (error: unknown) => {
      assert.ok(isProblemDetails(error));
      assert.match(
        error.detail,
        /Cannot reach Civis at http:\/\/civis\.test:1026\/ \(ECONNREFUSED\)/,
      );
      return true;
    });
    assert.equal(requests.length, 1);
  });

  it('retries a dropped connection once the server has answered', async () => {
    const { upserter, sleeps } = client([
      new Response(null, { status: 204 }),
      refused(),
      new Response(null, { status: 204 }),
    ]);
    await upserter.upsert(entities(1));
    assert.equal((await upserter.upsert(entities(1))).succeeded, 1);
    assert.deepEqual(sleeps, [10]);
  });

  it('stops with the server words when it refuses the whole batch', async () => {
    const { upserter } = client([
      json(400, { title: 'Bad request data', detail: 'NGSILD-Tenant must be 1–64 letters' }),
    ]);
    await assert.rejects(
      upserter.upsert(entities(1)),
      /HTTP 400\): NGSILD-Tenant must be 1–64 letters/,
    );
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, capped at a minute', () => {
    const at = (value: string) =>
      new Response(null, { status: 503, headers: { 'retry-after': value } });
    assert.equal(retryAfterMs(at('3'), 5), 3000);
    assert.equal(retryAfterMs(at('86400'), 5), 60_000);
    assert.equal(retryAfterMs(at('nonsense'), 5), 5);
    assert.equal(retryAfterMs(at(new Date(Date.now() - 1000).toUTCString()), 5), 0);
    assert.equal(retryAfterMs(new Response(null, { status: 503 }), 7), 7);
  });
});
