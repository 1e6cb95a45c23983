import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { postgresDialect } from '../postgres/postgres-dialect.js';
import { sqliteDialect } from '../sqlite/sqlite-dialect.js';
import {
  parseJoinedKeys,
  renderCandidateCount,
  renderCandidateSelect,
  renderCandidateSetCount,
  renderLeafKeys,
  type CandidatePlan,
} from './condition-sql.js';
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
        { driverKeys: [1, 2], filter: everyLeaf },
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

  it('renderCandidateSelect walks a leaf in pk order and probes the rest per entity', () => {
    const { text } = renderCandidateSelect(
      sqliteDialect,
      't',
      { walk: { kind: 'type', type: 'T' }, filter: everyLeaf },
      { afterPk: 4, limit: 1 },
    );
    assert.match(
      text,
      /^SELECT e\.pk AS pk, e\.doc AS doc FROM \(SELECT entity_pk AS pk FROM entity_types WHERE tenant = \? AND type = \? AND entity_pk > \? GROUP BY pk ORDER BY pk\) AS w CROSS JOIN entities e ON e\.pk = w\.pk WHERE e\.tenant = \? AND \(/,
    );
    assert.match(
      text,
      /\(EXISTS \(SELECT 1 FROM entity_types t WHERE t\.entity_pk = e\.pk AND t\.type = \?\) OR EXISTS \(SELECT 1 FROM attr_values x WHERE x\.entity_pk = e\.pk/,
    );
    assert.match(text, /ORDER BY w\.pk LIMIT \?$/);
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

  it('renderCandidateSelect probes with scalar subqueries on PostgreSQL, never EXISTS', () => {
    const { text } = renderCandidateSelect(
      postgresDialect,
      't',
      { filter: everyLeaf },
      { limit: 20 },
    );
    // EXISTS would become a semi-join planned from row estimates (postgres-dialect.ts).
    assert.ok(!/EXISTS/.test(text), text);
    assert.match(
      text,
      /\(SELECT true FROM entity_types t WHERE t\.entity_pk = e\.pk AND t\.type = \$\d+ LIMIT 1\) IS NOT NULL/,
    );
    assert.match(text, /\(SELECT true FROM attr_values y WHERE .* LIMIT 1\) IS NULL/);
    assert.match(
      text,
      /\(SELECT true FROM geo_boxes g WHERE g\.entity_pk = e\.pk .* LIMIT 1\) IS NOT NULL/,
    );
  });

  it('renderCandidateSelect keeps the probe order as written on PostgreSQL', () => {
    const { text } = renderCandidateSelect(
      postgresDialect,
      't',
      {
        filter: {
          kind: 'and',
          items: [
            { kind: 'target', attr: 'A' },
            { kind: 'type', type: 'T' },
          ],
        },
      },
      { limit: 20 },
    );
    assert.match(
      text,
      /AND \(\(\(SELECT true FROM attr_values x .* IS NOT NULL\)\) IS TRUE ORDER BY/,
    );
    assert.ok(text.indexOf('attr_values') < text.indexOf('entity_types'), text);
  });

  it('renderCandidateSelect restricts to the driver keys, bound as one list', () => {
    for (const dialect of [sqliteDialect, postgresDialect]) {
      const rendered = renderCandidateSelect(
        dialect,
        't',
        { driverKeys: [3, 5], filter: { kind: 'type', type: 'T' } },
        { limit: 2 },
      );
      assert.match(rendered.text, /WHERE e\.tenant = (\?|\$1) AND e\.pk /);
      assert.deepEqual(rendered.params, [
        't',
        dialect === sqliteDialect ? '[3,5]' : [3, 5],
        'T',
        2,
      ]);
    }
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

describe('renderCandidateSetCount', () => {
  it('renderCandidateSetCount counts a conjunction as one INTERSECT of index sets', () => {
    const rendered = renderCandidateSetCount(postgresDialect, 't', {
      filter: {
        kind: 'and',
        items: [
          { kind: 'type', type: 'T' },
          { kind: 'target', attr: 'A' },
        ],
      },
    });
    assert.equal(
      rendered.text,
      'SELECT COUNT(*) AS n FROM (SELECT entity_pk AS pk FROM entity_types WHERE tenant = $1 AND type = $2 INTERSECT ' +
        "SELECT pk FROM (SELECT entity_pk AS pk FROM attr_values WHERE tenant = $3 AND attr = $4 AND kind <> 'e' AND num IS NOT NULL AND akind IS NOT NULL " +
        "UNION ALL SELECT entity_pk AS pk FROM attr_values WHERE tenant = $5 AND attr = $6 AND kind <> 'e' AND str IS NOT NULL AND akind IS NOT NULL " +
        "UNION ALL SELECT entity_pk AS pk FROM attr_values WHERE tenant = $7 AND attr = $8 AND kind = 'e' AND num = 1) AS rows_of_instances) AS s",
    );
    assert.deepEqual(rendered.params, ['t', 'T', 't', 'A', 't', 'A', 't', 'A']);
  });

  it('renderCandidateSetCount counts distinct entities of a leaf that may repeat one', () => {
    const rendered = renderCandidateSetCount(sqliteDialect, 't', {
      filter: { kind: 'attrs', attrs: ['A', 'B'] },
    });
    assert.match(
      rendered.text,
      /^SELECT COUNT\(DISTINCT pk\) AS n FROM \(SELECT pk FROM \(SELECT entity_pk AS pk FROM attr_values/,
    );
  });

  it('renderCandidateSetCount probes the driver keys when the plan has them', () => {
    const plan: CandidatePlan = { driverKeys: [1], filter: { kind: 'type', type: 'T' } };
    assert.deepEqual(
      renderCandidateSetCount(postgresDialect, 't', plan),
      renderCandidateCount(postgresDialect, 't', plan),
    );
  });
});

describe('renderLeafKeys', () => {
  it('renderLeafKeys reads the capped keys of every leaf in one row', () => {
    const rendered = renderLeafKeys(
      postgresDialect,
      't',
      [
        { kind: 'type', type: 'T' },
        { kind: 'bbox', attr: 'L', box: [1, 2, 3, 4] },
      ],
      301,
    );
    assert.equal(
      rendered.text,
      "SELECT (SELECT string_agg(s.pk::text, ',') FROM (SELECT entity_pk AS pk FROM entity_types WHERE tenant = $1 AND type = $2 ORDER BY pk LIMIT $3) AS s) AS k0, " +
        "(SELECT string_agg(s.pk::text, ',') FROM (SELECT entity_pk AS pk FROM geo_boxes WHERE box && box(point($4, $5), point($6, $7)) AND tenant = $8 AND attr = $9 LIMIT $10) AS s) AS k1",
    );
    assert.deepEqual(rendered.params, ['t', 'T', 301, 1, 2, 3, 4, 't', 'L', 301]);
  });

  it('renderLeafKeys joins keys with group_concat by default (SQLite)', () => {
    const { text } = renderLeafKeys(sqliteDialect, 't', [{ kind: 'target', attr: 'A' }], 5);
    assert.match(
      text,
      /^SELECT \(SELECT group_concat\(s\.pk\) FROM \(SELECT DISTINCT pk FROM \(SELECT pk FROM \(SELECT entity_pk AS pk FROM attr_values/,
    );
  });

  it('renderLeafKeys lists an entity once per leaf where the engine streams DISTINCT (SQLite), and existence by first rows on PostgreSQL', () => {
    const value: Condition = {
      kind: 'value',
      attr: 'A',
      tests: [{ kinds: ['n'], column: 'num', op: '>', value: 1 }],
    };
    const sqlite = renderLeafKeys(sqliteDialect, 't', [value, { kind: 'type', type: 'T' }], 5);
    assert.match(sqlite.text, /FROM \(SELECT DISTINCT pk FROM \(SELECT x\.entity_pk AS pk/);
    assert.doesNotMatch(sqlite.text, /DISTINCT pk FROM \(SELECT entity_pk AS pk FROM entity_types/);
    const postgres = renderLeafKeys(postgresDialect, 't', [{ kind: 'target', attr: 'A' }], 5);
    assert.doesNotMatch(postgres.text, /DISTINCT/);
    assert.equal(postgres.text.match(/akind IS NOT NULL/g)?.length, 2, postgres.text);
    assert.doesNotMatch(sqlite.text, /akind/);
  });

  it('parseJoinedKeys reads a joined key list, none when null or empty', () => {
    assert.deepEqual(parseJoinedKeys('3,10,7'), [3, 10, 7]);
    assert.deepEqual(parseJoinedKeys(null), []);
    assert.deepEqual(parseJoinedKeys(''), []);
  });
});
