/**
 * How SQLite plans the walks of sql/condition-walk.ts: the walked leaf's index is read in
 * pk order and never sorted, so that `ORDER BY pk LIMIT n` stops early. A sort (TEMP
 * B-TREE) would read every entry of the leaf first: same answer, a hundred times slower.
 * Plans are checked by their shape, never by time.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  renderCandidateCount,
  renderCandidateSelect,
  renderCandidateSetCount,
  renderLeafKeys,
} from '../sql/condition-sql.js';
import type { CandidatePlan } from '../sql/condition-sql.js';
import type { Condition, RowTest } from '../sql/query-condition.js';
import { foreignApikeySql } from '../sql/device-rows.js';
import type { RenderedSql } from '../sql/sql-dialect.js';
import { renderSummaryStatements } from '../sql/store-summaries.js';
import { openSqliteDatabase } from './sqlite-database.js';
import { sqliteDialect } from './sqlite-dialect.js';

const TYPE: Condition = { kind: 'type', type: 'T' };
const HEIGHT_IS_9: RowTest[] = [{ kinds: ['n'], column: 'num', op: '=', value: 9 }];
const NUMBER: Condition = { kind: 'value', attr: 'height', tests: HEIGHT_IS_9 };
const TEXT: Condition = {
  kind: 'value',
  attr: 'status',
  tests: [
    { kinds: ['s', 'r'], column: 'str', op: '=', value: 'ok' },
    { kinds: ['v'], column: 'str', op: '=', value: 'urn:ok' },
  ],
};
const LIST: Condition = {
  kind: 'value',
  attr: 'height',
  tests: [{ kinds: ['n'], column: 'num', op: 'in', values: [8, 9] }],
};

describe('SQLite plans of walks', () => {
  const db = openSqliteDatabase(':memory:');
  after(() => db.close());
  const plan = (sql: RenderedSql): string[] =>
    db
      .prepare(`EXPLAIN QUERY PLAN ${sql.text}`)
      .all(...sql.params)
      .map((row) => (row as { detail: string }).detail);

  const cases: Array<[string, CandidatePlan, RegExp]> = [
    ['a number', { walk: NUMBER, filter: { kind: 'and', items: [TEXT, TYPE] } }, /attr_values_num/],
    ['a text of three kinds', { walk: TEXT, filter: NUMBER }, /MERGE \(UNION\)/],
    ['a list', { walk: LIST, filter: TYPE }, /MERGE \(UNION\)/],
    ['a type', { walk: TYPE, filter: NUMBER }, /SEARCH entity_types USING PRIMARY KEY/],
  ];
  for (const [name, candidatePlan, walked] of cases) {
    it(`renderCandidateSelect walking ${name} reads its index in pk order, unsorted`, () => {
      for (const page of [{ limit: 21 }, { limit: 21, offset: 40 }, { afterPk: 7, limit: 500 }]) {
        const details = plan(renderCandidateSelect(sqliteDialect, 't', candidatePlan, page));
        assert.ok(
          details.some((detail) => walked.test(detail)),
          details.join('\n'),
        );
        assert.ok(!details.some((detail) => /TEMP B-TREE/.test(detail)), details.join('\n'));
        // The walk is the outer loop: the entities are looked up by pk, not scanned.
        assert.ok(details.some((detail) => /SEARCH e USING INTEGER PRIMARY KEY/.test(detail)));
        assert.ok(!details.some((detail) => /entities_tenant|SCAN e\b/.test(detail)));
      }
    });
  }

  it('renderCandidateCount over a walk reads the walked index, not every entity', () => {
    const details = plan(renderCandidateCount(sqliteDialect, 't', { walk: NUMBER, filter: TYPE }));
    assert.ok(
      details.some((detail) => /attr_values_num/.test(detail)),
      details.join('\n'),
    );
    assert.ok(!details.some((detail) => /SCAN e\b/.test(detail)), details.join('\n'));
  });

  // Existence has no index of its own: an instance's rows are in the value indexes, or in
  // the small index of bare instances (entity-index-rows.ts). Each member must seek its
  // index by (tenant, attr): a scan of attr_values would read every row of the tenant.
  const existence: Array<[string, Condition]> = [
    ['an attribute list', { kind: 'attrs', attrs: ['height', 'status'] }],
    ['a q target', { kind: 'target', attr: 'height' }],
    ['a != test', { kind: 'noValue', attr: 'height', tests: HEIGHT_IS_9 }],
  ];
  for (const [name, leaf] of existence) {
    it(`the keys and the count of ${name} seek the value and bare indexes`, () => {
      for (const sql of [
        renderLeafKeys(sqliteDialect, 't', [leaf], 301),
        renderCandidateSetCount(sqliteDialect, 't', { filter: leaf }),
      ]) {
        const details = plan(sql);
        for (const index of ['attr_values_num', 'attr_values_str', 'attr_values_bare'])
          assert.ok(
            details.some((detail) =>
              new RegExp(`USING (COVERING )?INDEX ${index} \\(tenant=\\? AND attr=\\?`).test(
                detail,
              ),
            ),
            `${index}:\n${details.join('\n')}`,
          );
        assert.ok(!details.some((detail) => /SCAN attr_values/.test(detail)), details.join('\n'));
      }
    });
  }

  it('the discovery summaries read the rows of the tenant only', () => {
    for (const [name, sql] of Object.entries(renderSummaryStatements(sqliteDialect, 't'))) {
      const details = plan(sql);
      assert.ok(
        details.some((detail) => /^SEARCH \w+ USING .*\(tenant=\?\)$/.test(detail)),
        `${name}:\n${details.join('\n')}`,
      );
      assert.ok(
        !details.some((detail) => /^SCAN (a|t|e|attr_values|entity_types|entities)\b/.test(detail)),
        `${name}:\n${details.join('\n')}`,
      );
    }
  });

  it('the apikey ownership check seeks tenant ranges, never reads every device of the apikey', () => {
    const text = foreignApikeySql((name) => `@${name}`);
    const details = db
      .prepare(`EXPLAIN QUERY PLAN ${text}`)
      .all({ apikey: 'k', tenant: 't' })
      .map((row) => (row as { detail: string }).detail);
    for (const table of ['device_groups', 'devices'])
      for (const op of ['<', '>'])
        assert.ok(
          details.some((d) => d.includes(`${table}_apikey_tenant (apikey=? AND tenant${op}?)`)),
          details.join('\n'),
        );
  });
});
