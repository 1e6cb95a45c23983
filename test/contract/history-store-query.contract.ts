/**
 * The history store contract, part 2: Query Temporal Evolution (entity filters evaluated
 * against the instances in the window, pagination), aggregation, retention.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistoryStore } from '../../src/context/ports/history-store.port.js';
import { isProblemDetails } from '../../src/ngsi-ld/problem-details.js';
import { parseIsoDuration } from '../../src/ngsi-ld/temporal/iso-duration.js';
import { parseQ } from '../../src/ngsi-ld/query/q-parser.js';
import {
  BUS,
  createHistory,
  HOUR,
  iso,
  MINUTE,
  NAME,
  NS,
  queryOptions,
  readOptions,
  SPEED,
  speedAt,
  T0,
  VEHICLE,
} from './history-store.fixtures.js';

const car = (n: number) => `urn:ngsi-ld:Vehicle:${n}`;
const expand = (term: string) => (term.includes(':') ? term : NS + term);
const between = (fromMin: number, toMin: number) => ({
  timeproperty: 'observedAt' as const,
  timerel: 'between' as const,
  from: T0 + fromMin * MINUTE,
  to: T0 + toMin * MINUTE,
});

export function describeHistoryQueryContract(getStore: () => HistoryStore): void {
  describe('queryHistory', () => {
    async function seed(store: HistoryStore) {
      // car 1: fast at minute 10; car 2: slow; car 3 (a Bus): only before the window.
      await createHistory(store, car(1), { [SPEED]: [speedAt(1, 30), speedAt(10, 130)] });
      await createHistory(store, car(2), { [SPEED]: [speedAt(2, 20), speedAt(12, 40)] });
      await createHistory(store, car(3), { [SPEED]: [speedAt(-30, 200)] }, { type: [BUS] });
      await createHistory(store, car(4), { [NAME]: [speedAt(5, 'x')] });
    }
    const ids = (page: { entities: Array<{ id: string }> }) => page.entities.map((e) => e.id);

    it('queryHistory keeps entities with instances in the window, in creation order', async () => {
      const store = getStore();
      await seed(store);
      const page = await store.queryHistory(
        '',
        queryOptions({ filter: { types: { anyOf: [[VEHICLE], [BUS]] } }, window: between(0, 60) }),
      );
      assert.deepEqual(ids(page), [car(1), car(2), car(4)]);
      const speeds = await store.queryHistory(
        '',
        queryOptions({ attrs: [SPEED], filter: { attrs: [SPEED] }, window: between(0, 60) }),
      );
      assert.deepEqual(ids(speeds), [car(1), car(2)]);
      assert.deepEqual(Object.keys(speeds.entities[0]?.attrs ?? {}), [SPEED]);
    });

    it('queryHistory evaluates q against the instances in the window (temporal.md §3)', async () => {
      const store = getStore();
      await seed(store);
      const q = parseQ('speed>100', expand);
      const inWindow = await store.queryHistory(
        '',
        queryOptions({ filter: { q }, window: between(0, 60) }),
      );
      assert.deepEqual(ids(inWindow), [car(1)]);
      const early = await store.queryHistory(
        '',
        queryOptions({ filter: { q }, window: between(0, 5) }),
      );
      assert.deepEqual(ids(early), []);
      const whole = await store.queryHistory(
        '',
        queryOptions({
          filter: { q },
          window: { timeproperty: 'observedAt', timerel: 'before', to: T0 + HOUR },
        }),
      );
      assert.deepEqual(ids(whole), [car(1), car(3)]);
    });

    it('queryHistory filters on ids, idPattern and type expressions', async () => {
      const store = getStore();
      await seed(store);
      const all = {
        timeproperty: 'observedAt' as const,
        timerel: 'after' as const,
        from: T0 - HOUR,
      };
      const byId = await store.queryHistory(
        '',
        queryOptions({ filter: { ids: [car(2), car(3)] }, window: all }),
      );
      assert.deepEqual(ids(byId), [car(2), car(3)]);
      const pattern = await store.queryHistory(
        '',
        queryOptions({ filter: { idPattern: '[34]$' }, window: all }),
      );
      assert.deepEqual(ids(pattern), [car(3), car(4)]);
      const both = await store.queryHistory(
        '',
        queryOptions({ filter: { types: { anyOf: [[VEHICLE, BUS]] } }, window: all }),
      );
      assert.deepEqual(ids(both), []);
    });

    it('queryHistory pages and counts, with and without in-memory filters', async () => {
      const store = getStore();
      for (let i = 1; i <= 5; i++) await createHistory(store, car(i), { [SPEED]: [speedAt(i, i)] });
      const window = between(0, 60);
      const page = await store.queryHistory(
        '',
        queryOptions({ window, limit: 2, offset: 1, count: true }),
      );
      assert.deepEqual(ids(page), [car(2), car(3)]);
      assert.equal(page.totalCount, 5);
      const filtered = await store.queryHistory(
        '',
        queryOptions({ window, filter: { idPattern: '[1-4]$' }, limit: 2, offset: 2, count: true }),
      );
      assert.deepEqual(ids(filtered), [car(3), car(4)]);
      assert.equal(filtered.totalCount, 4);
      const none = await store.queryHistory('', queryOptions({ window, limit: 0, count: true }));
      assert.deepEqual([ids(none), none.totalCount], [[], 5]);
    });
  });

  describe('aggregation', () => {
    const hourly = (methods: string[], strict = true) => ({
      methods: methods as never,
      period: parseIsoDuration('PT1H', 'p'),
      strict,
    });

    it('aggregates numbers per period from the start of the window (temporal.md §2)', async () => {
      const store = getStore();
      // 12:10 → 2, 12:20 → 4, 13:05 → 4, 13:06 → 5, 13:07 → 5, 13:50 → 7, 14:30 → 9
      const values: Array<[number, number]> = [
        [10, 2],
        [20, 4],
        [65, 4],
        [66, 5],
        [67, 5],
        [110, 7],
        [150, 9],
      ];
      await createHistory(store, car(1), { [SPEED]: values.map(([m, v]) => speedAt(m, v)) });
      const history = await store.retrieveHistory(
        '',
        car(1),
        readOptions({
          window: between(0, 180),
          aggregate: hourly([
            'totalCount',
            'distinctCount',
            'sum',
            'avg',
            'min',
            'max',
            'sumsq',
            'stddev',
          ]),
        }),
      );
      const [series] = history?.aggregated?.[SPEED] ?? [];
      assert.equal(series?.kind, 'Property');
      assert.deepEqual(
        series?.periods.map((p) => [p.start, p.end]),
        [0, 1, 2].map((h) => [iso(T0 + h * HOUR), iso(T0 + (h + 1) * HOUR)]),
      );
      const second = series?.periods[1]?.values;
      assert.deepEqual(
        [
          second?.totalCount,
          second?.distinctCount,
          second?.sum,
          second?.avg,
          second?.min,
          second?.max,
          second?.sumsq,
        ],
        [4, 3, 21, 5.25, 4, 7, 115],
      );
      assert.ok(Math.abs(Number(second?.stddev) - Math.sqrt(4.75 / 3)) < 1e-9);
    });

    it('PT0S is one period over the window; P1M periods follow the calendar', async () => {
      const store = getStore();
      const day = 24 * HOUR;
      await createHistory(store, car(1), {
        [SPEED]: [0, 20, 40, 70].map((d, i) => ({
          type: 'Property',
          value: i,
          observedAt: iso(Date.parse('2026-01-01T00:00:00Z') + d * day),
        })),
      });
      const whole = await store.retrieveHistory(
        '',
        car(1),
        readOptions({
          aggregate: { methods: ['sum'], period: parseIsoDuration('PT0S', 'p'), strict: true },
        }),
      );
      const [all] = whole?.aggregated?.[SPEED] ?? [];
      assert.deepEqual(
        all?.periods.map((p) => [p.start, p.end, p.values.sum]),
        // Periods are [start, end): the last instance lies inside, one millisecond before the end.
        [['2026-01-01T00:00:00.000Z', '2026-03-12T00:00:00.001Z', 6]],
      );
      const monthly = await store.retrieveHistory(
        '',
        car(1),
        readOptions({
          aggregate: {
            methods: ['totalCount'],
            period: parseIsoDuration('P1M', 'p'),
            strict: true,
          },
        }),
      );
      assert.deepEqual(
        monthly?.aggregated?.[SPEED]?.[0]?.periods.map((p) => [p.start, p.values.totalCount]),
        [
          ['2026-01-01T00:00:00.000Z', 2],
          ['2026-02-01T00:00:00.000Z', 1],
          ['2026-03-01T00:00:00.000Z', 1],
        ],
      );
    });

    it('strings aggregate by text order; inapplicable methods are refused or left out', async () => {
      const store = getStore();
      await createHistory(store, car(1), {
        [NAME]: [speedAt(1, 'beta'), speedAt(2, 'alpha\u0000x'), speedAt(3, 'beta')],
        [SPEED]: [speedAt(1, 10)],
      });
      const window = between(0, 60);
      const history = await store.retrieveHistory(
        '',
        car(1),
        readOptions({ window, attrs: [NAME], aggregate: hourly(['min', 'max', 'distinctCount']) }),
      );
      const values = history?.aggregated?.[NAME]?.[0]?.periods[0]?.values;
      assert.deepEqual(values, { min: 'alpha\u0000x', max: 'beta', distinctCount: 2 });
      await assert.rejects(
        store.retrieveHistory(
          '',
          car(1),
          readOptions({ window, attrs: [NAME], aggregate: hourly(['avg']) }),
        ),
        (error: unknown) => isProblemDetails(error) && error.status === 400,
      );
      const lenient = await store.retrieveHistory(
        '',
        car(1),
        readOptions({ window, aggregate: hourly(['avg', 'totalCount'], false) }),
      );
      assert.deepEqual(lenient?.aggregated?.[NAME]?.[0]?.periods[0]?.values, { totalCount: 3 });
      assert.deepEqual(lenient?.aggregated?.[SPEED]?.[0]?.periods[0]?.values, {
        avg: 10,
        totalCount: 1,
      });
    });
  });

  describe('retention', () => {
    const now = new Date('2018-08-10T00:00:00Z');

    it('maxAge deletes older instances of the rule’s tenant and attributes only', async () => {
      const store = getStore();
      const old = speedAt(0, 1);
      const recent = { ...speedAt(0, 2), observedAt: '2018-08-09T00:00:00.000Z' };
      await createHistory(store, car(1), { [SPEED]: [old, recent], [NAME]: [old] });
      await createHistory(store, car(1), { [SPEED]: [old] }, { tenant: 'other' });
      const report = await store.applyRetention(
        [{ tenant: '', attrs: [SPEED], maxAge: parseIsoDuration('P7D', 'p') }],
        now,
      );
      assert.equal(report.deleted, 1);
      const history = await store.retrieveHistory('', car(1), readOptions());
      assert.deepEqual(
        history?.attrs[SPEED]?.instances.map((i) => i.attribute.value),
        [2],
      );
      assert.equal(history?.attrs[NAME]?.instances.length, 1);
      const other = await store.retrieveHistory('other', car(1), readOptions());
      assert.equal(other?.attrs[SPEED]?.instances.length, 1);
      const everything = await store.applyRetention(
        [{ maxAge: parseIsoDuration('P1D', 'p') }],
        now,
      );
      assert.equal(everything.deleted, 2);
    });

    it('downsampling averages numbers per whole period and keeps the last of other values', async () => {
      const store = getStore();
      await createHistory(store, car(1), {
        [SPEED]: [
          speedAt(0, 10, { unitCode: 'KMH' }),
          speedAt(20, 20),
          speedAt(40, 60),
          speedAt(70, 5),
        ],
        [NAME]: [speedAt(0, 'a'), speedAt(30, 'b')],
      });
      const rule = {
        downsample: { after: parseIsoDuration('P1D', 'p'), period: parseIsoDuration('PT1H', 'p') },
      };
      const report = await store.applyRetention([rule], now);
      assert.deepEqual(report, { deleted: 0, downsampled: 4, inserted: 1 });
      const history = await store.retrieveHistory('', car(1), readOptions());
      assert.deepEqual(
        history?.attrs[SPEED]?.instances.map((i) => [
          i.attribute.value,
          i.attribute.observedAt,
          i.attribute.unitCode,
        ]),
        [
          [30, iso(T0), undefined],
          [5, iso(T0 + 70 * MINUTE), undefined],
        ],
      );
      assert.deepEqual(
        history?.attrs[NAME]?.instances.map((i) => i.attribute.value),
        ['b'],
      );
      assert.deepEqual(await store.applyRetention([rule], now), {
        deleted: 0,
        downsampled: 0,
        inserted: 0,
      });
    });
  });
}
