/** The command line of `npm run bench` (see README.md). */
import { parseArgs } from 'node:util';

export type Adapter = 'sqlite' | 'postgres';

export const SCENARIOS = [
  'retrieve',
  'partial-update',
  'create',
  'query-q',
  'query-geo',
  'batch-upsert',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** The benchmarks of issue #3: subscriptions and notifications, and the attribute history. */
export const CHANGE_SCENARIOS = ['notify-latency', 'subscription-scaling', 'history'] as const;
export type ChangeScenarioName = (typeof CHANGE_SCENARIOS)[number];

/**
 * The benchmark of issue #4: MQTT ingest through the simulator (scenarios/ingest.scenario.ts),
 * into the embedded broker, and through an external Mosquitto (`ingest-external`).
 */
export const INGEST_SCENARIOS = ['ingest', 'ingest-external'] as const;
export type IngestScenarioName = (typeof INGEST_SCENARIOS)[number];

export interface BenchOptions {
  adapters: Adapter[];
  /** Seconds of each measured load. */
  durationSec: number;
  /** Seconds of load before each measurement (not recorded). */
  warmupSec: number;
  connections: number;
  /** Entities loaded for the query scenarios and the memory figure. */
  queryEntities: number;
  /** Entities created before the retrieve and partial-update scenarios. */
  seedEntities: number;
  /** Timed runs of the batch-upsert scenario. */
  upsertRuns: number;
  /** Instances of one attribute appended for the history scenarios. */
  historyInstances: number;
  /** Seconds of the ingest run (60; quick 10) and its devices. */
  ingestDurationSec: number;
  ingestDevices: number;
  /**
   * Messages/s the ingest publisher offers; undefined: the rate (20,000 SQLite,
   * 10,000 PostgreSQL). A lower rate measures the latency of a store that keeps up.
   */
  ingestRate: number | undefined;
  /** The scenarios to run (`--only a,b`); all when undefined. */
  only: Array<ScenarioName | ChangeScenarioName | IngestScenarioName> | undefined;
  /** Administrative connection used to create and drop the benchmark databases. */
  postgresUrl: string;
  /** When set, the Civis servers run with --cpu-prof and write their profiles here. */
  profileDir: string | undefined;
  /** Also write the JSON report to this file (stdout of `npm run` starts with npm's banner). */
  output: string | undefined;
  quick: boolean;
  skipBuild: boolean;
}

export const USAGE = `usage: npm run bench -- [options]
  --adapter sqlite|postgres|both   storage under test (default both)
  --quick                          smoke test: 2 s loads, 10,000 query entities, 100,000 history instances
  --only <scenario>[,<scenario>…]  some of ${[...SCENARIOS, ...CHANGE_SCENARIOS, ...INGEST_SCENARIOS].join(', ')}
  --duration <s>                   seconds of each measurement (default 10, quick 2)
  --warmup <s>                     seconds of warm-up load (default 2, quick 0.5)
  --connections <n>                concurrent connections (default 50)
  --entities <n>                   entities stored for the query scenarios (default 100000)
  --ingest-duration <s>            seconds of the ingest run (default 60, quick 10)
  --ingest-devices <n>             devices of the ingest run (default 10000)
  --ingest-rate <n>                messages/s offered (default the target: 20000 SQLite, 10000 PostgreSQL)
  --postgres-url <url>             admin connection (default postgres://postgres@127.0.0.1:5432/postgres)
  --profile <dir>                  run the Civis servers with --cpu-prof into <dir>
  --output <file>                  also write the JSON report to <file>
  --skip-build                     use the existing dist/ build`;

export function parseBenchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      adapter: { type: 'string', default: 'both' },
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string', default: '50' },
      entities: { type: 'string' },
      'ingest-duration': { type: 'string' },
      'ingest-devices': { type: 'string' },
      'ingest-rate': { type: 'string' },
      'postgres-url': {
        type: 'string',
        default: 'postgres://postgres@127.0.0.1:5432/postgres',
      },
      profile: { type: 'string' },
      output: { type: 'string' },
      'skip-build': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new UsageError('');
  const quick = values.quick === true;
  const adapters = parseAdapters(values.adapter ?? 'both');
  const only = values.only?.split(',').map((name) => name.trim());
  const known: readonly string[] = [...SCENARIOS, ...CHANGE_SCENARIOS, ...INGEST_SCENARIOS];
  const unknown = only?.find((name) => !known.includes(name));
  if (unknown !== undefined) throw new UsageError(`--only: unknown scenario '${unknown}'`);
  const queryEntities = positive('entities', values.entities ?? (quick ? '10000' : '100000'));
  return {
    adapters,
    durationSec: positive('duration', values.duration ?? (quick ? '2' : '10')),
    warmupSec: nonNegative('warmup', values.warmup ?? (quick ? '0.5' : '2')),
    connections: positive('connections', values.connections ?? '50'),
    queryEntities,
    seedEntities: Math.min(10_000, queryEntities),
    upsertRuns: quick ? 5 : 20,
    historyInstances: quick ? 100_000 : 1_000_000,
    ingestDurationSec: positive(
      'ingest-duration',
      values['ingest-duration'] ?? (quick ? '10' : '60'),
    ),
    ingestDevices: positive('ingest-devices', values['ingest-devices'] ?? '10000'),
    ingestRate:
      values['ingest-rate'] === undefined
        ? undefined
        : positive('ingest-rate', values['ingest-rate']),
    only: only as BenchOptions['only'],
    postgresUrl: values['postgres-url'] ?? '',
    profileDir: values.profile,
    output: values.output,
    quick,
    skipBuild: values['skip-build'] === true,
  };
}

export class UsageError extends Error {}

function parseAdapters(value: string): Adapter[] {
  if (value === 'both') return ['sqlite', 'postgres'];
  if (value === 'sqlite' || value === 'postgres') return [value];
  throw new UsageError(`--adapter: expected sqlite, postgres or both, got '${value}'`);
}

function positive(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name}: expected a positive number`);
  return n;
}

function nonNegative(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name}: expected a number ≥ 0`);
  return n;
}
