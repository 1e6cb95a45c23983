import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonRows } from './postgres-json-rows.js';

test('jsonRows writes one object per row, strings escaped, non-finite numbers null', () => {
  const doc = '{"x":[1,"\\u0000"]}';
  const text = jsonRows(
    ['pk', 'name', 'doc', 'num'],
    [
      [1, 'a"b\\c', doc, 1.5],
      [2, null, undefined, Number.NaN],
    ],
  );
  assert.deepEqual(JSON.parse(text), [
    { pk: 1, name: 'a"b\\c', doc, num: 1.5 },
    { pk: 2, name: null, doc: null, num: null },
  ]);
});

test('jsonRows of no rows is an empty array', () => {
  assert.equal(jsonRows(['a'], []), '[]');
});
