/**
 * Every setting of Civis, its default, where it can come from and how it is checked.
 * One table drives the defaults, the environment variable names, validation and the docs.
 */
import type { RetentionRule } from '../../context/ports/history-store.port.js';
import { parseRetentionPolicy } from '../../context/temporal-retention.js';
import { DEFAULT_DENIED_NETWORKS, parseNetworkList } from './network-list.js';

export interface CivisConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  busUrl: string | undefined;
  busStream: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  publicBaseUrl: string | undefined;
  bodyLimitBytes: number;
  defaultPageSize: number;
  maxPageSize: number;
  contextFetchTimeoutMs: number;
  contextMaxBytes: number;
  contextCacheSize: number;
  contextDeniedNetworks: string[];
  updateAppendsMissingAttributes: boolean;
  notificationTimeoutMs: number;
  notificationConnectionsPerOrigin: number;
  notificationMaxAttempts: number;
  notificationConcurrencyPerEndpoint: number;
  notificationRetryBaseMs: number;
  notificationDeniedNetworks: string[];
  temporalMaxInstances: number;
  temporalRetention: RetentionRule[];
  temporalRetentionIntervalMs: number;
  ingestQueueCapacity: number;
  ingestBatchSize: number;
  ingestLingerMs: number;
  /** Ingest batches written at once; undefined: 1 with SQLite, 2 with PostgreSQL. */
  ingestWriters: number | undefined;
  ingestMaxPayloadBytes: number;
  ingestRejectionCapacity: number;
  offlineCommandsPerDevice: number;
  offlineCommandsTotal: number;
  /** Run the demo city simulator in process; undefined: on with SQLite, off with PostgreSQL. */
  demo: boolean | undefined;
  mqttPort: number;
  mqttHost: string;
  mqttUrl: string | undefined;
  mqttClientId: string | undefined;
  mqttSharedGroup: string;
  deviceHealthIntervalMs: number;
}

type Kind =
  | 'port'
  | 'string'
  | 'url'
  | 'postgresUrl'
  | 'natsUrl'
  | 'mqttUrl'
  | 'natsName'
  | 'positiveInt'
  | 'boolean'
  | 'logLevel'
  | 'retentionRules'
  | 'networkList';

export interface SettingSpec {
  key: keyof CivisConfig;
  env: string;
  kind: Kind;
  default: CivisConfig[keyof CivisConfig];
  description: string;
}

