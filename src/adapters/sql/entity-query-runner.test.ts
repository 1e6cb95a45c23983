import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entity } from '../../ngsi-ld/model.js';
import type { EntityQuery } from '../../ngsi-ld/query/query.types.js';
import type { CandidatePlan } from './condition-sql.js';
import {
  DRIVER_MAX,
  planCandidates,
  runEntityQuery,
  type CandidateReader,
  type CandidateRow,
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

  /** Every leaf large; the reader can walk. */
  const walker: CandidateReader = { ...keysReader(new Map()), walks: true };
  const TEXT: Condition = {
    kind: 'value',
    attr: 'status',
    tests: [{ kinds: ['s', 'v', 'r'], column: 'str', op: '=', value: 'ok' }],
  };

  it('planCandidates walks a value leaf with the fewest index ranges when none may drive', async () => {
    const plan = await planCandidates(
      { kind: 'and', items: [TYPE, TEXT, ANY_DATE, HEIGHT] },
      walker,
    );
    assert.deepEqual(plan, {
      walk: HEIGHT,
      filter: { kind: 'and', items: [TEXT, ANY_DATE, TYPE] },
    });
  });

  it('planCandidates walks the type when no value leaf can be walked', async () => {
    const plan = await planCandidates({ kind: 'and', items: [TYPE, ANY_DATE] }, walker);
    assert.deepEqual(plan, { walk: TYPE, filter: ANY_DATE });
  });

  it('planCandidates prefers driver keys to a walk, and never walks for a reader that cannot', async () => {
    const small: CandidateReader = {
      ...keysReader(new Map([[NAME, [3]]])),
      walks: true,
    };
    assert.deepEqual(await planCandidates({ kind: 'and', items: [HEIGHT, NAME] }, small), {
      driverKeys: [3],
      filter: HEIGHT,
    });
    assert.deepEqual(
      await planCandidates({ kind: 'and', items: [TYPE, HEIGHT] }, keysReader(new Map())),
      { filter: { kind: 'and', items: [HEIGHT, TYPE] } },
    );
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

  const entity = (id: string): Entity => ({
    id,
    type: ['T'],
    createdAt: '2024-01-01T00:00:00Z',
    modifiedAt: '2024-01-01T00:00:00Z',
    attrs: {},
  });
  /** Answers every select with the same rows, whatever the plan (a store that lied). */
  const rowsReader = (rows: CandidateRow[]): CandidateReader => ({
    select: async (_plan, page) =>
      rows
        .filter((row) => page.afterPk === undefined || row.pk > page.afterPk)
        .slice(0, page.limit),
    count: async () => rows.length,
    keys: async (leaves) => leaves.map(() => undefined),
  });

  it('runEntityQuery takes the rows of an exact translation as the answer, without the exact filter', async () => {
    // Rows the exact filter would reject: only a translation known exact may skip it.
    const rows = [{ pk: 1, entity: entity('urn:b') }];
    const exact: EntityQuery = { types: { anyOf: [['T']] }, limit: 20, offset: 0, count: false };
    assert.deepEqual(
      (await runEntityQuery({ ...exact, types: { anyOf: [['U']] } }, rowsReader(rows))).entities,
      [rows[0]?.entity],
    );
  });

  it('runEntityQuery applies the exact filter to the rows of an inexact translation', async () => {
    const rows = [
      { pk: 1, entity: entity('urn:b') },
      { pk: 2, entity: entity('urn:a:1') },
    ];
    const inexact: EntityQuery = { idPattern: '^urn:a', limit: 20, offset: 0, count: true };
    assert.deepEqual(await runEntityQuery(inexact, rowsReader(rows)), {
      entities: [rows[1]?.entity],
      totalCount: 1,
    });
  });
});
