import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CORE_CONTEXT,
  ETSI_ERRORS,
  NGSI,
  TEST_CONTEXT_URL,
  createTestApp,
  jsonRequest,
  linkTo,
  type TestApp,
} from '../support/test-app.js';

describe('@context handling (NGSI-LD 6.3.5, 5.13)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());
  const entity = { id: 'urn:ngsi-ld:Streetlight:c1', type: 'Streetlight' };

  it('application/json with @context in the body is 400', async () => {
    const res = await t.request(
      jsonRequest('POST', `${NGSI}/entities`, { ...entity, '@context': CORE_CONTEXT }),
    );
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().type, `${ETSI_ERRORS}BadRequestData`);
  });

  it('application/ld+json without @context, or with a Link header, is 400', async () => {
    const noContext = await t.request({
      method: 'POST',
      url: `${NGSI}/entities`,
      headers: { 'content-type': 'application/ld+json' },
      payload: JSON.stringify(entity),
    });
    assert.equal(noContext.statusCode, 400);
    const both = await t.request({
      method: 'POST',
      url: `${NGSI}/entities`,
      headers: { 'content-type': 'application/ld+json', ...linkTo(TEST_CONTEXT_URL) },
      payload: JSON.stringify({ ...entity, '@context': CORE_CONTEXT }),
    });
    assert.equal(both.statusCode, 400);
  });

  it('an unreachable Link context is 504 LdContextNotAvailable and nothing is written', async () => {
    const res = await t.request(
      jsonRequest(
        'POST',
        `${NGSI}/entities`,
        entity,
        linkTo('https://unreachable.example.org/ctx.jsonld'),
      ),
    );
    assert.equal(res.statusCode, 504);
    assert.equal(res.json().type, `${ETSI_ERRORS}LdContextNotAvailable`);
    const get = await t.request({ method: 'GET', url: `${NGSI}/entities/${entity.id}` });
    assert.equal(get.statusCode, 404);
  });

  it('every core context URL resolves without any fetch', async () => {
    for (const version of ['', '-v1.3', '-v1.6', '-v1.8', '-v1.9']) {
      const res = await t.request({
        method: 'GET',
        url: `${NGSI}/types`,
        headers: linkTo(`https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context${version}.jsonld`),
      });
      assert.equal(res.statusCode, 200, version);
    }
  });

  it('hosts, lists, serves and deletes @contexts (5.13)', async () => {
    const created = await t.request(
      jsonRequest('POST', `${NGSI}/jsonldContexts`, {
        '@context': { Bin: 'https://waste.example.org/Bin' },
      }),
    );
    assert.equal(created.statusCode, 201);
    const location = created.headers.location as string;
    assert.match(location, new RegExp(`^${NGSI}/jsonldContexts/`));
    const served = await t.request({ method: 'GET', url: location });
    assert.equal(served.statusCode, 200);
    assert.deepEqual(served.json(), { '@context': { Bin: 'https://waste.example.org/Bin' } });
    const list = (
      await t.request({ method: 'GET', url: `${NGSI}/jsonldContexts?kind=Hosted` })
    ).json();
    assert.ok(
      Array.isArray(list) &&
        list.some((url: string) => url.endsWith(location.split('/').pop() as string)),
    );
    const details = (await t.request({ method: 'GET', url: `${location}?details=true` })).json();
    assert.equal(details.kind, 'Hosted');
    assert.equal(
      (await t.request({ method: 'GET', url: `${NGSI}/jsonldContexts?kind=Weird` })).statusCode,
      400,
    );
    assert.equal((await t.request({ method: 'DELETE', url: location })).statusCode, 204);
    assert.equal((await t.request({ method: 'GET', url: location })).statusCode, 404);
  });

  it('a hosted @context can be used by its URL', async () => {
    const created = await t.request(
      jsonRequest('POST', `${NGSI}/jsonldContexts`, {
        '@context': { Bin: 'https://waste.example.org/Bin' },
      }),
    );
    const url = `http://localhost:1026${created.headers.location}`;
    const res = await t.request(
      jsonRequest(
        'POST',
        `${NGSI}/entities`,
        { id: 'urn:ngsi-ld:Bin:1', type: 'Bin' },
        linkTo(url),
      ),
    );
    assert.equal(res.statusCode, 201);
    const get = (
      await t.request({ method: 'GET', url: `${NGSI}/entities/urn:ngsi-ld:Bin:1` })
    ).json();
    assert.equal(get.type, 'https://waste.example.org/Bin');
  });

  it('POST /jsonldContexts without an @context member is 400', async () => {
    const res = await t.request(jsonRequest('POST', `${NGSI}/jsonldContexts`, { nope: 1 }));
    assert.equal(res.statusCode, 400);
  });
});
