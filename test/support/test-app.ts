/**
 * Builds a real Civis app for API tests: SQLite in memory (or PostgreSQL when given a
 * URL), a context service whose remote @contexts come from an in-memory map instead of the
 * network, and a controllable clock.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppConfig } from '../../src/app.js';
import { createSqliteStores } from '../../src/adapters/sqlite/sqlite-stores.js';
import {
  createSseNotificationHub,
  type SseNotificationHub,
} from '../../src/adapters/notify/sse-notification-hub.js';
import { createInProcessChangeBus } from '../../src/context/in-process-change-bus.js';
import type { NotificationSender } from '../../src/context/ports/notification-sender.port.js';
import type { DeviceAgent } from '../../src/ingest/ingest.types.js';
import type { NotificationSettings } from '../../src/context/subscriptions/subscription-runtime.js';
import { createJsonLdContextService } from '../../src/context/json-ld-context.service.js';
import type { ContextDocumentLoader } from '../../src/context/ports/context-document-loader.port.js';
import type { DeviceStore } from '../../src/ingest/ports/device-store.port.js';
import { ldContextNotAvailable } from '../../src/ngsi-ld/problem-details.js';
import { createLogger } from '../../src/platform/logging/logger.js';
import {
  createRecordingNotificationSender,
  type RecordingNotificationSender,
} from './recording-notification-sender.js';

export const CORE_CONTEXT = 'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.9.jsonld';
export const TEST_CONTEXT_URL = 'https://contexts.example.org/city.jsonld';
export const TEST_CONTEXT = {
  '@context': {
    city: 'https://city.example.org/ns#',
    Streetlight: 'city:Streetlight',
    ParkingSpot: 'city:ParkingSpot',
    status: 'city:status',
    powerState: 'city:powerState',
    illuminance: 'city:illuminance',
    category: 'city:category',
    Delivery: 'city:Delivery',
  },
};

export interface TestApp {
  app: FastifyInstance;
  /** Remote @context documents served to Civis, by URL. */
  remoteContexts: Map<string, unknown>;
  /** The server-sent event streams of GET /api/notifications/streams/{name}. */
  notificationHub: SseNotificationHub;
  /** The recording notification transport (unless others were given). */
  notifications: RecordingNotificationSender;
  /** The device registry behind /iot/services and /iot/devices. */
  deviceStore: DeviceStore;
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export const DEFAULT_TEST_CONFIG: AppConfig = {
  bodyLimitBytes: 1024 * 1024,
  defaultPageSize: 20,
  maxPageSize: 1000,
  updateAppendsMissingAttributes: true,
  notificationTimeoutMs: 2_000,
  notificationMaxAttempts: 3,
  notificationConcurrencyPerEndpoint: 4,
  notificationRetryBaseMs: 20,
  temporalMaxInstances: 10_000,
  temporalRetention: [],
  temporalRetentionIntervalMs: 3_600_000,
  ingestQueueCapacity: 10_000,
  ingestBatchSize: 500,
  ingestLingerMs: 2,
  ingestWriters: 1,
  ingestMaxPayloadBytes: 64 * 1024,
  ingestRejectionCapacity: 10_000,
  deviceHealthIntervalMs: 60_000,
};

export interface TestAppOptions {
  /** Default: the recording sender (http, https, mqtt, mqtts) and the SSE hub. */
  notificationSenders?: NotificationSender[];
  notificationOverrides?: Partial<NotificationSettings>;
  /** Southbound agents started with the app (MQTT…). */
  deviceAgents?: DeviceAgent[];
}

export async function createTestApp(
  overrides: Partial<AppConfig> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const stores = await createSqliteStores({ path: ':memory:' });
  const remoteContexts = new Map<string, unknown>([[TEST_CONTEXT_URL, TEST_CONTEXT]]);
  const loader: ContextDocumentLoader = {
    async load(url) {
      const document = remoteContexts.get(url);
      if (document === undefined) throw ldContextNotAvailable(`Cannot fetch @context ${url}`);
      return structuredClone(document);
    },
  };
  const logger = createLogger('silent');
  const changeBus = createInProcessChangeBus();
  const notificationHub = createSseNotificationHub();
  const notifications = createRecordingNotificationSender();
  const contexts = createJsonLdContextService({
    loader,
    store: stores.contextStore,
    clock: () => new Date(),
    maxCacheEntries: 100,
    cacheTtlMs: 60_000,
    publicBaseUrl: 'http://localhost:1026',
    log: logger,
  });
  const app = await buildApp(
    { ...DEFAULT_TEST_CONFIG, ...overrides },
    {
      entityStore: stores.entityStore,
      changeLog: stores.changeLog,
      changeBus,
      contexts,
      clock: () => new Date(),
      logger,
      version: 'test',
      notificationHub,
      subscriptionStore: stores.subscriptionStore,
      historyStore: stores.historyStore,
      rejectionStore: stores.rejectionStore,
      ...(options.deviceAgents === undefined ? {} : { deviceAgents: options.deviceAgents }),
      deviceStore: stores.deviceStore,
      notificationSenders: options.notificationSenders ?? [notifications, notificationHub],
      // Retries and claims every 50 ms instead of every second.
      notificationOverrides: { pollIntervalMs: 50, ...options.notificationOverrides },
    },
  );
  await app.ready();
  return {
    app,
    remoteContexts,
    notificationHub,
    notifications,
    deviceStore: stores.deviceStore,
    request: (options) => app.inject(options),
    close: async () => {
      await app.close();
      await notifications.close();
      await notificationHub.close();
      await changeBus.close();
      await stores.close();
    },
  };
}

/** A JSON request with an optional JSON-LD Link header to a context URL. */
export function jsonRequest(
  method: InjectOptions['method'],
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): InjectOptions {
  return {
    method,
    url,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  };
}

export function linkTo(url: string): Record<string, string> {
  return {
    link: `<${url}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`,
  };
}

export const NGSI = '/ngsi-ld/v1';
export const ETSI_ERRORS = 'https://uri.etsi.org/ngsi-ld/errors/';
