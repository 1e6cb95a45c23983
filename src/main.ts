/**
 * The composition root and CLI: reads the configuration, chooses the adapters, builds the
 * app and listens. Nothing else in Civis reads the environment or picks adapters.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { buildApp } from './app.js';
import { createInProcessChangeBus } from './context/in-process-change-bus.js';
import { createHttpContextDocumentLoader } from './adapters/http/http-context-document-loader.js';
import { createNatsChangeBus } from './adapters/nats/nats-change-bus.js';
import { createNotificationSenders } from './adapters/notify/notification-senders.js';
import { createPostgresStores } from './adapters/postgres/postgres-stores.js';
import { createSqliteStores } from './adapters/sqlite/sqlite-stores.js';
import { createJsonLdContextService } from './context/json-ld-context.service.js';
import { registerImportCommand } from './ingest/importers/import.command.js';
import { createMqttAgent } from './ingest/mqtt/mqtt-agent.factory.js';
import { startDemoSimulator } from './ingest/simulator/demo-simulator.js';
import { registerSimulateCommand } from './ingest/simulator/simulate.command.js';
import { ConfigError, loadConfig } from './platform/config/config.loader.js';
import type { CivisConfig } from './platform/config/config.schema.js';
import { createLogger, type Logger } from './platform/logging/logger.js';
import { readVersion } from './platform/version.js';

/** Connections of the PostgreSQL pool. */
const POSTGRES_POOL_SIZE = 10;

async function openStores(config: CivisConfig, logger: Logger) {
  const rejectionCapacity = config.ingestRejectionCapacity;
  if (config.databaseUrl)
    return createPostgresStores({
      url: config.databaseUrl,
      rejectionCapacity,
      maxConnections: POSTGRES_POOL_SIZE,
    });
  const dir = resolve(config.dataDir);
  mkdirSync(dir, { recursive: true });
  const log = logger.child({ component: 'storage' });
  return createSqliteStores({
    path: join(dir, 'civis.db'),
    rejectionCapacity,
    onBackgroundError: (error) => log.error({ err: error }, 'Background storage work failed'),
  });
}

export async function startPlatform(
  config: CivisConfig,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const logger = createLogger(config.logLevel);
  const version = readVersion();
  const stores = await openStores(config, logger);
  const publicBaseUrl = config.publicBaseUrl ?? `http://localhost:${config.port}`;
  const contexts = createJsonLdContextService({
    loader: createHttpContextDocumentLoader({
      timeoutMs: config.contextFetchTimeoutMs,
      maxBytes: config.contextMaxBytes,
      deniedNetworks: config.contextDeniedNetworks,
    }),
    store: stores.contextStore,
    clock: () => new Date(),
    maxCacheEntries: config.contextCacheSize,
    cacheTtlMs: 60 * 60 * 1000,
    publicBaseUrl,
    log: logger.child({ component: 'jsonld-contexts' }),
  });
  const changeBus = config.busUrl
    ? createNatsChangeBus({
        url: config.busUrl,
        streamName: config.busStream,
        subjectPrefix: `civis.${config.busStream}`,
        logger: logger.child({ component: 'change-bus' }),
      })
    : createInProcessChangeBus({
        onHandlerError: (error, change, group) =>
          logger.warn({ err: error, seq: change.seq, group }, 'A change consumer failed; retrying'),
      });
  const notifications = createNotificationSenders({
    deniedNetworks: config.notificationDeniedNetworks,
    http: { connectionsPerOrigin: config.notificationConnectionsPerOrigin },
    mqtt: { connectTimeoutMs: config.notificationTimeoutMs },
  });
  const mqttAgent = createMqttAgent(config, logger.child({ component: 'mqtt' }));
  const ingestWriters = ingestWritersOf(config, logger);
  const app = await buildApp(
    { ...config, ingestWriters },
    {
      entityStore: stores.entityStore,
      subscriptionStore: stores.subscriptionStore,
      historyStore: stores.historyStore,
      deviceStore: stores.deviceStore,
      rejectionStore: stores.rejectionStore,
      changeLog: stores.changeLog,
      changeBus,
      contexts,
      clock: () => new Date(),
      logger,
      version,
      notificationSenders: notifications.senders,
      notificationHub: notifications.hub,
      deviceAgents: [mqttAgent],
    },
  );
  const url = await app.listen({ port: config.port, host: config.host });
  logger.info(
    {
      url,
      storage: config.databaseUrl ? 'postgres' : 'sqlite',
      bus: config.busUrl ? 'nats' : 'in-process',
      version,
    },
    'Civis is listening',
  );
  // The demo city: on by default with the embedded SQLite (a fresh install shows a living
  // town), off with PostgreSQL (a production database gets no fake devices unless asked).
  const demo =
    (config.demo ?? config.databaseUrl === undefined)
      ? startDemoSimulator({
          url: loopbackUrl(url),
          // Through the embedded broker when there is one at a known port, else HTTP only.
          mqttUrl: embeddedBrokerUrl(mqttAgent.address?.(), config.mqttHost),
          logger: logger.child({ component: 'demo' }),
        })
      : undefined;
  return {
    url,
    stop: async () => {
      await demo?.stop();
      await app.close();
      await notifications.close();
      await changeBus.close();
      await stores.close();
    },
  };
}

