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

describe('NGSI-LD Query Entities (NGSI-LD 6.4.3.2, 4.9, 4.10)', () => {
  let t: TestApp;
  const ids = (res: { json(): unknown }) => (res.json() as Array<{ id: string }>).map((e) => e.id);
  const query = (qs: string) => t.request({ method: 'GET', url: `${NGSI}/entities?${qs}` });

  before(async () => {
    t = await createTestApp();
    const entities = Array.from({ length: 30 }, (_, n) => streetlight(n));
    const res = await t.request(jsonRequest('POST', `${NGSI}/entityOperations/create`, entities));
    assert.equal(res.statusCode, 201);
    await t.request(
      jsonRequest('POST', `${NGSI}/entities`, {
        id: 'urn:ngsi-ld:Bench:1',
        type: 'Bench',
        material: 'wood',
      }),
    );
  });
  after(() => t.close());

  it('filters by type and paginates with the default page size', async () => {
    const res = await query('type=Streetlight');
    assert.equal(res.statusCode, 200);
    assert.equal(ids(res).length, 20);
    assert.match(res.headers.link as string, /rel="next"/);
  });

  it('count=true sets NGSILD-Results-Count to the total ignoring limit', async () => {
    const res = await query('type=Streetlight&limit=5&offset=5&count=true');
    assert.equal(res.headers['ngsild-results-count'], '30');
    assert.deepEqual(
      ids(res),
      [5, 6, 7, 8, 9].map((n) => `urn:ngsi-ld:Streetlight:${n}`),
    );
  });

  it('never links to an empty next page', async () => {
    const last = await query('type=Streetlight&limit=10&offset=20');
    assert.equal(last.json().length, 10);
    assert.doesNotMatch(String(last.headers.link), /rel="next"/);
    assert.match(String(last.headers.link), /rel="prev"/);
    const counted = await query('type=Streetlight&limit=0&count=true');
    assert.doesNotMatch(String(counted.headers.link), /rel="next"/);
  });

  it('limit=0 is valid only with count=true', async () => {
    assert.equal((await query('type=Streetlight&limit=0')).statusCode, 400);
    const res = await query('type=Streetlight&limit=0&count=true');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), []);
  });

  it('limit above the maximum is 400', async () => {
    const res = await query('type=Streetlight&limit=100000');
    assert.equal(res.statusCode, 400);
  });

  it('a query without any filter is 400 unless local=true', async () => {
    assert.equal((await t.request({ method: 'GET', url: `${NGSI}/entities` })).statusCode, 400);
    assert.equal((await query('local=true&limit=100')).json().length, 31);
  });

  it('type expressions combine types with , and |', async () => {
    const res = await query(`type=${encodeURIComponent('Bench|Streetlight')}&count=true&limit=1`);
    assert.equal(res.headers['ngsild-results-count'], '31');
  });

  it('q compares numbers, strings, ranges and lists', async () => {
    const byCount = async (q: string) =>
      Number(
        (await query(`type=Streetlight&count=true&limit=0&q=${encodeURIComponent(q)}`)).headers[
          'ngsild-results-count'
        ],
      );
    assert.equal(await byCount('lanternHeight==8'), 6);
    assert.equal(await byCount('lanternHeight>=11'), 12);
    assert.equal(await byCount('lanternHeight==8..9'), 12);
    assert.equal(await byCount('status=="defective"'), 5);
    assert.equal(await byCount('status!="defective"'), 25);
    assert.equal(await byCount('lanternHeight==8,12'), 12);
    assert.equal(await byCount('status=="defective"|lanternHeight==12'), 10);
    assert.equal(await byCount('(status=="defective"|lanternHeight==12);powerState=="on"'), 5);
    assert.equal(await byCount('refStreet=="urn:ngsi-ld:Street:3"'), 1);
    assert.equal(await byCount('powerState.observedAt>=2026-11-01T00:00:00Z'), 30);
    assert.equal(await byCount('status~="^def"'), 5);
  });

  it('q compares VocabProperty values as expanded terms (4.9)', async () => {
    const van = {
      id: 'urn:ngsi-ld:Vehicle:van',
      type: 'Vehicle',
      category: { type: 'VocabProperty', vocab: 'Delivery' },
      label: 'Delivery',
    };
    const created = await t.request(
      jsonRequest('POST', `${NGSI}/entities`, van, linkTo(TEST_CONTEXT_URL)),
    );
    assert.equal(created.statusCode, 201);
    const byVocab = await t.request({
      method: 'GET',
      url: `${NGSI}/entities?type=Vehicle&q=${encodeURIComponent('category=="Delivery"')}`,
      headers: linkTo(TEST_CONTEXT_URL),
    });
    assert.deepEqual(ids(byVocab), ['urn:ngsi-ld:Vehicle:van']);
    const byIri = await t.request({
      method: 'GET',
      url: `${NGSI}/entities?type=Vehicle&q=${encodeURIComponent('category=="https://city.example.org/ns#Delivery"')}`,
      headers: linkTo(TEST_CONTEXT_URL),
    });
    assert.deepEqual(ids(byIri), ['urn:ngsi-ld:Vehicle:van']);
    const plainText = await t.request({
      method: 'GET',
      url: `${NGSI}/entities?type=Vehicle&q=${encodeURIComponent('label=="Delivery"')}`,
      headers: linkTo(TEST_CONTEXT_URL),
    });
    assert.deepEqual(ids(plainText), ['urn:ngsi-ld:Vehicle:van']);
    const notEqual = await t.request({
      method: 'GET',
      url: `${NGSI}/entities?type=Vehicle&q=${encodeURIComponent('category!="Delivery"')}`,
      headers: linkTo(TEST_CONTEXT_URL),
    });
    assert.deepEqual(ids(notEqual), []);
  });

  it('q syntax errors are 400 with the position', async () => {
    const res = await query(`type=Streetlight&q=${encodeURIComponent('status==')}`);
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().type, `${ETSI_ERRORS}BadRequestData`);
    assert.match(res.json().detail, /position/);
  });

  it('geoQ near;maxDistance finds entities around a point', async () => {
    const geo = `georel=${encodeURIComponent('near;maxDistance==150')}&geometry=Point&coordinates=${encodeURIComponent('[-3.7,40.4]')}`;
    const res = await query(`type=Streetlight&${geo}`);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(
      ids(res).sort(),
      ['urn:ngsi-ld:Streetlight:0', 'urn:ngsi-ld:Streetlight:1'].sort(),
    );
  });

  it('geoQ within a polygon', async () => {
    const polygon = JSON.stringify([
      [
        [-3.7005, 40.3995],
        [-3.6975, 40.3995],
        [-3.6975, 40.4005],
        [-3.7005, 40.4005],
        [-3.7005, 40.3995],
      ],
    ]);
    const res = await query(
      `type=Streetlight&georel=within&geometry=Polygon&coordinates=${encodeURIComponent(polygon)}`,
    );
    assert.deepEqual(ids(res), [
      'urn:ngsi-ld:Streetlight:0',
      'urn:ngsi-ld:Streetlight:1',
      'urn:ngsi-ld:Streetlight:2',
    ]);
  });

  it('incomplete or invalid geo-queries are 400', async () => {
    assert.equal((await query('type=Streetlight&georel=within')).statusCode, 400);
    assert.equal(
      (
        await query(
          `type=Streetlight&georel=near&geometry=Point&coordinates=${encodeURIComponent('[1,2]')}`,
        )
      ).statusCode,
      400,
    );
    assert.equal(
      (
        await query(
          `type=Streetlight&georel=within&geometry=Polygon&coordinates=${encodeURIComponent('[[[0,0],[1,1]]]')}`,
        )
      ).statusCode,
      400,
    );
  });

  it('id, idPattern and attrs filters', async () => {
    assert.deepEqual(ids(await query('id=urn:ngsi-ld:Streetlight:3,urn:ngsi-ld:Bench:1')), [
      'urn:ngsi-ld:Streetlight:3',
      'urn:ngsi-ld:Bench:1',
    ]);
    assert.equal(
      (await query(`idPattern=${encodeURIComponent('Streetlight:2\\d$')}`)).json().length,
      10,
    );
    assert.deepEqual(ids(await query('attrs=material')), ['urn:ngsi-ld:Bench:1']);
  });

  it('returns GeoJSON FeatureCollections', async () => {
    const res = await t.request({
      method: 'GET',
      url: `${NGSI}/entities?type=Streetlight&limit=2`,
      headers: { accept: 'application/geo+json' },
    });
    const body = res.json();
    assert.equal(body.type, 'FeatureCollection');
    assert.equal(body.features.length, 2);
  });

  it('unknown query parameters are 400 and unsupported ones 501', async () => {
    assert.equal((await query('type=Streetlight&colour=red')).statusCode, 400);
    assert.equal((await query('type=Streetlight&orderBy=name')).statusCode, 501);
  });

  it('hostile strings in q, type and idPattern are answered, never executed', async () => {
    for (const qs of [
      `type=${encodeURIComponent("Streetlight'; DROP TABLE entities;--")}`,
      `type=Streetlight&q=${encodeURIComponent("status==\"x' OR '1'='1\"")}`,
      `idPattern=${encodeURIComponent('(a+)+$')}`,
      `type=Streetlight&q=${encodeURIComponent('status~="(a|aa)+$"')}`,
    ]) {
      const res = await query(qs);
      assert.ok(res.statusCode === 200 || res.statusCode === 400, `${qs} → ${res.statusCode}`);
    }
    assert.equal(
      (await query('type=Streetlight&count=true&limit=1')).headers['ngsild-results-count'],
      '30',
    );
  });
});
