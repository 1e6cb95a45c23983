import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pendingMigrations, type SqlMigration } from './sql-migration.js';

const migrations: SqlMigration[] = [
  { version: 1, name: 'one', statements: [] },
  { version: 2, name: 'two', statements: [] },
];

describe('pendingMigrations', () => {
  it('pendingMigrations returns the migrations not applied yet, in order', () => {
    assert.deepEqual(
      pendingMigrations(migrations, new Set([1])).map((m) => m.name),
      ['two'],
    );
    assert.deepEqual(pendingMigrations(migrations, new Set([1, 2])), []);
  });

  it('pendingMigrations rejects a list whose versions are not 1, 2, 3…', () => {
    assert.throws(
      () => pendingMigrations([migrations[1] as SqlMigration], new Set()),
      /expected 1/,
    );
  });
});
