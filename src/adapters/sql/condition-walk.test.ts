import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sqliteDialect } from '../sqlite/sqlite-dialect.js';
import { renderWalk, walkKeyCount, WALK_MAX_KEYS } from './condition-walk.js';
import type { Condition } from './query-condition.js';

const HOSTILE = "x'); DROP TABLE entities; --";
const TEXT: Condition = {
  kind: 'value',
  attr: HOSTILE,
  tests: [{ kinds: ['s', 'v', 'r'], column: 'str', op: '=', value: HOSTILE }],
};

describe('walkKeyCount', () => {
  it('walkKeyCount counts one index range per kind and value of equality tests', () => {
    assert.equal(walkKeyCount({ kind: 'type', type: 'T' }), 1);
    assert.equal(walkKeyCount(TEXT), 3);
    const list: Condition = {
      kind: 'value',
      attr: 'a',
      tests: [
        { kinds: ['n'], column: 'num', op: 'in', values: [1, 2] },
        { kinds: ['v'], column: 'str', op: '=', value: 'urn:x' },
      ],
    };
    assert.equal(walkKeyCount(list), 3);
  });

  it('walkKeyCount refuses ranges, kind-only tests, other leaves and too many keys', () => {
    const value = (test: Extract<Condition, { kind: 'value' }>['tests'][number]): Condition => ({
      kind: 'value',
      attr: 'a',
      tests: [test],
    });
    assert.equal(
      walkKeyCount(value({ kinds: ['n'], column: 'num', op: '<', value: 1 })),
      undefined,
    );
    assert.equal(
      walkKeyCount(value({ kinds: ['n'], column: 'num', op: 'between', min: 1, max: 2 })),
      undefined,
    );
    assert.equal(walkKeyCount(value({ kinds: ['d'], op: 'any' })), undefined);
    const many = Array.from({ length: WALK_MAX_KEYS + 1 }, (_, i) => i);
    assert.equal(
      walkKeyCount(value({ kinds: ['n'], column: 'num', op: 'in', values: many })),
      undefined,
    );
    for (const leaf of [
      { kind: 'ids', ids: ['urn:a'] },
      { kind: 'attrs', attrs: ['a'] },
      { kind: 'target', attr: 'a' },
      { kind: 'bbox', attr: 'a', box: [0, 0, 1, 1] },
      { kind: 'noValue', attr: 'a', tests: [{ kinds: ['n'], column: 'num', op: '=', value: 1 }] },
    ] satisfies Condition[]) {
      assert.equal(walkKeyCount(leaf), undefined, leaf.kind);
    }
  });
});

describe('renderWalk', () => {
  it('renderWalk merges the ranges of several keys with UNION and binds every value', () => {
    const params = sqliteDialect.newParams();
    const sql = renderWalk(sqliteDialect, params, HOSTILE, TEXT, 41);
    assert.equal(sql.split(' UNION ').length, 3);
    assert.match(sql, / ORDER BY pk$/);
    assert.ok(!sql.includes(HOSTILE), 'values are parameters');
    // tenant, attribute, value and afterPk of each range, in placeholder order
    const range = [HOSTILE, HOSTILE, HOSTILE, 41];
    assert.deepEqual(params.values, [...range, ...range, ...range]);
  });

  it('renderWalk reads one range grouped by pk', () => {
    const params = sqliteDialect.newParams();
    const sql = renderWalk(sqliteDialect, params, 't', { kind: 'type', type: 'T' }, undefined);
    assert.equal(
      sql,
      'SELECT entity_pk AS pk FROM entity_types WHERE tenant = ? AND type = ? GROUP BY pk ORDER BY pk',
    );
    assert.deepEqual(params.values, ['t', 'T']);
  });
});
