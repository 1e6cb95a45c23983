/**
 * Connects to PostgreSQL (the `postgres` driver, pooled) and brings the schema up to date.
 * The default durability of PostgreSQL (`synchronous_commit = on`) makes every
 * acknowledged commit survive a crash of Civis or of the database server.
 */
import net from 'node:net';
import postgres from 'postgres';
import { pendingMigrations } from '../sql/sql-migration.js';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.js';

export type PostgresSql = postgres.Sql;
export type PostgresParameter = postgres.ParameterOrJSON<never>;

/** Serialises migrations of concurrent starts (any constant: pg_advisory_xact_lock key). */
const MIGRATION_LOCK = 4_242_001;

/** The server addresses the driver parsed from the URL (its options, as `socket` gets them). */
export interface SocketTarget {
  host: string[];
  port: number[];
  /** A Unix-domain socket, when the host is a directory. */
  path?: string | false;
}

/**
 * The driver's connections, with Nagle's algorithm off (TCP_NODELAY, as libpq sets it).
 * The driver writes a message and the next one separately (the end of a COPY's data, a
 * statement after it): with Nagle on, the second waits for the server to acknowledge the
 * first, which it delays by 40 ms, measured after each COPY of a batch write. Hosts are
 * tried in turn, one per connection attempt, as the driver does with its own sockets; the
 * socket is returned unconnected, so the driver's connect timeout still applies.
 */
export function noDelaySockets(): (target: SocketTarget) => net.Socket {
  let next = 0;
  return ({ host, port, path }) => {
    if (path) return net.connect(path);
    const i = next++ % host.length;
    const socket = net.connect({ host: host[i] as string, port: port[i] ?? 5432 });
    socket.setNoDelay(true);
    return socket;
  };
}

export function connectPostgres(url: string, maxConnections: number): PostgresSql {
  return postgres(url, {
    max: maxConnections,
    // Not in the driver's typings, documented in its README ("Custom socket").
    ...({ socket: noDelaySockets() } as object),
    onnotice: () => undefined,
    // Every statement is planned for its own parameter values, prepared or not: a cached
    // generic plan knows neither a LIMIT nor a value's frequency, and could scan a whole
    // table and sort it where a custom plan walks an index and stops at the page's end.
    // JIT compilation is for long analytical queries: a count probing every entity is
    // estimated above its threshold and spent some 320 ms compiling to run in 100 ms.
    connection: { plan_cache_mode: 'force_custom_plan', jit: 'off' },
    // Counts and primary keys are bigint; they stay far below 2^53.
    types: {
      bigint: {
        to: 20,
        from: [20],
        serialize: (value: number) => String(value),
        parse: (text: string) => Number(text),
      },
    },
  });
}

export async function migratePostgres(sql: PostgresSql): Promise<void> {
  await sql.begin(async (tx) => {
    await tx.unsafe(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await tx.unsafe(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const rows = await tx.unsafe<Array<{ version: number }>>(
      'SELECT version FROM schema_migrations',
    );
    for (const migration of pendingMigrations(
      POSTGRES_MIGRATIONS,
      new Set(rows.map((row) => row.version)),
    )) {
      for (const statement of migration.statements) await tx.unsafe(statement);
      await tx.unsafe('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
    }
  });
}
