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
import { streetlight } from '../support/sample-entities.js';

describe('NGSI-LD entities API (NGSI-LD 6.4, 6.5)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  it('createEntity answers 201 with Location and no body (5.6.1)', async () => {
    const res = await t.request(jsonRequest('POST', `${NGSI}/entities`, streetlight(1)));
    assert.equal(res.statusCode, 201);
    assert.equal(res.headers.location, `${NGSI}/entities/urn:ngsi-ld:Streetlight:1`);
    assert.equal(res.body, '');
  });

  it('createEntity answers 409 AlreadyExists for an existing id', async () => {
    const res = await t.request(jsonRequest('POST', `${NGSI}/entities`, streetlight(1)));
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().type, `${ETSI_ERRORS}AlreadyExists`);
    assert.match(res.headers['content-type'] as string, /^application\/json/);
  });

  it('retrieveEntity returns the normalized entity with a Link header to the core context (5.7.1)', async () => {
    const res = await t.request({
      method: 'GET',
      url: `${NGSI}/entities/urn:ngsi-ld:Streetlight:1`,
    });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^application\/json/);
    assert.match(res.headers.link as string, new RegExp(`<${CORE_CONTEXT}>`));
    const body = res.json();
    assert.equal(body.id, 'urn:ngsi-ld:Streetlight:1');
    assert.equal(body.type, 'Streetlight');
    assert.deepEqual(body.status, { type: 'Property', value: 'ok' });
    assert.deepEqual(body.refStreet, { type: 'Relationship', object: 'urn:ngsi-ld:Street:1' });
    assert.deepEqual(body.location, {
      type: 'GeoProperty',
      value: { type: 'Point', coordinates: [-3.699, 40.4] },
    });
    assert.equal(body.illuminance.length, 2);
    assert.equal(body.createdAt, undefined);
  });

  it('retrieveEntity accepts the id URL-encoded', async () => {
    const res = await t.request({
      method: 'GET',
      url: `${NGSI}/entities/${encodeURIComponent('urn:ngsi-ld:Streetlight:1')}`,
    });
    assert.equal(res.statusCode, 200);
  });

  it('retrieveEntity with options=sysAttrs adds createdAt and modifiedAt', async () => {
    const res = await t.request({
      method: 'GET',
      url: `${NGSI}/entities/urn:ngsi-ld:Streetlight:1?options=sysAttrs`,
    });
    const body = res.json();
    assert.match(body.createdAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    assert.match(body.status.modifiedAt, /Z$/);
  });

  it('retrieveEntity in keyValues returns bare values and the dataset map for multi-instance attributes', async () => {
    const res = await t.request({
      method: 'GET',
      url: `${NGSI}/entities/urn:ngsi-ld:Streetlight:1?format=keyValues`,
    });
    const body = res.json();
    assert.equal(body.status, 'ok');
    assert.equal(body.refStreet, 'urn:ngsi-ld:Street:1');
    assert.deepEqual(body.location, { type: 'Point', coordinates: [-3.699, 40.4] });
    assert.deepEqual(body.illuminance, {
      dataset: { '@none': 37, 'urn:ngsi-ld:Dataset:backup-sensor': 53 },
    });
  });

  it('retrieveEntity in concise form drops inferable types', async () => {
    const res = await t.request({
      method: 'GET',
      url: `${NGSI}/entities/urn:ngsi-ld:Streetlight:1?format=concise`,
    });
    const body = res.json();
    assert.equal(body.status, 'ok');
    assert.deepEqual(body.refStreet, { object: 'urn:ngsi-ld:Street:1' });
  });

  it('retrieveEntity with Accept application/ld+json puts @context in the body and no Link header', async () => {
    const res = await t.request({
      method: 'GET',
      url: `${NGSI}/entities/urn:ngsi-ld:Streetlight:1`,
      headers: { accept: 'application/ld+json' },
    });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^application\/ld\+json/);
    assert.equal(res.headers.link, undefined);
    assert.equal(res.json()['@context'], CORE_CONTEXT);
  });

  it('retrieveEntity as GeoJSON returns a Feature with the location geometry', async () => {
    const res = await t.request({
      method: 'GET',
      url: `${NGSI}/entities/urn:ngsi-ld:Streetlight:1`,
      headers: { accept: 'application/geo+json' },
    });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^application\/geo\+json/);
    const body = res.json();
    assert.equal(body.type, 'Feature');
    assert.deepEqual(body.geometry, { type: 'Point', coordinates: [-3.699, 40.4] });
    assert.equal(body.properties.type, 'Streetlight');
    assert.equal(body['@context'], CORE_CONTEXT);
  });

  it('retrieveEntity answers 406 for an unsupported Accept', async () => {
    const res = await t.request({
      method: 'GET',
      url: `${NGSI}/entities/urn:ngsi-ld:Streetlight:1`,
      headers: { accept: 'text/html' },
    });
    assert.equal(res.statusCode, 406);
  });

  it('retrieveEntity answers 400 for geometryProperty without GeoJSON Accept', async () => {
    const res = await t.request({
      method: 'GET',
      url: `${NGSI}/entities/urn:ngsi-ld:Streetlight:1?geometryProperty=location`,
    });
    assert.equal(res.statusCode, 400);
  });

  it('retrieveEntity with pick keeps only the picked members', async () => {
    const res = await t.request({
      method: 'GET',
      url: `${NGSI}/entities/urn:ngsi-ld:Streetlight:1?pick=id,status`,
    });
    assert.deepEqual(Object.keys(res.json()).sort(), ['id', 'status']);
  });

  it('retrieveEntity answers 404 when attrs names none of its attributes (v1.9)', async () => {
    const res = await t.request({
      method: 'GET',
      url: `${NGSI}/entities/urn:ngsi-ld:Streetlight:1?attrs=nothingHere`,
    });
    assert.equal(res.statusCode, 404);
  });

  it('retrieveEntity answers 404 ResourceNotFound for an unknown id and when the type guard does not match', async () => {
    const unknown = await t.request({
      method: 'GET',
      url: `${NGSI}/entities/urn:ngsi-ld:Streetlight:999`,
    });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().type, `${ETSI_ERRORS}ResourceNotFound`);
    const wrongType = await t.request({
      method: 'GET',
      url: `${NGSI}/entities/urn:ngsi-ld:Streetlight:1?type=Vehicle`,
    });
    assert.equal(wrongType.statusCode, 404);
  });

  it('retrieveEntity answers 400 for an id that is not a URI', async () => {
    const res = await t.request({ method: 'GET', url: `${NGSI}/entities/not%20a%20uri` });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().type, `${ETSI_ERRORS}BadRequestData`);
  });

  it('a user @context in the Link header expands and compacts names (contexts.md §1)', async () => {
    const create = await t.request(
      jsonRequest(
        'POST',
        `${NGSI}/entities`,
        {
          id: 'urn:ngsi-ld:Streetlight:ctx',
          type: 'Streetlight',
          powerState: { type: 'Property', value: 'on' },
        },
        linkTo(TEST_CONTEXT_URL),
      ),
    );
    assert.equal(create.statusCode, 201);
    const withContext = await t.request({
      method: 'GET',
      url: `${NGSI}/entities/urn:ngsi-ld:Streetlight:ctx`,
      headers: linkTo(TEST_CONTEXT_URL),
    });
    assert.equal(withContext.json().type, 'Streetlight');
    assert.ok(withContext.json().powerState);
    assert.match(withContext.headers.link as string, new RegExp(TEST_CONTEXT_URL));
    const withoutContext = await t.request({
      method: 'GET',
      url: `${NGSI}/entities/urn:ngsi-ld:Streetlight:ctx`,
    });
    assert.equal(withoutContext.json().type, 'https://city.example.org/ns#Streetlight');
    assert.ok(withoutContext.json()['https://city.example.org/ns#powerState']);
  });

  it('an application/ld+json body carries its @context and gets it back with Accept ld+json', async () => {
    const entity = {
      id: 'urn:ngsi-ld:ParkingSpot:ld',
      type: 'ParkingSpot',
      status: { type: 'Property', value: 'free' },
      '@context': [TEST_CONTEXT_URL, CORE_CONTEXT],
    };
    const res = await t.request({
      method: 'POST',
      url: `${NGSI}/entities`,
      headers: { 'content-type': 'application/ld+json' },
      payload: JSON.stringify(entity),
    });
    assert.equal(res.statusCode, 201);
    const get = await t.request({
      method: 'GET',
      url: `${NGSI}/entities/urn:ngsi-ld:ParkingSpot:ld`,
      headers: { ...linkTo(TEST_CONTEXT_URL), accept: 'application/ld+json' },
    });
    const body = get.json();
    assert.equal(body.type, 'ParkingSpot');
    assert.deepEqual(body['@context'], [TEST_CONTEXT_URL, CORE_CONTEXT]);
  });

  it('deleteEntity ignores a JSON Content-Type on an empty body', async () => {
    await t.request(
      jsonRequest('POST', `${NGSI}/entities`, { id: 'urn:ngsi-ld:T:del', type: 'T' }),
    );
    const res = await t.request({
      method: 'DELETE',
      url: `${NGSI}/entities/urn:ngsi-ld:T:del`,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.statusCode, 204);
  });

  it('deleteEntity answers 204 and the entity is gone', async () => {
    const res = await t.request({
      method: 'DELETE',
      url: `${NGSI}/entities/urn:ngsi-ld:ParkingSpot:ld`,
    });
    assert.equal(res.statusCode, 204);
    const again = await t.request({
      method: 'DELETE',
      url: `${NGSI}/entities/urn:ngsi-ld:ParkingSpot:ld`,
    });
    assert.equal(again.statusCode, 404);
  });

  it('collection paths work with a trailing slash', async () => {
    const res = await t.request({ method: 'GET', url: `${NGSI}/entities/?type=Streetlight` });
    assert.equal(res.statusCode, 200);
  });

  it('a wrong verb on a known path answers 405 with Allow', async () => {
    const res = await t.request({ method: 'PUT', url: `${NGSI}/entities` });
    assert.equal(res.statusCode, 405);
    assert.match(res.headers.allow as string, /GET/);
  });
});
