/** The temporal API refuses bad input with a 4xx ProblemDetails and writes nothing. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ETSI_ERRORS,
  NGSI,
  createTestApp,
  jsonRequest,
  type TestApp,
} from '../support/test-app.js';

const BUS = 'urn:ngsi-ld:Vehicle:B1';
const AT = '2018-08-01T12:00:00Z';
const speed = { type: 'Property', value: 1, observedAt: AT };

describe('temporal API bad input', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    const res = await t.request(
      jsonRequest('POST', `${NGSI}/temporal/entities`, {
        id: BUS,
        type: 'Vehicle',
        speed: [speed],
      }),
    );
    assert.equal(res.statusCode, 201);
  });
  after(() => t.close());

  async function expectProblem(
    request: Parameters<TestApp['request']>[0],
    status: number,
    type?: string,
  ): Promise<void> {
    const res = await t.request(request);
    assert.equal(res.statusCode, status, `${request.method} ${request.url}: ${res.body}`);
    // The app's 415 for a body of another media type has no body (as test/api/bad-input.test.ts).
    if (status === 415) return;
    const body = res.json();
    assert.equal(typeof body.detail, 'string');
    if (type !== undefined) assert.equal(body.type, type.includes('/') ? type : ETSI_ERRORS + type);
  }

  /** The history of BUS is as it was: one speed instance. */
  async function unchanged(): Promise<void> {
    const res = await t.request({ method: 'GET', url: `${NGSI}/temporal/entities/${BUS}` });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(Object.keys(res.json()), ['id', 'type', 'speed']);
    assert.equal(res.json().speed.length, 1);
  }

  it('refuses invalid temporal queries with 400', async () => {
    const base = `${NGSI}/temporal/entities`;
    const read = `${base}/${BUS}`;
    const cases = [
      `${base}?type=Vehicle`,
      `${base}?type=Vehicle&timerel=during&timeAt=${AT}`,
      `${base}?type=Vehicle&timerel=after`,
      `${base}?type=Vehicle&timerel=after&timeAt=yesterday`,
      `${base}?type=Vehicle&timerel=between&timeAt=${AT}`,
      `${base}?type=Vehicle&timerel=between&timeAt=${AT}&endTimeAt=2018-13-01T00:00:00Z`,
      `${base}?type=Vehicle&timerel=after&timeAt=${AT}&timeproperty=expiresAt`,
      `${base}?timerel=after&timeAt=${AT}`,
      `${read}?lastN=0`,
      `${read}?lastN=-1`,
      `${read}?lastN=99999999999999999999`,
      `${read}?timeAt=${AT}`,
      `${read}?format=aggregatedValues`,
      `${read}?format=aggregatedValues&aggrMethods=median`,
      `${read}?format=aggregatedValues&aggrMethods=avg&aggrPeriodDuration=1H`,
      `${read}?aggrMethods=avg`,
      `${read}?format=temporalValues&options=aggregatedValues`,
      `${read}?format=pretty`,
      `${read}?unknownParameter=1`,
      `${read}?datasetId=not-a-uri`,
    ];
    for (const url of cases) await expectProblem({ method: 'GET', url }, 400);
    await unchanged();
  });

  it('refuses an aggregation method the attribute values do not support', async () => {
    await t.request(
      jsonRequest('POST', `${NGSI}/temporal/entities/${BUS}/attrs`, {
        name: { type: 'Property', value: 'x', observedAt: AT },
      }),
    );
    await expectProblem(
      {
        method: 'GET',
        url: `${NGSI}/temporal/entities/${BUS}?format=aggregatedValues&aggrMethods=avg&attrs=name`,
      },
      400,
      'InvalidRequest',
    );
    await t.request({ method: 'DELETE', url: `${NGSI}/temporal/entities/${BUS}/attrs/name` });
  });

  it('refuses malformed bodies with 400 and writes nothing', async () => {
    const url = `${NGSI}/temporal/entities`;
    await expectProblem(
      { method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: '{"id":' },
      400,
      'InvalidRequest',
    );
    const bodies: unknown[] = [
      [],
      'text',
      { type: 'Vehicle', speed: [speed] },
      { id: 'not a uri', type: 'Vehicle' },
      { id: BUS },
      { id: BUS, type: 'Vehicle', speed: [] },
      { id: BUS, type: 'Vehicle', speed: [{ type: 'Property', value: 'urn:ngsi-ld:null' }] },
      { id: BUS, type: 'Vehicle', speed: [{ type: 'Property' }] },
      { id: BUS, type: 'Vehicle', speed: [{ type: 'Property', value: 2, observedAt: 'noon' }] },
      { id: BUS, type: 'Vehicle', 'bad name': [speed] },
      { id: BUS, type: 'Vehicle', speed: [speed, null] },
    ];
    for (const body of bodies)
      await expectProblem(jsonRequest('POST', url, body), 400, 'BadRequestData');
    await expectProblem(
      jsonRequest('POST', `${NGSI}/temporal/entities/${BUS}/attrs`, { id: 'urn:x:other', speed }),
      400,
    );
    await expectProblem(jsonRequest('POST', `${NGSI}/temporal/entities/${BUS}/attrs`, {}), 400);
    await expectProblem(
      { method: 'POST', url, headers: { 'content-type': 'text/plain' }, payload: 'x' },
      415,
    );
    await unchanged();
  });

  it('refuses invalid instanceIds with 400 and unknown ones with 404', async () => {
    const base = `${NGSI}/temporal/entities/${BUS}/attrs/speed`;
    await expectProblem(jsonRequest('PATCH', `${base}/not-a-uri`, { speed: [speed] }), 400);
    await expectProblem({ method: 'DELETE', url: `${base}/not%20a%20uri` }, 400);
    await expectProblem(
      jsonRequest('PATCH', `${base}/urn:ngsi-ld:attribute:instance:987654`, { speed: [speed] }),
      404,
      'ResourceNotFound',
    );
    await expectProblem(
      { method: 'DELETE', url: `${base}/urn:ngsi-ld:attribute:instance:987654` },
      404,
    );
    await expectProblem(
      jsonRequest('PATCH', `${base}/urn:ngsi-ld:attribute:instance:1`, { speed: [speed, speed] }),
      400,
    );
    await unchanged();
  });

  it('answers 404 for unknown entities and attributes', async () => {
    const other = `${NGSI}/temporal/entities/urn:ngsi-ld:Vehicle:none`;
    await expectProblem({ method: 'GET', url: other }, 404, 'ResourceNotFound');
    await expectProblem({ method: 'DELETE', url: other }, 404);
    await expectProblem(jsonRequest('POST', `${other}/attrs`, { speed: [speed] }), 404);
    await expectProblem({ method: 'DELETE', url: `${other}/attrs/speed` }, 404);
    await expectProblem(
      { method: 'DELETE', url: `${NGSI}/temporal/entities/${BUS}/attrs/power` },
      404,
    );
    await expectProblem(
      {
        method: 'DELETE',
        url: `${NGSI}/temporal/entities/${BUS}/attrs/speed?deleteAll=true&datasetId=urn:d:1`,
      },
      400,
    );
    await expectProblem({ method: 'GET', url: `${NGSI}/temporal/entities/not-a-uri` }, 400);
    await unchanged();
  });

  it('answers 404 NonexistentTenant to reads and deletes in an unknown tenant', async () => {
    const headers = { 'ngsild-tenant': 'atlantis' };
    await expectProblem(
      { method: 'GET', url: `${NGSI}/temporal/entities/${BUS}`, headers },
      404,
      'NonexistentTenant',
    );
    await expectProblem(
      {
        method: 'GET',
        url: `${NGSI}/temporal/entities?type=Vehicle&timerel=after&timeAt=${AT}`,
        headers,
      },
      404,
      'NonexistentTenant',
    );
    await expectProblem(
      { method: 'DELETE', url: `${NGSI}/temporal/entities/${BUS}`, headers },
      404,
      'NonexistentTenant',
    );
    await expectProblem(
      {
        method: 'GET',
        url: `${NGSI}/temporal/entities/${BUS}`,
        headers: { 'ngsild-tenant': 'a b' },
      },
      400,
    );
  });

  it('refuses invalid Query bodies of POST /temporal/entityOperations/query', async () => {
    const url = `${NGSI}/temporal/entityOperations/query`;
    const temporalQ = { timerel: 'after', timeAt: AT };
    const bodies: unknown[] = [
      { type: 'Query', entities: [{ type: 'Vehicle' }] },
      { type: 'Query', entities: [{ type: 'Vehicle' }], temporalQ: 'after' },
      { type: 'Query', entities: [{ type: 'Vehicle' }], temporalQ: { ...temporalQ, lastN: 'ten' } },
      { type: 'Query', entities: [{ type: 'Vehicle' }], temporalQ: { ...temporalQ, when: 1 } },
      {
        type: 'Query',
        entities: [{ type: 'Vehicle' }],
        temporalQ,
        aggrParams: { aggrMethods: ['avg'] },
      },
      { type: 'Query', temporalQ },
      { type: 'Nope', entities: [{ type: 'Vehicle' }], temporalQ },
      [],
    ];
    for (const body of bodies) await expectProblem(jsonRequest('POST', url, body), 400);
    const ok = await t.request(
      jsonRequest('POST', url, { type: 'Query', entities: [{ type: 'Vehicle' }], temporalQ }),
    );
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.json().length, 1);
  });
});
