/**
 * Migration 6: subscriptions and the notification outbox (owned by the subscription work).
 */
import type { SqlMigration } from '../sql/sql-migration.js';

export const SUBSCRIPTION_MIGRATION: SqlMigration = {
  version: 6,
  name: 'subscriptions',
  statements: [],
};