/**
 * SQLite writes one transaction at a time; PostgreSQL overlaps two batches' work (measured:
 * 2 writers 3,482 measurements/s, 1 writer 2,910, 4 writers 2,730; docs/ingest.md). There a
 * writer holds one of the pool's connections while it writes: at most all but two, so that
 * requests, the change relay and upkeep keep theirs.
 */
function ingestWritersOf(config: CivisConfig, logger: Logger): number {
  if (!config.databaseUrl) return config.ingestWriters ?? 1;
  const most = POSTGRES_POOL_SIZE - 2;
  const writers = config.ingestWriters ?? 2;
  if (writers > most)
    logger.warn(
      { ingestWriters: writers, used: most },
      'ingestWriters is above what the pool allows',
    );
  return Math.min(writers, most);
}

/** A bind address as the process itself reaches it (a wildcard bind through loopback). */
function loopbackHost(host: string): string {
  return ['0.0.0.0', '[::]', '::', ''].includes(host) ? '127.0.0.1' : host;
}

function loopbackUrl(url: string): string {
  const parsed = new URL(url);
  parsed.hostname = loopbackHost(parsed.hostname);
  return parsed.origin;
}

/** The demo's way to the embedded broker, wherever it listens (none with an external one). */
function embeddedBrokerUrl(address: AddressInfo | undefined, host: string): string | undefined {
  return address === undefined ? undefined : `mqtt://${loopbackHost(host)}:${address.port}`;
}

function program(): Command {
  const version = readVersion();
  const cli = new Command('civis')
    .description('Civis — open smart city platform')
    .version(version, '-v, --version');
  cli
    .command('start')
    .description(
      'Start the platform (NGSI-LD API on --port; embedded SQLite unless --database-url)',
    )
    .option('--port <port>', 'HTTP port (default 1026)')
    .option('--host <host>', 'bind address (default 0.0.0.0)')
    .option('--data-dir <dir>', 'folder of the embedded SQLite database (default ./data)')
    .option('--database-url <url>', 'postgres://… to use PostgreSQL')
    .option('--bus-url <url>', 'nats://… to carry changes over NATS JetStream')
    .option('--mqtt-port <port>', 'port of the embedded MQTT broker (default 1883)')
    .option('--mqtt-url <url>', 'mqtt://… of an external MQTT broker instead of the embedded one')
    .option('--config <file>', 'configuration file (default ./civis.config.json when present)')
    .option('--no-demo', 'do not simulate the demo city (docs/simulator.md)')
    .addOption(
      new Option('--log-level <level>', 'log level').choices([
        'fatal',
        'error',
        'warn',
        'info',
        'debug',
        'trace',
        'silent',
      ]),
    )
    .action(
      async (options: {
        port?: string;
        host?: string;
        dataDir?: string;
        databaseUrl?: string;
        busUrl?: string;
        mqttPort?: string;
        mqttUrl?: string;
        config?: string;
        logLevel?: string;
        demo?: boolean;
      }) => {
        let config: CivisConfig;
        try {
          config = loadConfig({
            configFile: options.config,
            flags: {
              port: options.port,
              host: options.host,
              dataDir: options.dataDir,
              databaseUrl: options.databaseUrl,
              busUrl: options.busUrl,
              mqttPort: options.mqttPort,
              mqttUrl: options.mqttUrl,
              logLevel: options.logLevel,
              // commander sets demo to true unless --no-demo: only the flag counts.
              demo: options.demo === false ? false : undefined,
            },
          });
        } catch (error) {
          if (error instanceof ConfigError) {
            process.stderr.write(`${error.message}\n`);
            process.exit(2);
          }
          throw error;
        }
        const platform = await startPlatform(config);
        const shutdown = () => {
          platform.stop().then(
            () => process.exit(0),
            () => process.exit(1),
          );
        };
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
      },
    );
  registerSimulateCommand(cli);
  registerImportCommand(cli);
  return cli;
}

const invokedDirectly =
  process.argv[1] !== undefined && /(?:main|civis)(?:\.[jt]s)?$/.test(process.argv[1]);
if (invokedDirectly) {
  program()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      process.stderr.write(`civis: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    });
}
