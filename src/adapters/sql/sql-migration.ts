/**
 * Numbered schema migrations (DESIGN.md, Storage): each adapter lists its own, applies the
 * pending ones at start in version order and records them in `schema_migrations`, so that
 * starting twice, or two instances at once, changes nothing the second time.
 */
export interface SqlMigration {
  version: number;
  name: string;
  /** Run one by one, in one transaction with the version's record. */
  statements: string[];
}

/** The migrations not applied yet, in version order; rejects a list out of order. */
export function pendingMigrations(
  migrations: readonly SqlMigration[],
  applied: ReadonlySet<number>,
): SqlMigration[] {
  migrations.forEach((migration, i) => {
    if (migration.version !== i + 1)
      throw new Error(
        `Migration ${migration.name} has version ${migration.version}, expected ${i + 1}`,
      );
  });
  return migrations.filter((migration) => !applied.has(migration.version));
}