export const SETTINGS: readonly SettingSpec[] = [
  {
    key: 'port',
    env: 'CIVIS_PORT',
    kind: 'port',
    default: 1026,
    description: 'HTTP port of the APIs',
  },
  {
    key: 'host',
    env: 'CIVIS_HOST',
    kind: 'string',
    default: '0.0.0.0',
    description: 'Address the HTTP server binds to',
  },
  {
    key: 'dataDir',
    env: 'CIVIS_DATA_DIR',
    kind: 'string',
    default: './data',
    description: 'Folder of the embedded SQLite database',
  },
  {
    key: 'databaseUrl',
    env: 'CIVIS_DATABASE_URL',
    kind: 'postgresUrl',
    default: undefined,
    description: 'postgres://… to use PostgreSQL instead of the embedded SQLite',
  },
  {
    key: 'busUrl',
    env: 'CIVIS_BUS_URL',
    kind: 'natsUrl',
    default: undefined,
    description:
      'nats://[user:pass@]host:4222 (comma-separated for a cluster, tls:// for TLS) to carry changes over NATS JetStream between instances instead of in process',
  },
  {
    key: 'busStream',
    env: 'CIVIS_BUS_STREAM',
    kind: 'natsName',
    default: 'CIVIS_CHANGES',
    description:
      'JetStream stream (and consumer and subject prefix) of the changes: deployments sharing one NATS server need a stream each',
  },
  {
    key: 'logLevel',
    env: 'CIVIS_LOG_LEVEL',
    kind: 'logLevel',
    default: 'info',
    description: 'fatal, error, warn, info, debug, trace or silent',
  },
  {
    key: 'publicBaseUrl',
    env: 'CIVIS_PUBLIC_BASE_URL',
    kind: 'url',
    default: undefined,
    description:
      'External base URL (for @context URLs Civis mints); default http://localhost:<port>',
  },
  {
    key: 'bodyLimitBytes',
    env: 'CIVIS_BODY_LIMIT_BYTES',
    kind: 'positiveInt',
    default: 4 * 1024 * 1024,
    description: 'Largest accepted request body (413 above)',
  },
  {
    key: 'defaultPageSize',
    env: 'CIVIS_DEFAULT_PAGE_SIZE',
    kind: 'positiveInt',
    default: 20,
    description: 'Page size of queries without limit',
  },
  {
    key: 'maxPageSize',
    env: 'CIVIS_MAX_PAGE_SIZE',
    kind: 'positiveInt',
    default: 1000,
    description: 'Largest limit a query may ask for (400 above)',
  },
  {
    key: 'contextFetchTimeoutMs',
    env: 'CIVIS_CONTEXT_FETCH_TIMEOUT_MS',
    kind: 'positiveInt',
    default: 5000,
    description: 'Timeout when downloading a remote @context',
  },
  {
    key: 'contextMaxBytes',
    env: 'CIVIS_CONTEXT_MAX_BYTES',
    kind: 'positiveInt',
    default: 1024 * 1024,
    description: 'Largest remote @context accepted',
  },
  {
    key: 'contextCacheSize',
    env: 'CIVIS_CONTEXT_CACHE_SIZE',
    kind: 'positiveInt',
    default: 500,
    description: 'Compiled @contexts kept in memory',
  },
  {
    key: 'contextDeniedNetworks',
    env: 'CIVIS_CONTEXT_DENIED_NETWORKS',
    kind: 'networkList',
    default: [...DEFAULT_DENIED_NETWORKS],
    description:
      'CIDR blocks remote @contexts may not be downloaded from, comma-separated, or none; default link-local, 0.0.0.0/8 and cloud metadata addresses (README, JSON-LD @contexts)',
  },
  {
    key: 'updateAppendsMissingAttributes',
    env: 'CIVIS_UPDATE_APPENDS_MISSING_ATTRIBUTES',
    kind: 'boolean',
    default: true,
    description:
      'PATCH /entities/{id}/attrs appends attributes the entity lacks (NGSI-LD 1.9); false reports them as notUpdated (Orion-LD)',
  },
  {
    key: 'notificationTimeoutMs',
    env: 'CIVIS_NOTIFICATION_TIMEOUT_MS',
    kind: 'positiveInt',
    default: 10_000,
    description:
      "Time a notification may take to be delivered (a subscription endpoint's own timeout wins)",
  },
  {
    key: 'notificationConnectionsPerOrigin',
    env: 'CIVIS_NOTIFICATION_CONNECTIONS_PER_ORIGIN',
    kind: 'positiveInt',
    default: 64,
    description: 'HTTP notifications in flight to one receiver (scheme, host, port) at a time',
  },
  {
    key: 'notificationMaxAttempts',
    env: 'CIVIS_NOTIFICATION_MAX_ATTEMPTS',
    kind: 'positiveInt',
    default: 8,
    description: 'Attempts to deliver one notification (the first included) before it is given up',
  },
  {
    key: 'notificationConcurrencyPerEndpoint',
    env: 'CIVIS_NOTIFICATION_CONCURRENCY_PER_ENDPOINT',
    kind: 'positiveInt',
    default: 64,
    description: 'Notifications in flight to one subscription endpoint URI at a time',
  },
  {
    key: 'notificationRetryBaseMs',
    env: 'CIVIS_NOTIFICATION_RETRY_BASE_MS',
    kind: 'positiveInt',
    default: 1000,
    description:
      'First pause before retrying a failed notification; doubles per attempt up to 5 minutes',
  },
  {
    key: 'notificationDeniedNetworks',
    env: 'CIVIS_NOTIFICATION_DENIED_NETWORKS',
    kind: 'networkList',
    default: [...DEFAULT_DENIED_NETWORKS],
    description:
      'CIDR blocks notifications may not connect to, comma-separated, or none; default link-local, 0.0.0.0/8 and cloud metadata addresses (docs/subscriptions.md)',
  },
  {
    key: 'temporalMaxInstances',
    env: 'CIVIS_TEMPORAL_MAX_INSTANCES',
    kind: 'positiveInt',
    default: 10_000,
    description:
      'Most instances of one attribute in a temporal answer; beyond, 206 with Content-Range',
  },
  {
    key: 'temporalRetention',
    env: 'CIVIS_TEMPORAL_RETENTION',
    kind: 'retentionRules',
    default: [],
    description: 'Retention rules of the attribute history, as JSON (docs/temporal.md)',
  },
  {
    key: 'temporalRetentionIntervalMs',
    env: 'CIVIS_TEMPORAL_RETENTION_INTERVAL_MS',
    kind: 'positiveInt',
    default: 60 * 60 * 1000,
    description: 'Time between two runs of the history retention rules',
  },
  {
    key: 'ingestQueueCapacity',
    env: 'CIVIS_INGEST_QUEUE_CAPACITY',
    kind: 'positiveInt',
    default: 10_000,
    description:
      'Device measurements waiting to be written at most; beyond, devices are told to retry (503, docs/ingest.md)',
  },
  {
    key: 'ingestBatchSize',
    env: 'CIVIS_INGEST_BATCH_SIZE',
    kind: 'positiveInt',
    default: 500,
    description: 'Device measurements written in one transaction at most',
  },
  {
    key: 'ingestLingerMs',
    env: 'CIVIS_INGEST_LINGER_MS',
    kind: 'positiveInt',
    default: 5,
    description: 'How long an idle ingest queue waits for more measurements before writing',
  },
  {
    key: 'ingestWriters',
    env: 'CIVIS_INGEST_WRITERS',
    kind: 'positiveInt',
    default: undefined,
    description:
      'Ingest batches written at once, each for its own share of the entities (docs/ingest.md); default 1 with the embedded SQLite, 2 with PostgreSQL',
  },
  {
    key: 'ingestMaxPayloadBytes',
    env: 'CIVIS_INGEST_MAX_PAYLOAD_BYTES',
    kind: 'positiveInt',
    default: 256 * 1024,
    description:
      'Largest device message (HTTP body, MQTT payload); larger ones are rejected as oversized',
  },
  {
    key: 'ingestRejectionCapacity',
    env: 'CIVIS_INGEST_REJECTION_CAPACITY',
    kind: 'positiveInt',
    default: 10_000,
    description: 'Rejected device messages kept for GET /api/ingest/rejections (the newest)',
  },
  {
    key: 'offlineCommandsPerDevice',
    env: 'CIVIS_OFFLINE_COMMANDS_PER_DEVICE',
    kind: 'positiveInt',
    default: 100,
    description:
      'Commands the embedded MQTT broker keeps for one device that is not connected; beyond, a command fails (<cmd>_status ERROR, docs/mqtt-and-commands.md)',
  },
  {
    key: 'offlineCommandsTotal',
    env: 'CIVIS_OFFLINE_COMMANDS_TOTAL',
    kind: 'positiveInt',
    default: 10_000,
    description:
      'Commands the embedded MQTT broker keeps for all devices that are not connected; beyond, a command to any of them fails',
  },
  {
    key: 'demo',
    env: 'CIVIS_DEMO',
    kind: 'boolean',
    default: undefined,
    description:
      'Simulate the demo city (120 devices of every vertical, docs/simulator.md) in process; default on with the embedded SQLite, off with PostgreSQL',
  },
  {
    key: 'mqttPort',
    env: 'CIVIS_MQTT_PORT',
    kind: 'port',
    default: 1883,
    description:
      'Port of the embedded MQTT broker for devices (not started when CIVIS_MQTT_URL is set; docs/mqtt-and-commands.md)',
  },
  {
    key: 'mqttHost',
    env: 'CIVIS_MQTT_HOST',
    kind: 'string',
    default: '0.0.0.0',
    description: 'Address the embedded MQTT broker binds to',
  },
  {
    key: 'mqttUrl',
    env: 'CIVIS_MQTT_URL',
    kind: 'mqttUrl',
    default: undefined,
    description:
      'mqtt://[user:pass@]host:1883 (or mqtts://) of an external broker (Mosquitto, EMQX…) that devices publish to, instead of the embedded one',
  },
  {
    key: 'mqttClientId',
    env: 'CIVIS_MQTT_CLIENT_ID',
    kind: 'string',
    default: undefined,
    description:
      'Client id of this instance at the external broker, stable across restarts and unique per instance; default civis-<host name>',
  },
  {
    key: 'mqttSharedGroup',
    env: 'CIVIS_MQTT_SHARED_GROUP',
    kind: 'string',
    default: 'civis',
    description:
      'Shared subscription group ($share/<group>/…) in which the instances of one deployment split the device messages of the external broker',
  },
  {
    key: 'deviceHealthIntervalMs',
    env: 'CIVIS_DEVICE_HEALTH_INTERVAL_MS',
    kind: 'positiveInt',
    default: 60_000,
    description:
      'Time between two device health runs: lastSeen and message counts flushed to the Device entities, stale devices alerted (docs/lorawan-and-device-health.md)',
  },
];

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** Checks and converts one raw value (from a file, the environment or a flag); returns an error text. */
export function coerceSetting(
  spec: SettingSpec,
  raw: unknown,
): { value: unknown } | { error: string } {
  const text = typeof raw === 'string' ? raw.trim() : raw;
  switch (spec.kind) {
    case 'port': {
      const n = typeof text === 'number' ? text : Number(text);
      return Number.isInteger(n) && n >= 0 && n <= 65535
        ? { value: n }
        : { error: 'must be a port number (0–65535)' };
    }
    case 'positiveInt': {
      const n = typeof text === 'number' ? text : Number(text);
      return Number.isInteger(n) && n > 0
        ? { value: n }
        : { error: 'must be a positive whole number' };
    }
    case 'boolean':
      if (text === true || text === 'true' || text === '1') return { value: true };
      if (text === false || text === 'false' || text === '0') return { value: false };
      return { error: 'must be true or false' };
    case 'logLevel':
      return typeof text === 'string' && LOG_LEVELS.has(text)
        ? { value: text }
        : { error: `must be one of ${[...LOG_LEVELS].join(', ')}` };
    case 'string':
      return typeof text === 'string' && text.length > 0
        ? { value: text }
        : { error: 'must be a non-empty string' };
    case 'natsUrl': {
      if (typeof text !== 'string') return { error: 'must be a nats:// URL' };
      for (const part of text.split(',')) {
        let url: URL;
        try {
          url = new URL(part.trim());
        } catch {
          return { error: 'must be nats://host:port URLs, comma-separated' };
        }
        if ((url.protocol !== 'nats:' && url.protocol !== 'tls:') || url.hostname === '')
          return { error: 'must be nats://host:port (or tls://host:port) URLs, comma-separated' };
      }
      return { value: text };
    }
    case 'mqttUrl': {
      let url: URL;
      try {
        url = new URL(String(text));
      } catch {
        return { error: 'must be an mqtt:// or mqtts:// URL' };
      }
      return (url.protocol === 'mqtt:' || url.protocol === 'mqtts:') && url.hostname !== ''
        ? { value: text }
        : { error: 'must be mqtt://host:port or mqtts://host:port' };
    }
    case 'natsName':
      // JetStream stream names: no whitespace, '.', '*', '>' or path separators.
      return typeof text === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(text)
        ? { value: text }
        : { error: 'must be 1–64 letters, digits, _ or -' };
    case 'retentionRules': {
      try {
        const value: unknown = typeof text === 'string' ? JSON.parse(text) : text;
        return { value: parseRetentionPolicy(value) };
      } catch (error) {
        return { error: `must be retention rules as JSON: ${(error as Error).message}` };
      }
    }
    case 'networkList':
      try {
        return { value: parseNetworkList(text) };
      } catch (error) {
        return { error: (error as Error).message };
      }
    case 'url':
    case 'postgresUrl': {
      if (typeof text !== 'string') return { error: 'must be a URL' };
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        return { error: 'must be a URL' };
      }
      if (
        spec.kind === 'postgresUrl' &&
        url.protocol !== 'postgres:' &&
        url.protocol !== 'postgresql:'
      ) {
        return { error: 'must be a postgres:// or postgresql:// URL' };
      }
      if (spec.kind === 'url' && url.protocol !== 'http:' && url.protocol !== 'https:')
        return { error: 'must be an http(s) URL' };
      return { value: spec.kind === 'url' ? text.replace(/\/+$/, '') : text };
    }
  }
}
