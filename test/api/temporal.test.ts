import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CORE_CONTEXT,
  NGSI,
  TEST_CONTEXT_URL,
  createTestApp,
  jsonRequest,
  linkTo,
  type TestApp,
} from '../support/test-app.js';

const BUS = 'urn:ngsi-ld:Vehicle:B9211';
const T = (minute: number) => `2018-08-01T12:${String(minute).padStart(2, '0')}:00.000Z`;
const speed = (value: number, minute: number, extra: object = {}) => ({
  type: 'Property',
  value,
  observedAt: T(minute),
  ...extra,
});

describe('NGSI-LD temporal API (NGSI-LD 5.6.11–5.6.16, 5.7.3, 5.7.4)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  const get = (url: string, headers: Record<string, string> = {}) =>
    t.request({ method: 'GET', url: `${NGSI}${url}`, headers });

  it('create temporal evolution answers 201 with Location, then 204 (5.6.11)', async () => {
    const body = {
      id: BUS,
      type: 'Vehicle',
      speed: [speed(120, 3), speed(80, 5)],
      isParked: { type: 'Relationship', object: 'urn:ngsi-ld:Parking:1', observedAt: T(7) },
    };
    const created = await t.request(jsonRequest('POST', `${NGSI}/temporal/entities`, body));
    assert.equal(created.statusCode, 201);
    assert.equal(created.headers.location, `${NGSI}/temporal/entities/${BUS}`);
    const again = await t.request(
      jsonRequest('POST', `${NGSI}/temporal/entities`, {
        id: BUS,
        type: 'Vehicle',
        speed: [speed(100, 4)],
      }),
    );
    assert.equal(again.statusCode, 204);
  });

  it('retrieve returns the normalized temporal representation with instanceIds (5.7.3)', async () => {
    const res = await get(`/temporal/entities/${BUS}`);
    assert.equal(res.statusCode, 200);
    assert.match(res.headers.link as string, new RegExp(`<${CORE_CONTEXT}>`));
    const body = res.json();
    assert.equal(body.type, 'Vehicle');
    assert.deepEqual(
      body.speed.map((i: { value: number }) => i.value),
      [120, 100, 80],
    );
    for (const instance of body.speed) {
      assert.match(instance.instanceId, /^urn:ngsi-ld:attribute:instance:/);
      assert.equal(instance.createdAt, undefined);
    }
    assert.equal(body.isParked[0].object, 'urn:ngsi-ld:Parking:1');
    const sys = (await get(`/temporal/entities/${BUS}?options=sysAttrs`)).json();
    assert.ok(sys.createdAt && sys.speed[0].createdAt && sys.speed[0].modifiedAt);
  });

  it('temporalValues pairs each value with its timestamp (temporal.md §2)', async () => {
    const res = await get(`/temporal/entities/${BUS}?format=temporalValues&attrs=speed,isParked`);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), {
      id: BUS,
      type: 'Vehicle',
      speed: {
        type: 'Property',
        values: [
          [120, T(3)],
          [100, T(4)],
          [80, T(5)],
        ],
      },
      isParked: { type: 'Relationship', objects: [['urn:ngsi-ld:Parking:1', T(7)]] },
    });
    const legacy = await get(`/temporal/entities/${BUS}?options=temporalValues&attrs=speed`);
    assert.deepEqual(legacy.json().speed.values.length, 3);
  });

  it('a temporal query selects instances in the window; lastN keeps the most recent', async () => {
    const between = await get(
      `/temporal/entities/${BUS}?timerel=between&timeAt=${T(4)}&endTimeAt=${T(5)}`,
    );
    assert.deepEqual(
      between.json().speed.map((i: { value: number }) => i.value),
      [100],
    );
    assert.equal(between.json().isParked, undefined);
    const last = await get(`/temporal/entities/${BUS}?lastN=2&attrs=speed`);
    assert.deepEqual(
      last.json().speed.map((i: { value: number }) => i.value),
      [100, 80],
    );
  });

  it('aggregatedValues gives [value, start, end] per period (temporal.md §2)', async () => {
    const res = await get(
      `/temporal/entities/${BUS}?format=aggregatedValues&aggrMethods=max,avg,totalCount&aggrPeriodDuration=PT2M&timerel=after&timeAt=${T(2)}&attrs=speed`,
    );
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json().speed, {
      type: 'Property',
      max: [
        [120, T(2), T(4)],
        [100, T(4), T(6)],
      ],
      avg: [
        [120, T(2), T(4)],
        [90, T(4), T(6)],
      ],
      totalCount: [
        [1, T(2), T(4)],
        [2, T(4), T(6)],
      ],
    });
  });

  it('query temporal evolution filters entities and pages them (5.7.4)', async () => {
    for (const n of [1, 2, 3]) {
      const res = await t.request(
        jsonRequest(
          'POST',
          `${NGSI}/temporal/entities`,
          {
            id: `urn:ngsi-ld:Streetlight:${n}`,
            type: 'Streetlight',
            illuminance: [speed(n * 100, n)],
          },
          linkTo(TEST_CONTEXT_URL),
        ),
      );
      assert.equal(res.statusCode, 201);
    }
    const url = `/temporal/entities?type=Streetlight&timerel=after&timeAt=${T(0)}&count=true&limit=2`;
    const page = await get(url, linkTo(TEST_CONTEXT_URL));
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['ngsild-results-count'], '3');
    assert.match(page.headers.link as string, /rel="next"/);
    const bodies = page.json();
    assert.deepEqual(
      bodies.map((e: { id: string }) => e.id),
      ['urn:ngsi-ld:Streetlight:1', 'urn:ngsi-ld:Streetlight:2'],
    );
    assert.equal(bodies[0].illuminance[0].value, 100);
    const q = await get(
      `/temporal/entities?type=Streetlight&q=illuminance>150&timerel=before&timeAt=${T(30)}`,
      linkTo(TEST_CONTEXT_URL),
    );
    assert.deepEqual(
      q.json().map((e: { id: string }) => e.id),
      ['urn:ngsi-ld:Streetlight:2', 'urn:ngsi-ld:Streetlight:3'],
    );
    // Without the user @context, the term expands elsewhere and nothing matches.
    const other = await get(`/temporal/entities?type=Streetlight&timerel=after&timeAt=${T(0)}`);
    assert.deepEqual(other.json(), []);
  });

  it('query via POST takes temporalQ and aggrParams from the body (temporal.md §6)', async () => {
    const res = await t.request(
      jsonRequest('POST', `${NGSI}/temporal/entityOperations/query?format=aggregatedValues`, {
        type: 'Query',
        entities: [{ type: 'Vehicle' }],
        attrs: ['speed'],
        temporalQ: { timerel: 'between', timeAt: T(0), endTimeAt: T(59) },
        aggrParams: { aggrMethods: ['sum'], aggrPeriodDuration: 'PT0S' },
      }),
    );
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), [
      { id: BUS, type: 'Vehicle', speed: { type: 'Property', sum: [[300, T(0), T(59)]] } },
    ]);
  });

  it('application/ld+json answers carry @context in the body', async () => {
    const res = await get(`/temporal/entities/${BUS}?attrs=speed`, {
      accept: 'application/ld+json',
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json()['@context'], CORE_CONTEXT);
  });

  it('add attributes, modify and delete instances, delete attribute and entity history', async () => {
    const id = 'urn:ngsi-ld:Vehicle:edit';
    await t.request(
      jsonRequest('POST', `${NGSI}/temporal/entities`, {
        id,
        type: 'Vehicle',
        speed: [speed(1, 1)],
      }),
    );
    const added = await t.request(
      jsonRequest('POST', `${NGSI}/temporal/entities/${id}/attrs`, {
        speed: [speed(2, 2), speed(3, 3, { datasetId: 'urn:ds:radar' })],
      }),
    );
    assert.equal(added.statusCode, 204);
    const instances = (await get(`/temporal/entities/${id}?options=sysAttrs`)).json().speed;
    assert.equal(instances.length, 3);
    const first = instances[0].instanceId as string;
    const patched = await t.request(
      jsonRequest('PATCH', `${NGSI}/temporal/entities/${id}/attrs/speed/${first}`, {
        speed: [speed(95, 1)],
      }),
    );
    assert.equal(patched.statusCode, 204);
    const bare = await t.request(
      jsonRequest('PATCH', `${NGSI}/temporal/entities/${id}/attrs/speed/${first}`, speed(96, 1)),
    );
    assert.equal(bare.statusCode, 204);
    const after = (await get(`/temporal/entities/${id}?options=sysAttrs`)).json().speed;
    assert.equal(after[0].value, 96);
    assert.equal(after[0].instanceId, first);
    assert.equal(after[0].createdAt, instances[0].createdAt);
    assert.ok(after[0].modifiedAt >= after[0].createdAt);
    const removed = await t.request({
      method: 'DELETE',
      url: `${NGSI}/temporal/entities/${id}/attrs/speed/${after[1].instanceId}`,
    });
    assert.equal(removed.statusCode, 204);
    const gone = await t.request({
      method: 'DELETE',
      url: `${NGSI}/temporal/entities/${id}/attrs/speed/${after[1].instanceId}`,
    });
    assert.equal(gone.statusCode, 404);
    const dataset = await t.request({
      method: 'DELETE',
      url: `${NGSI}/temporal/entities/${id}/attrs/speed?datasetId=urn:ds:radar`,
    });
    assert.equal(dataset.statusCode, 204);
    const left = (await get(`/temporal/entities/${id}`)).json().speed;
    assert.deepEqual(
      left.map((i: { value: number }) => i.value),
      [96],
    );
    const all = await t.request({
      method: 'DELETE',
      url: `${NGSI}/temporal/entities/${id}/attrs/speed?deleteAll=true`,
    });
    assert.equal(all.statusCode, 204);
    const entity = await t.request({ method: 'DELETE', url: `${NGSI}/temporal/entities/${id}` });
    assert.equal(entity.statusCode, 204);
    assert.equal((await get(`/temporal/entities/${id}`)).statusCode, 404);
  });

  it('records every change of the current state, deletions as NGSI-LD Null (temporal.md §5)', async () => {
    const id = 'urn:ngsi-ld:Streetlight:feed';
    const entity = { id, type: 'Streetlight', powerState: { type: 'Property', value: 'on' } };
    assert.equal(
      (await t.request(jsonRequest('POST', `${NGSI}/entities`, entity))).statusCode,
      201,
    );
    const patch = jsonRequest('PATCH', `${NGSI}/entities/${id}/attrs`, {
      powerState: { type: 'Property', value: 'off' },
    });
    assert.equal((await t.request(patch)).statusCode, 204);
    const del = await t.request({
      method: 'DELETE',
      url: `${NGSI}/entities/${id}/attrs/powerState`,
    });
    assert.equal(del.statusCode, 204);
    const res = await get(`/temporal/entities/${id}?options=sysAttrs`);
    assert.equal(res.statusCode, 200);
    const instances = res.json().powerState;
    assert.deepEqual(
      instances.map((i: { value: string }) => i.value),
      ['on', 'off', 'urn:ngsi-ld:null'],
    );
    assert.ok(instances[2].deletedAt);
    const byModification = await get(
      `/temporal/entities?type=Streetlight&timeproperty=modifiedAt&timerel=after&timeAt=2000-01-01T00:00:00Z&attrs=powerState`,
    );
    assert.deepEqual(
      byModification.json().map((e: { id: string }) => e.id),
      [id],
    );
  });

  it('answers 206 with Content-Range when an attribute has more instances than one answer holds', async () => {
    const small = await createTestApp({ temporalMaxInstances: 2 });
    try {
      const body = { id: BUS, type: 'Vehicle', speed: [1, 2, 3, 4].map((v) => speed(v, v)) };
      await small.request(jsonRequest('POST', `${NGSI}/temporal/entities`, body));
      const res = await small.request({ method: 'GET', url: `${NGSI}/temporal/entities/${BUS}` });
      assert.equal(res.statusCode, 206);
      assert.equal(res.headers['content-range'], `date-time ${T(1)}-${T(2)}/*`);
      assert.deepEqual(
        res.json().speed.map((i: { value: number }) => i.value),
        [1, 2],
      );
      const last = await small.request({
        method: 'GET',
        url: `${NGSI}/temporal/entities/${BUS}?lastN=3`,
      });
      assert.equal(last.statusCode, 206);
      assert.deepEqual(
        last.json().speed.map((i: { value: number }) => i.value),
        [3, 4],
      );
    } finally {
      await small.close();
    }
  });

  it('temporal writes create the tenant; the tenant is readable afterwards', async () => {
    const headers = { 'ngsild-tenant': 'valencia' };
    const res = await t.request(
      jsonRequest(
        'POST',
        `${NGSI}/temporal/entities`,
        { id: BUS, type: 'Vehicle', speed: speed(5, 5) },
        headers,
      ),
    );
    assert.equal(res.statusCode, 201);
    const read = await get(`/temporal/entities/${BUS}`, headers);
    assert.equal(read.statusCode, 200);
    assert.deepEqual(
      read.json().speed.map((i: { value: number }) => i.value),
      [5],
    );
  });
});
