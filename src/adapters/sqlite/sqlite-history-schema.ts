/**
 * Migration 5: the attribute history of the temporal API (owned by the temporal work).
 */
import type { SqlMigration } from '../sql/sql-migration.js';

export const HISTORY_MIGRATION: SqlMigration = {
  version: 5,
  name: 'attribute-history',
  statements: [],
};
