import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { postgresDialect } from '../postgres/postgres-dialect.js';
import { sqliteDialect } from '../sqlite/sqlite-dialect.js';
import { renderCandidateCount, renderCandidateSelect, renderCappedCount } from './condition-sql.js';
import type { Condition } from './query-condition.js';

const HOSTILE = "x'); DROP TABLE entities; --";

const everyLeaf: Condition = {
  kind: 'and',
  items: [
    { kind: 'ids', ids: [HOSTILE] },
    {
      kind: 'or',
      items: [
        { kind: 'type', type: HOSTILE },
        { kind: 'attrs', attrs: [HOSTILE] },
      ],
    },
    { kind: 'target', attr: HOSTILE },
    {
      kind: 'value',
      attr: HOSTILE,
      tests: [
        { kinds: ['s', 'v'], column: 'str', op: '<', value: HOSTILE },
        { kinds: ['s'], column: 'str', op: 'in', values: [HOSTILE] },
        { kinds: ['s'], column: 'str', op: 'between', min: HOSTILE, max: HOSTILE },
        { kinds: ['n'], column: 'num', op: 'in', values: [1] },
        { kinds: ['d'], op: 'any' },
      ],
    },
    { kind: 'noValue', attr: HOSTILE, tests: [{ kinds: ['n'], column: 'num', op: '=', value: 1 }] },
    { kind: 'bbox', attr: HOSTILE, box: [1, 2, 3, 4] },
  ],
};

describe('renderCandidateSelect', () => {
  for (const [name, dialect] of [
    ['SQLite', sqliteDialect],
    ['PostgreSQL', postgresDialect],
  ] as const) {
    it(`renderCandidateSelect binds every value as a parameter (${name})`, () => {
      const rendered = renderCandidateSelect(
        dialect,
        HOSTILE,
        { driver: { kind: 'type', type: HOSTILE }, filter: everyLeaf },
        {
          afterPk: 7,
          limit: 5,
          offset: 2,
        },
      );
      assert.ok(!rendered.text.includes('DROP'), rendered.text);
      assert.ok(rendered.params.some((p) => p === HOSTILE));
      assert.deepEqual(rendered.params.slice(-3), [7, 5, 2]);
      const placeholders =
        name === 'SQLite'
          ? (rendered.text.match(/\?/g) ?? []).length
          : new Set(rendered.text.match(/\$\d+/g)).size;
      assert.equal(placeholders, rendered.params.length);
    });
  }

  it('renderCandidateSelect reads the driver set first and probes the rest per entity', () => {
    const { text } = renderCandidateSelect(
      sqliteDialect,
      't',
      { driver: { kind: 'type', type: 'T' }, filter: everyLeaf },
      { limit: 1 },
    );
    assert.match(
      text,
      /^SELECT e\.pk AS pk, e\.doc AS doc FROM entities e WHERE e\.tenant = \? AND e\.pk IN \(SELECT entity_pk AS pk FROM entity_types WHERE tenant = \? AND type = \?\) AND \(/,
    );
    assert.match(
      text,
      /\(EXISTS \(SELECT 1 FROM entity_types t WHERE t\.entity_pk = e\.pk AND t\.type = \?\) OR EXISTS \(SELECT 1 FROM attr_values x WHERE x\.entity_pk = e\.pk/,
    );
    assert.match(text, /ORDER BY e\.pk LIMIT \?$/);
  });

  it('renderCandidateSelect reads every entity of the tenant for an unrestricted condition', () => {
    const rendered = renderCandidateSelect(
      postgresDialect,
      't',
      { filter: { kind: 'all' } },
      { limit: 3 },
    );
    assert.equal(
      rendered.text,
      'SELECT e.pk AS pk, e.doc::text AS doc FROM entities e WHERE e.tenant = $1 ORDER BY e.pk LIMIT $2',
    );
    assert.deepEqual(rendered.params, ['t', 3]);
  });
});

describe('renderCandidateCount', () => {
  it('renderCandidateCount counts the same set as the select', () => {
    const rendered = renderCandidateCount(sqliteDialect, 't', {
      filter: { kind: 'type', type: 'T' },
    });
    assert.equal(
      rendered.text,
      'SELECT COUNT(*) AS n FROM entities e WHERE e.tenant = ? AND EXISTS (SELECT 1 FROM entity_types t WHERE t.entity_pk = e.pk AND t.type = ?)',
    );
    assert.deepEqual(rendered.params, ['t', 'T']);
  });
});

describe('renderCappedCount', () => {
  it('renderCappedCount counts one leaf through its index, no further than the cap', () => {
    const rendered = renderCappedCount(postgresDialect, 't', { kind: 'type', type: 'T' }, 2001);
    assert.equal(
      rendered.text,
      'SELECT COUNT(*) AS n FROM (SELECT entity_pk AS pk FROM entity_types WHERE tenant = $1 AND type = $2 LIMIT $3) AS c',
    );
    assert.deepEqual(rendered.params, ['t', 'T', 2001]);
  });
});
