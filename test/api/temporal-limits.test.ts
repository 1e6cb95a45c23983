/**
 * The temporal API's limits (docs/temporal.md, Cut answers; Reading): 206 + Content-Range
 * when an answer would hold too many instances or periods, durations too long to make
 * periods of, and times with more than millisecond precision.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ETSI_ERRORS,
  NGSI,
  createTestApp,
  jsonRequest,
  type TestApp,
} from '../support/test-app.js';

const T = (minute: number) => `2018-08-01T12:${String(minute).padStart(2, '0')}:00.000Z`;
const speed = (value: number, minute: number) => ({
  type: 'Property',
  value,
  observedAt: T(minute),
});

describe('temporal API limits', () => {
  /** temporalMaxInstances 3: 3 instances per attribute, 30 per answer. */
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ temporalMaxInstances: 3 });
  });
  after(() => t.close());

  const get = (url: string) => t.request({ method: 'GET', url: `${NGSI}${url}` });
  const post = (body: object) =>
    t.request(jsonRequest('POST', `${NGSI}/temporal/entities`, body)).then((res) => {
      assert.ok(res.statusCode === 201 || res.statusCode === 204, res.body);
    });

  it('a query answer holds at most 10 × temporalMaxInstances instances, then 206', async () => {
    for (let n = 0; n < 12; n++)
      await post({
        id: `urn:ngsi-ld:Car:${n}`,
        type: 'Car',
        speed: [1, 2, 3].map((m) => speed(m, m)),
      });
    const res = await get(`/temporal/entities?type=Car&timerel=after&timeAt=${T(0)}&limit=12`);
    assert.equal(res.statusCode, 206);
    const cars = res.json() as Array<{ speed: unknown[] }>;
    assert.equal(cars.length, 12);
    const instances = cars.reduce((total, car) => total + car.speed.length, 0);
    assert.ok(instances <= 30, `${instances} instances`);
    assert.equal(res.headers['content-range'], `date-time ${T(1)}-${T(2)}/*`);
    const few = await get(`/temporal/entities?type=Car&timerel=after&timeAt=${T(0)}&limit=5`);
    assert.equal(few.statusCode, 200);
  });

  it('an aggregation holds at most temporalMaxInstances periods per attribute, then 206', async () => {
    await post({
      id: 'urn:ngsi-ld:Car:agg',
      type: 'Car',
      speed: [1, 2, 3, 4, 5].map((m) => speed(m, m)),
    });
    const url = (window: string) =>
      `/temporal/entities/urn:ngsi-ld:Car:agg?format=aggregatedValues&aggrMethods=sum&aggrPeriodDuration=PT1M${window}`;
    const first = await get(url(''));
    assert.equal(first.statusCode, 206);
    assert.equal(first.headers['content-range'], `date-time ${T(1)}-${T(4)}/*`);
    assert.deepEqual(first.json().speed.sum, [
      [1, T(1), T(2)],
      [2, T(2), T(3)],
      [3, T(3), T(4)],
    ]);
    const rest = await get(url(`&timerel=after&timeAt=${T(4)}`));
    assert.equal(rest.statusCode, 200);
    assert.deepEqual(rest.json().speed.sum, [
      [4, T(4), T(5)],
      [5, T(5), T(6)],
    ]);
  });

  it('refuses an aggrPeriodDuration longer than 1000 years with 400 BadRequestData', async () => {
    const id = 'urn:ngsi-ld:Car:agg';
    for (const duration of ['P1001Y', 'P999999Y', 'P99999999D', 'PT999999999999S', 'P12001M']) {
      const res = await get(
        `/temporal/entities/${id}?format=aggregatedValues&aggrMethods=sum&aggrPeriodDuration=${duration}`,
      );
      assert.equal(res.statusCode, 400, duration);
      assert.equal(res.json().type, `${ETSI_ERRORS}BadRequestData`);
      assert.match(res.json().detail, /longer than 1000 years/);
    }
    const longest = await get(
      `/temporal/entities/${id}?format=aggregatedValues&aggrMethods=sum&aggrPeriodDuration=P1000Y`,
    );
    assert.equal(longest.statusCode, 200);
  });

  it('compares times with sub-millisecond digits exactly against instances placed at their millisecond', async () => {
    const id = 'urn:ngsi-ld:Car:micro';
    await post({
      id,
      type: 'Car',
      speed: [{ type: 'Property', value: 1, observedAt: '2018-08-01T12:00:00.000500Z' }],
    });
    const values = async (query: string) => {
      const res = await get(`/temporal/entities/${id}?${query}`);
      assert.equal(res.statusCode, 200, res.body);
      return (res.json().speed ?? []).map((i: { value: number }) => i.value);
    };
    // The instance is placed at 12:00:00.000 (its text is kept).
    assert.deepEqual(await values('timerel=after&timeAt=2018-08-01T12:00:00.000999Z'), []);
    assert.deepEqual(await values('timerel=before&timeAt=2018-08-01T12:00:00.000999Z'), [1]);
    assert.deepEqual(await values('timerel=after&timeAt=2018-08-01T12:00:00.000000Z'), [1]);
    assert.deepEqual(
      await values(
        'timerel=between&timeAt=2018-08-01T11:59:59.999999Z&endTimeAt=2018-08-01T12:00:00.000001Z',
      ),
      [1],
    );
    const instance = await get(`/temporal/entities/${id}`);
    assert.equal(instance.json().speed[0].observedAt, '2018-08-01T12:00:00.000500Z');
  });
});
