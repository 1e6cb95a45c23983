/**
 * `Location` of created subscriptions and entities whose ids hold characters a header or a
 * path segment cannot carry as they are: percent-encoded as UTF-8, and the Location leads
 * back to the resource.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NGSI, createTestApp, jsonRequest, type TestApp } from '../support/test-app.js';

describe('Location of created resources', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  it('a subscription with id urn:ngsi-ld:X:中 is 201 with a percent-encoded Location', async () => {
    const id = 'urn:ngsi-ld:X:\u4e2d';
    const res = await t.request(
      jsonRequest('POST', `${NGSI}/subscriptions`, {
        id,
        type: 'Subscription',
        entities: [{ type: 'Vehicle' }],
        notification: { endpoint: { uri: 'http://127.0.0.1:9/n' } },
      }),
    );
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.headers['location'], `${NGSI}/subscriptions/urn:ngsi-ld:X:%E4%B8%AD`);
    const back = await t.request({ method: 'GET', url: String(res.headers['location']) });
    assert.equal(back.statusCode, 200, back.body);
    assert.equal(back.json().id, id);
  });

  it('an entity with id urn:ngsi-ld:X:中 is 201 with a percent-encoded Location', async () => {
    const id = 'urn:ngsi-ld:X:\u4e2d';
    const res = await t.request(jsonRequest('POST', `${NGSI}/entities`, { id, type: 'T' }));
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.headers['location'], `${NGSI}/entities/urn:ngsi-ld:X:%E4%B8%AD`);
    const back = await t.request({ method: 'GET', url: String(res.headers['location']) });
    assert.equal(back.statusCode, 200, back.body);
    assert.equal(back.json().id, id);
  });

  it('characters that would break the path are encoded; sub-delims, : and @ stay', async () => {
    const id = "urn:a:b!$&'()*+,;=@~/?#%é";
    const res = await t.request(
      jsonRequest('POST', `${NGSI}/subscriptions`, {
        id,
        type: 'Subscription',
        entities: [{ type: 'Vehicle' }],
        notification: { endpoint: { uri: 'http://127.0.0.1:9/n' } },
      }),
    );
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(
      res.headers['location'],
      `${NGSI}/subscriptions/urn:a:b!$&'()*+,;=@~%2F%3F%23%25%C3%A9`,
    );
    const back = await t.request({ method: 'GET', url: String(res.headers['location']) });
    assert.equal(back.json().id, id);
  });
});
