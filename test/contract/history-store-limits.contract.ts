/**
 * The history store contract, part 3: concurrency, the caps on an answer, and numbers and
 * times at the edges, with identical results on every adapter.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistoryStore } from '../../src/context/ports/history-store.port.js';
import type { AggregationMethod } from '../../src/ngsi-ld/temporal/aggregation.js';
import { parseIsoDuration } from '../../src/ngsi-ld/temporal/iso-duration.js';
import type { TimeWindow } from '../../src/ngsi-ld/temporal/temporal-query.js';
import {
  createHistory,
  iso,
  MINUTE,
  NAME,
  queryOptions,
  readOptions,
  SPEED,
  speedAt,
  T0,
  VEHICLE,
} from './history-store.fixtures.js';

const car = (n: number) => `urn:ngsi-ld:Vehicle:${n}`;
/** More than the connections of the PostgreSQL pool the contract runs with (3). */
const CONCURRENT = 8;
/** A hang (a deadlocked pool) fails the test instead of stalling the run. */
const HANG = { timeout: 20_000 };

export function describeHistoryLimitsContract(getStore: () => HistoryStore): void {
  const aggregate = async (
    store: HistoryStore,
    attr: string,
    methods: AggregationMethod[],
    period = 'PT0S',
    options: { window?: TimeWindow; maxInstances?: number } = {},
  ) => {
    const history = await store.retrieveHistory(
      '',
      car(1),
      readOptions({
        attrs: [attr],
        ...options,
        aggregate: { methods, period: parseIsoDuration(period, 'p'), strict: true },
      }),
    );
    return history?.aggregated?.[attr] ?? [];
  };

  describe('concurrency', () => {
    it(
      'concurrent modifyInstance calls, more than the pool has connections, all complete',
      HANG,
      async () => {
        const store = getStore();
        const values = Array.from({ length: CONCURRENT }, (_, i) => speedAt(i, i));
        await createHistory(store, car(1), { [SPEED]: values });
        const instances = (await store.retrieveHistory('', car(1), readOptions()))?.attrs[SPEED]
          ?.instances;
        assert.equal(instances?.length, CONCURRENT);
        const at = '2026-02-01T00:00:00.000Z';
        const done = await Promise.all(
          (instances ?? []).map((instance, i) =>
            store.modifyInstance('', car(1), SPEED, instance.instanceId, speedAt(i, i + 100), at),
          ),
        );
        assert.deepEqual(done, Array<boolean>(CONCURRENT).fill(true));
        const after = await store.retrieveHistory('', car(1), readOptions());
        assert.deepEqual(
          after?.attrs[SPEED]?.instances.map((i) => i.attribute.value),
          values.map((_, i) => i + 100),
        );
      },
    );

    it('of two writes creating one entity at once, exactly one creates it', HANG, async () => {
      const store = getStore();
      const outcomes = await Promise.all(
        [1, 2, 3, 4].flatMap((n) =>
          ['A', 'B'].map((type) =>
            store.appendInstances(
              '',
              { id: car(n), type: [`${VEHICLE}${type}`], attrs: { [SPEED]: [speedAt(n, n)] } },
              { at: '2026-01-01T00:00:00.000Z', create: true, createTenant: false },
            ),
          ),
        ),
      );
      for (let n = 0; n < 4; n++)
        assert.deepEqual(outcomes.slice(2 * n, 2 * n + 2).sort(), ['appended', 'created']);
      const history = await store.retrieveHistory('', car(1), readOptions());
      assert.deepEqual(history?.type.sort(), [`${VEHICLE}A`, `${VEHICLE}B`]);
      assert.equal(history?.attrs[SPEED]?.instances.length, 2);
    });
  });

  describe('caps on an answer', () => {
    it('aggregation keeps at most maxInstances periods, whole periods only, and flags the cut', async () => {
      const store = getStore();
      await createHistory(store, car(1), {
        [SPEED]: [0, 1, 2, 3, 4].flatMap((m) => [
          speedAt(m, m),
          speedAt(m, 10 * m, { datasetId: 'urn:ds:radar' }),
        ]),
      });
      const series = await aggregate(store, SPEED, ['sum'], 'PT1M', { maxInstances: 3 });
      // Three (dataset, period) pairs: minute 0 of both datasets; minute 1 would be split.
      assert.deepEqual(
        series.map((s) => [s.datasetId, s.truncated, s.periods.map((p) => p.values.sum)]),
        [
          [undefined, true, [0]],
          ['urn:ds:radar', true, [0]],
        ],
      );
      const whole = await aggregate(store, SPEED, ['sum'], 'PT1M', { maxInstances: 10 });
      assert.deepEqual(
        whole.map((s) => [s.truncated, s.periods.length]),
        [
          [undefined, 5],
          [undefined, 5],
        ],
      );
    });

    it('maxAnswerInstances shares an answer among entities and attributes', async () => {
      const store = getStore();
      for (const n of [1, 2, 3])
        await createHistory(store, car(n), {
          [SPEED]: [1, 2, 3, 4, 5, 6].map((m) => speedAt(m, m)),
          [NAME]: [speedAt(1, 'a')],
        });
      const page = await store.queryHistory('', queryOptions({ maxAnswerInstances: 12 }));
      // Shares of what is left: 12/3 = 4 (2 per attribute), 9/2 = 4 (2), then 6 (3).
      assert.deepEqual(
        page.entities.map((e) => [
          e.attrs[SPEED]?.instances.length,
          e.attrs[SPEED]?.truncated,
          e.attrs[NAME]?.truncated,
        ]),
        [
          [2, true, false],
          [2, true, false],
          [3, true, false],
        ],
      );
      const one = await store.retrieveHistory(
        '',
        car(1),
        readOptions({ maxAnswerInstances: 100, maxInstances: 4 }),
      );
      assert.equal(one?.attrs[SPEED]?.instances.length, 4);
    });
  });

  describe('numbers and times at the edges', () => {
    it('stddev is numerically stable: 1e9, 1e9+1, 1e9+2 give 1', async () => {
      const store = getStore();
      await createHistory(store, car(1), {
        [SPEED]: [1e9, 1e9 + 1, 1e9 + 2].map((v, m) => speedAt(m, v)),
      });
      const [series] = await aggregate(store, SPEED, ['stddev', 'avg']);
      assert.deepEqual(series?.periods[0]?.values, { stddev: 1, avg: 1e9 + 1 });
    });

    it('sums of numbers too large to add are null, not an error; min and max stay', async () => {
      const store = getStore();
      await createHistory(store, car(1), {
        [SPEED]: [speedAt(0, 1e200), speedAt(1, 1e200), speedAt(10, 3)],
      });
      const series = await aggregate(
        store,
        SPEED,
        ['sum', 'avg', 'stddev', 'sumsq', 'max', 'totalCount'],
        'PT5M',
      );
      assert.deepEqual(
        series[0]?.periods.map((p) => p.values),
        [
          { sum: null, avg: null, stddev: null, sumsq: null, max: 1e200, totalCount: 2 },
          { sum: 3, avg: 3, stddev: 0, sumsq: 9, max: 3, totalCount: 1 },
        ],
      );
    });

    it('series come default instance first, then datasetIds in code-point order, each with its kind', async () => {
      const store = getStore();
      const relationship = (m: number, datasetId: string) => ({
        type: 'Relationship' as const,
        object: 'urn:x:1',
        observedAt: iso(T0 + m * MINUTE),
        datasetId,
      });
      await createHistory(store, car(1), {
        [SPEED]: [
          speedAt(0, 1, { datasetId: 'urn:ds:\u{1F600}' }),
          speedAt(1, 2, { datasetId: 'urn:ds:\uFFFD' }),
          relationship(2, 'urn:ds:b'),
          speedAt(3, 4),
          speedAt(4, 5, { datasetId: 'urn:ds:a' }),
        ],
      });
      const series = await aggregate(store, SPEED, ['totalCount'], 'PT1M');
      assert.deepEqual(
        series.map((s) => [s.datasetId, s.kind]),
        [
          [undefined, 'Property'],
          ['urn:ds:a', 'Property'],
          ['urn:ds:b', 'Relationship'],
          ['urn:ds:\uFFFD', 'Property'],
          ['urn:ds:\u{1F600}', 'Property'],
        ],
      );
    });

    it('PT0S without an end in the query ends one millisecond after the last instance', async () => {
      const store = getStore();
      await createHistory(store, car(1), { [SPEED]: [speedAt(1, 1), speedAt(5, 2)] });
      const window: TimeWindow = { timeproperty: 'observedAt', timerel: 'after', from: T0 };
      const [series] = await aggregate(store, SPEED, ['sum'], 'PT0S', { window });
      assert.deepEqual(
        series?.periods.map((p) => [p.start, p.end, p.values.sum]),
        [[iso(T0), iso(T0 + 5 * MINUTE + 1), 3]],
      );
    });

    it('downsampling before 1970 puts instances into the periods they lie in', async () => {
      const store = getStore();
      const at = (text: string, value: number) => ({
        type: 'Property' as const,
        value,
        observedAt: text,
      });
      await createHistory(store, car(1), {
        [SPEED]: [
          at('1969-12-31T23:59:58.000Z', 1),
          at('1969-12-31T23:59:59.000Z', 3),
          at('1970-01-01T00:00:01.000Z', 10),
        ],
      });
      const rule = {
        downsample: { after: parseIsoDuration('P1D', 'p'), period: parseIsoDuration('PT1H', 'p') },
      };
      const now = new Date('2026-01-01T00:00:00Z');
      assert.deepEqual(await store.applyRetention([rule], now), {
        deleted: 0,
        downsampled: 2,
        inserted: 1,
      });
      const history = await store.retrieveHistory('', car(1), readOptions());
      assert.deepEqual(
        history?.attrs[SPEED]?.instances.map((i) => [i.attribute.value, i.attribute.observedAt]),
        [
          [2, '1969-12-31T23:00:00.000Z'],
          [10, '1970-01-01T00:00:01.000Z'],
        ],
      );
      assert.deepEqual(await store.applyRetention([rule], now), {
        deleted: 0,
        downsampled: 0,
        inserted: 0,
      });
    });
  });
}
