import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EntityQuery } from '../../ngsi-ld/query/query.types.js';
import type { CandidatePlan } from './condition-sql.js';
import {
  DRIVER_MAX,
  planCandidates,
  runEntityQuery,
  type CandidateReader,
} from './entity-query-runner.js';
import type { Condition } from './query-condition.js';

const TYPE: Condition = { kind: 'type', type: 'T' };
const HEIGHT: Condition = {
  kind: 'value',
  attr: 'height',
  tests: [{ kinds: ['n'], column: 'num', op: '=', value: 9 }],
};
const NAME: Condition = {
  kind: 'value',
  attr: 'name',
  tests: [{ kinds: ['s'], column: 'str', op: '=', value: 'x' }],
};
const BOX: Condition = { kind: 'bbox', attr: 'location', box: [0, 0, 1, 1] };
/** A test on the kind alone has no index to read: never asked for keys. */
const ANY_DATE: Condition = { kind: 'value', attr: 'date', tests: [{ kinds: ['d'], op: 'any' }] };

const many = (from: number): number[] => Array.from({ length: DRIVER_MAX + 1 }, (_, i) => from + i);

/** A reader answering keys from a table; it records what it was asked. */
function keysReader(sizes: Map<Condition, number[] | undefined>): CandidateReader & {
  asked: Condition[][];
  selected: CandidatePlan[];
} {
  const asked: Condition[][] = [];
  const selected: CandidatePlan[] = [];
  return {
    asked,
    selected,
    select: async (plan) => {
      selected.push(plan);
      return [];
    },
    count: async () => 0,
    keys: async (leaves) => {
      asked.push(leaves);
      return leaves.map((leaf) => sizes.get(leaf));
    },
  };
}

describe('planCandidates', () => {
  it('planCandidates drives from the intersection of every leaf read completely', async () => {
    const reader = keysReader(
      new Map<Condition, number[] | undefined>([
        [TYPE, many(1)],
        [NAME, [9, 4, 7, 4]],
        [BOX, [7, 8, 4]],
      ]),
    );
    const plan = await planCandidates({ kind: 'and', items: [TYPE, NAME, BOX] }, reader);
    assert.deepEqual(plan, { driverKeys: [4, 7], filter: TYPE });
    assert.deepEqual(reader.asked, [[TYPE, NAME, BOX]]);
  });

  it('planCandidates probes every leaf when none is selective, value tests before types', async () => {
    const reader = keysReader(
      new Map<Condition, number[] | undefined>([
        [TYPE, undefined],
        [HEIGHT, many(5)],
      ]),
    );
    const plan = await planCandidates({ kind: 'and', items: [TYPE, ANY_DATE, HEIGHT] }, reader);
    assert.deepEqual(plan, { filter: { kind: 'and', items: [ANY_DATE, HEIGHT, TYPE] } });
    assert.deepEqual(reader.asked, [[TYPE, HEIGHT]]);
  });

  it('planCandidates reads no keys when no leaf has an index', async () => {
    const reader = keysReader(new Map());
    assert.deepEqual(await planCandidates(ANY_DATE, reader), { filter: ANY_DATE });
    assert.deepEqual(reader.asked, []);
  });

  it('planCandidates picks the smallest estimate as driver without a keys reader', async () => {
    const sizes = new Map<Condition, number>([
      [TYPE, DRIVER_MAX + 1],
      [HEIGHT, 40],
      [NAME, 12],
    ]);
    const reader: CandidateReader = {
      select: async () => [],
      count: async () => 0,
      estimate: async (leaf) => sizes.get(leaf) ?? 0,
    };
    const plan = await planCandidates({ kind: 'and', items: [TYPE, HEIGHT, NAME] }, reader);
    assert.deepEqual(plan, { driver: NAME, filter: { kind: 'and', items: [HEIGHT, TYPE] } });
  });
});

describe('runEntityQuery', () => {
  const query: EntityQuery = {
    types: { anyOf: [['T']] },
    ids: ['urn:a'],
    limit: 20,
    offset: 0,
    count: true,
  };

  it('runEntityQuery answers nothing without reading entities when a driver set is empty', async () => {
    const selected: CandidatePlan[] = [];
    const reader: CandidateReader = {
      select: async (plan) => {
        selected.push(plan);
        return [];
      },
      count: async () => 0,
      // No entity has the id; the type is large.
      keys: async (leaves) => leaves.map((leaf) => (leaf.kind === 'ids' ? [] : undefined)),
    };
    assert.deepEqual(await runEntityQuery(query, reader), { entities: [], totalCount: 0 });
    assert.deepEqual(selected, []);
  });
});
