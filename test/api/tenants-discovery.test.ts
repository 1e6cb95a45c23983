import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ETSI_ERRORS,
  NGSI,
  TEST_CONTEXT_URL,
  createTestApp,
  jsonRequest,
  linkTo,
  type TestApp,
} from '../support/test-app.js';
import { streetlight } from '../support/sample-entities.js';

describe('Tenants (NGSI-LD 5.5.10)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  it('reading an unknown tenant is 404 NonexistentTenant', async () => {
    const res = await t.request({
      method: 'GET',
      url: `${NGSI}/entities?type=Streetlight`,
      headers: { 'ngsild-tenant': 'nowhere' },
    });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().type, `${ETSI_ERRORS}NonexistentTenant`);
    const types = await t.request({
      method: 'GET',
      url: `${NGSI}/types`,
      headers: { 'ngsild-tenant': 'nowhere' },
    });
    assert.equal(types.statusCode, 404);
  });

  it('updating in an unknown tenant is 404 and does not create it', async () => {
    const res = await t.request(
      jsonRequest(
        'PATCH',
        `${NGSI}/entities/urn:ngsi-ld:X:1/attrs`,
        { a: 1 },
        { 'ngsild-tenant': 'ghost' },
      ),
    );
    assert.equal(res.statusCode, 404);
    const read = await t.request({
      method: 'GET',
      url: `${NGSI}/types`,
      headers: { 'ngsild-tenant': 'ghost' },
    });
    assert.equal(read.statusCode, 404);
  });

  it('a first create makes the tenant, and nothing crosses tenants', async () => {
    const create = await t.request(
      jsonRequest('POST', `${NGSI}/entities`, streetlight(1), { 'ngsild-tenant': 'valencia' }),
    );
    assert.equal(create.statusCode, 201);
    assert.equal(create.headers['ngsild-tenant'], 'valencia');
    const inTenant = await t.request({
      method: 'GET',
      url: `${NGSI}/entities/urn:ngsi-ld:Streetlight:1`,
      headers: { 'ngsild-tenant': 'valencia' },
    });
    assert.equal(inTenant.statusCode, 200);
    const inDefault = await t.request({
      method: 'GET',
      url: `${NGSI}/entities/urn:ngsi-ld:Streetlight:1`,
    });
    assert.equal(inDefault.statusCode, 404);
    const query = await t.request({ method: 'GET', url: `${NGSI}/entities?type=Streetlight` });
    assert.deepEqual(query.json(), []);
    const other = await t.request(
      jsonRequest('POST', `${NGSI}/entities`, streetlight(1), { 'ngsild-tenant': 'sevilla' }),
    );
    assert.equal(other.statusCode, 201);
    const del = await t.request({
      method: 'DELETE',
      url: `${NGSI}/entities/urn:ngsi-ld:Streetlight:1`,
      headers: { 'ngsild-tenant': 'sevilla' },
    });
    assert.equal(del.statusCode, 204);
    const still = await t.request({
      method: 'GET',
      url: `${NGSI}/entities/urn:ngsi-ld:Streetlight:1`,
      headers: { 'ngsild-tenant': 'valencia' },
    });
    assert.equal(still.statusCode, 200);
  });

  it('a malformed tenant name is 400', async () => {
    const res = await t.request({
      method: 'GET',
      url: `${NGSI}/types`,
      headers: { 'ngsild-tenant': 'bad tenant/..' },
    });
    assert.equal(res.statusCode, 400);
  });
});

describe('Type and attribute discovery (NGSI-LD 5.7.5–5.7.10)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  it('an empty store lists no types', async () => {
    const res = await t.request({ method: 'GET', url: `${NGSI}/types` });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().type, 'EntityTypeList');
    assert.deepEqual(res.json().typeList, []);
  });

  it('lists types and attributes, compacted with the request context', async () => {
    await t.request(
      jsonRequest('POST', `${NGSI}/entityOperations/create`, [streetlight(1), streetlight(2)]),
    );
    await t.request(
      jsonRequest(
        'POST',
        `${NGSI}/entities`,
        { id: 'urn:ngsi-ld:ParkingSpot:1', type: 'ParkingSpot', status: 'free' },
        linkTo(TEST_CONTEXT_URL),
      ),
    );
    const types = (
      await t.request({ method: 'GET', url: `${NGSI}/types`, headers: linkTo(TEST_CONTEXT_URL) })
    ).json();
    // The user context maps Streetlight elsewhere, so the default-context type keeps its full IRI.
    assert.deepEqual(types.typeList, [
      'ParkingSpot',
      'https://uri.etsi.org/ngsi-ld/default-context/Streetlight',
    ]);
    const info = (await t.request({ method: 'GET', url: `${NGSI}/types/Streetlight` })).json();
    assert.equal(info.type, 'EntityTypeInfo');
    assert.equal(info.entityCount, 2);
    const location = info.attributeDetails.find(
      (a: { attributeName: string }) => a.attributeName === 'location',
    );
    assert.deepEqual(location, {
      id: 'https://uri.etsi.org/ngsi-ld/location',
      type: 'Attribute',
      attributeName: 'location',
      attributeTypes: ['GeoProperty'],
    });
    const detailed = (await t.request({ method: 'GET', url: `${NGSI}/types?details=true` })).json();
    assert.ok(
      detailed.some(
        (d: { typeName: string; attributeNames: string[] }) =>
          d.typeName === 'Streetlight' && d.attributeNames.includes('refStreet'),
      ),
    );
  });

  it('describes attributes', async () => {
    const list = (await t.request({ method: 'GET', url: `${NGSI}/attributes` })).json();
    assert.equal(list.type, 'AttributeList');
    assert.ok(list.attributeList.includes('illuminance'));
    const one = (await t.request({ method: 'GET', url: `${NGSI}/attributes/illuminance` })).json();
    assert.deepEqual(one.attributeTypes, ['Property']);
    assert.deepEqual(one.typeNames, ['Streetlight']);
    assert.equal(one.attributeCount, 4);
    assert.equal(
      (await t.request({ method: 'GET', url: `${NGSI}/attributes/nothing` })).statusCode,
      404,
    );
    assert.equal(
      (await t.request({ method: 'GET', url: `${NGSI}/types/Nothing` })).statusCode,
      404,
    );
  });
});
