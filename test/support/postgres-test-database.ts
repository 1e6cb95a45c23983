/**
 * A throw-away PostgreSQL database for one test file: created at start, dropped at the
 * end, with a fresh schema per store. Server: CIVIS_TEST_POSTGRES_URL, default
 * postgres://postgres@127.0.0.1:5432/test (trust auth). Unreachable: see services.ts.
 */
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { requireService, type ServiceAvailability } from './services.js';

export interface PostgresTestDatabase {
  /** A new empty schema; the URL selects it through the `search_path` startup parameter. */
  createSchema(): Promise<{ url: string; drop(): Promise<void> }>;
  /** Drops the database. */
  close(): Promise<void>;
}

export async function openPostgresTestDatabase(): Promise<
  | Exclude<ServiceAvailability, { available: true }>
  | { available: true; database: PostgresTestDatabase }
> {
  const baseUrl =
    process.env['CIVIS_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const server = new URL(baseUrl);
  const admin = postgres(baseUrl, { max: 1, connect_timeout: 3, onnotice: () => undefined });
  let availability: ServiceAvailability;
  try {
    availability = await requireService('PostgreSQL', () => admin`SELECT 1`, {
      at: `${server.hostname}:${server.port || '5432'}`,
    });
  } catch (error) {
    await admin.end({ timeout: 1 });
    throw error;
  }
  if (!availability.available) {
    await admin.end({ timeout: 1 });
    return availability;
  }
  // Identifiers cannot be bound as parameters: these are built from hex digits and a counter.
  const name = `civis_test_${randomUUID().replaceAll('-', '')}`;
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const databaseUrl = new URL(baseUrl);
  databaseUrl.pathname = `/${name}`;
  const db = postgres(databaseUrl.toString(), { max: 1, onnotice: () => undefined });
  let schemas = 0;
  return {
    available: true,
    database: {
      async createSchema() {
        schemas += 1;
        const schema = `store_${schemas}`;
        await db.unsafe(`CREATE SCHEMA ${schema}`);
        const url = new URL(databaseUrl);
        url.searchParams.set('search_path', schema);
        return {
          url: url.toString(),
          drop: async () => void (await db.unsafe(`DROP SCHEMA ${schema} CASCADE`)),
        };
      },
      async close() {
        await db.end({ timeout: 5 });
        await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end({ timeout: 5 });
      },
    },
  };
}
