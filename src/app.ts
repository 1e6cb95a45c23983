/**
 * Builds the Civis HTTP application without listening (tests call app.inject()).
 * main.ts chooses the adapters and passes them in.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { batchRoutes } from './api/ngsi-ld/batch.routes.js';
import { discoveryRoutes } from './api/ngsi-ld/discovery.routes.js';
import { entityRoutes } from './api/ngsi-ld/entities.routes.js';
import { entityAttributeRoutes } from './api/ngsi-ld/entity-attributes.routes.js';
import { queryRoutes } from './api/ngsi-ld/query.routes.js';
import { jsonLdContextRoutes } from './api/ngsi-ld/jsonld-contexts.routes.js';
import {
  subscriptionRoutes,
  type SubscriptionRoutesDeps,
} from './api/ngsi-ld/subscriptions.routes.js';
import { registerNgsiLdRoutes, NGSI_LD_PREFIX } from './api/ngsi-ld/ngsi-ld.plugin.js';
import { temporalRoutes, type TemporalRoutesDeps } from './api/ngsi-ld/temporal.routes.js';
import { buildOpenApiDocument } from './api/ngsi-ld/openapi.js';
import type { RouteSpec } from './api/ngsi-ld/route-spec.js';
import { installErrorHandling } from './api/http/error-handler.js';
import { MEDIA_JSON, MEDIA_JSON_LD, MEDIA_MERGE_PATCH } from './api/http/media-types.js';
import { deviceHealthRoutes } from './api/iot/device-health.routes.js';
import { registerIotRoutes } from './api/iot/iot-route-spec.js';
import { lorawanRoutes } from './api/iot/lorawan.routes.js';
import { provisioningRoutes } from './api/iot/provisioning.routes.js';
import { ingestRejectionRoutes } from './api/iot/ingest-rejections.routes.js';
import { southboundHttpRoutes } from './api/iot/southbound-http.routes.js';
import { healthRoutes } from './api/platform/health.routes.js';
import {
  notificationStreamRoutes,
  type NotificationStreams,
} from './api/platform/notification-stream.routes.js';
import { createChangeRelay } from './context/change-relay.js';
import { createEntityService } from './context/entity.service.js';
import type { JsonLdContextService } from './context/json-ld-context.service.js';
import type { ChangeBus } from './context/ports/change-bus.port.js';
import type { ChangeLog } from './context/ports/change-log.port.js';
import type { EntityStore } from './context/ports/entity-store.port.js';
import type { HistoryStore } from './context/ports/history-store.port.js';
import { createHistoryRetention } from './context/temporal-retention.js';
import { createTemporalService } from './context/temporal.service.js';
import type { NotificationSender } from './context/ports/notification-sender.port.js';
import type { SubscriptionStore } from './context/ports/subscription-store.port.js';
import {
  createSubscriptionRuntime,
  notificationSettings,
  type NotificationSettings,
} from './context/subscriptions/subscription-runtime.js';
import { createDeviceDirectory } from './ingest/devices/device-directory.js';
import { createProvisioningService } from './ingest/devices/provisioning.service.js';
import type { DeviceStore } from './ingest/ports/device-store.port.js';
import { createCommandDispatcher } from './ingest/commands/command.dispatcher.js';
import { createHttpCommandTransport } from './ingest/commands/http-command.transport.js';
import { DEFAULT_DENIED_NETWORKS } from './platform/config/network-list.js';
import { createIngestRuntime } from './ingest/ingest-runtime.js';
import { createDeviceHealthMonitor } from './ingest/health/device-health.monitor.js';
import type { DeviceAgent, DeviceDirectory } from './ingest/ingest.types.js';
import type { RejectionStore } from './ingest/ports/rejection-store.port.js';
import { invalidRequest, unsupportedMediaType } from './ngsi-ld/problem-details.js';
import type { CivisConfig } from './platform/config/config.schema.js';

export interface AppDeps {
  entityStore: EntityStore;
  /** The durable log of committed entity changes, written by the entity store. */
  changeLog: ChangeLog;
  /** Carries changes to their consumers (subscriptions); the caller closes it. */
  changeBus: ChangeBus;
  contexts: JsonLdContextService;
  clock: () => Date;
  logger: Logger;
  version: string;
  /** The notification transports, by URI scheme (src/adapters/notify). */
  notificationSenders?: readonly NotificationSender[];
  /** The server-sent event streams of GET /api/notifications/streams/{name}. */
  notificationHub?: NotificationStreams;
  /** Subscriptions and the notification outbox. */
  subscriptionStore: SubscriptionStore;
  /** The attribute history of the temporal API. */
  historyStore: HistoryStore;
  /** Notification pipeline settings beyond the configuration (tests shorten the timers). */
  notificationOverrides?: Partial<NotificationSettings>;
  /** The device registry: with it, the IoT Agent provisioning API (/iot/services, /iot/devices). */
  deviceStore?: DeviceStore;
  /** Dead letters of rejected device messages; default in memory (docs/ingest.md). */
  rejectionStore?: RejectionStore;
  /** Southbound agents (MQTT broker or client…): started on ready, stopped on close. */
  deviceAgents?: DeviceAgent[];
}

export type AppConfig = Pick<
  CivisConfig,
  | 'bodyLimitBytes'
  | 'defaultPageSize'
  | 'maxPageSize'
  | 'updateAppendsMissingAttributes'
  | 'notificationTimeoutMs'
  | 'notificationMaxAttempts'
  | 'notificationConcurrencyPerEndpoint'
  | 'notificationRetryBaseMs'
  | 'temporalMaxInstances'
  | 'temporalRetention'
  | 'temporalRetentionIntervalMs'
  | 'ingestQueueCapacity'
  | 'ingestBatchSize'
  | 'ingestLingerMs'
  | 'ingestWriters'
  | 'ingestMaxPayloadBytes'
  | 'ingestRejectionCapacity'
  | 'deviceHealthIntervalMs'
> &
  Partial<Pick<CivisConfig, 'notificationDeniedNetworks'>>;

export function ngsiLdRouteTable(
  deps: Parameters<typeof entityRoutes>[0] & {
    contexts: JsonLdContextService;
  } & SubscriptionRoutesDeps &
    TemporalRoutesDeps,
): RouteSpec[] {
  return [
    ...entityRoutes(deps),
    ...entityAttributeRoutes(deps),
    ...batchRoutes(deps),
    ...queryRoutes(deps),
    ...discoveryRoutes(deps),
    ...jsonLdContextRoutes(deps),
    ...subscriptionRoutes(deps),
    ...temporalRoutes(deps),
  ];
}

/** The directory of an app without a device registry: every device is unknown. */
const NO_DEVICES: DeviceDirectory = {
  findByApikey: async () => undefined,
  findByDevEui: async () => undefined,
  findCommandDevice: async () => undefined,
  listAll: async () => [],
};

export async function buildApp(config: AppConfig, deps: AppDeps): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: config.bodyLimitBytes,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
    // Per-request lines at debug level (info is for lifecycle events).
    logController: new LogController({ disableRequestLogging: true }),
  });
  if (deps.logger.isLevelEnabled('debug')) {
    app.addHook('onResponse', async (request, reply) => {
      request.log.debug(
        {
          method: request.method,
          // Without the query string: device requests carry their apikey in it (k=).
          url: request.url.split('?', 1)[0],
          statusCode: reply.statusCode,
          ms: reply.elapsedTime,
        },
        'request completed',
      );
    });
  }
  installErrorHandling(app);

  // JSON bodies only (NGSI-LD 6.3.4); anything else is 415. An empty body is no body (clients
  // send Content-Type on DELETE too); routes that need one say so. Parse errors are
  // InvalidRequest.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    [MEDIA_JSON, MEDIA_JSON_LD, MEDIA_MERGE_PATCH],
    { parseAs: 'string' },
    (_request, body, done) => {
      if (body === '') return done(null, undefined);
      try {
        done(null, JSON.parse(body as string) as unknown);
      } catch (error) {
        done(invalidRequest(`The body is not valid JSON: ${(error as Error).message}`), undefined);
      }
    },
  );
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined);
    done(
      unsupportedMediaType(`Content-Type '${request.headers['content-type']}' is not supported`),
      undefined,
    );
  });

  const entities = createEntityService({
    store: deps.entityStore,
    clock: deps.clock,
    updateAppendsMissingAttributes: config.updateAppendsMissingAttributes,
  });
  // Registered before the change relay: its consumer must exist when the relay starts, and
  // it stops after the relay (onClose hooks run last-registered first).
  const subscriptions = createSubscriptionRuntime({
    store: deps.subscriptionStore,
    entityStore: deps.entityStore,
    contexts: deps.contexts,
    changeBus: deps.changeBus,
    senders: deps.notificationSenders ?? [],
    clock: deps.clock,
    log: deps.logger.child({ component: 'subscriptions' }),
    settings: notificationSettings(
      {
        timeoutMs: config.notificationTimeoutMs,
        maxAttempts: config.notificationMaxAttempts,
        concurrencyPerEndpoint: config.notificationConcurrencyPerEndpoint,
        retryBaseMs: config.notificationRetryBaseMs,
      },
      deps.notificationOverrides,
    ),
  });
  app.addHook('onReady', () => subscriptions.start());
  app.addHook('onClose', () => subscriptions.stop());
  const history = createHistoryRetention({
    history: deps.historyStore,
    rules: config.temporalRetention,
    clock: deps.clock,
    intervalMs: config.temporalRetentionIntervalMs,
    log: deps.logger.child({ component: 'history-retention' }),
  });
  app.addHook('onReady', async () => history.start());
  app.addHook('onClose', () => history.stop());
  const routes = ngsiLdRouteTable({
    entities,
    temporal: createTemporalService({ history: deps.historyStore, clock: deps.clock }),
    temporalMaxInstances: config.temporalMaxInstances,
    subscriptions: subscriptions.service,
    contexts: deps.contexts,
    paging: { defaultPageSize: config.defaultPageSize, maxPageSize: config.maxPageSize },
  });
  await registerNgsiLdRoutes(app, {
    routes,
    resolveContext: (raw) => deps.contexts.resolve(raw),
    assertTenantExists: (tenant) => entities.assertTenantExists(tenant),
  });
  // Device registry and provisioning (docs/iot-provisioning.md): the directory is the
  // transports' cached view of the registry; provisioning writes go through `entities`.
  const deviceDirectory =
    deps.deviceStore === undefined ? undefined : createDeviceDirectory({ store: deps.deviceStore });
  if (deps.deviceStore !== undefined) {
    const provisioning = createProvisioningService({
      store: deps.deviceStore,
      entities,
      contexts: deps.contexts,
      directory: deviceDirectory,
      clock: deps.clock,
      log: deps.logger.child({ component: 'provisioning' }),
    });
    registerIotRoutes(
      app,
      provisioningRoutes({
        provisioning,
        paging: { defaultPageSize: config.defaultPageSize, maxPageSize: config.maxPageSize },
      }),
    );
  }
  // The acquisition layer (docs/ingest.md): agents and the HTTP southbound API hand
  // measurements to the sink, which writes them through `entities`; refusals are recorded.
  const ingest = createIngestRuntime({
    entities,
    contexts: deps.contexts,
    directory: deviceDirectory ?? NO_DEVICES,
    ...(deps.rejectionStore === undefined ? {} : { rejectionStore: deps.rejectionStore }),
    rejectionCapacity: config.ingestRejectionCapacity,
    clock: deps.clock,
    log: deps.logger.child({ component: 'ingest' }),
    settings: {
      capacity: config.ingestQueueCapacity,
      batchSize: config.ingestBatchSize,
      lingerMs: config.ingestLingerMs,
      writers: config.ingestWriters,
    },
  });
  await southboundHttpRoutes(app, {
    runtime: ingest.runtime,
    maxPayloadBytes: config.ingestMaxPayloadBytes,
  });
  ingestRejectionRoutes(app, { rejections: ingest.runtime.rejections });
  // Device commands (docs/mqtt-and-commands.md): NGSI-LD writes of a command attribute go
  // out through the transport the MQTT agent registered, or by HTTP push.
  ingest.runtime.registerCommandTransport(
    createHttpCommandTransport({
      acknowledge: ingest.runtime.acknowledgeCommand,
      // A device's `endpoint` is provisioned data: no SSRF into the denied networks.
      deniedNetworks: config.notificationDeniedNetworks ?? DEFAULT_DENIED_NETWORKS,
    }),
  );
  const commands = createCommandDispatcher({
    bus: deps.changeBus,
    directory: deviceDirectory ?? NO_DEVICES,
    entities,
    contexts: deps.contexts,
    transports: (kind) => ingest.runtime.commandTransport(kind),
    clock: deps.clock,
    log: deps.logger.child({ component: 'device-commands' }),
  });
  app.addHook('onReady', () => commands.start());
  app.addHook('onClose', () => commands.stop());
  // LoRaWAN webhooks and device health (docs/lorawan-and-device-health.md).
  lorawanRoutes(app, { runtime: ingest.runtime, maxPayloadBytes: config.ingestMaxPayloadBytes });
  const deviceHealth = createDeviceHealthMonitor({
    runtime: ingest.runtime,
    entities,
    contexts: deps.contexts,
    intervalMs: config.deviceHealthIntervalMs,
    log: deps.logger.child({ component: 'device-health' }),
  });
  deviceHealthRoutes(app, { health: deviceHealth });
  const openApi = buildOpenApiDocument(routes, deps.version);
  app.get(`${NGSI_LD_PREFIX}/openapi.json`, async () => openApi);
  healthRoutes(app, { entityStore: deps.entityStore, version: deps.version });
  if (deps.notificationHub !== undefined) {
    notificationStreamRoutes(app, {
      streams: deps.notificationHub,
      assertTenantExists: (tenant) => entities.assertTenantExists(tenant),
    });
  }

  // Consumers of the change bus must be registered (before this point, or in onReady hooks
  // added earlier) before the relay starts: it publishes what the log still holds first.
  const relay = createChangeRelay({
    changeLog: deps.changeLog,
    bus: deps.changeBus,
    onPublishError: (error) =>
      deps.logger.warn({ err: error }, 'Publishing changes failed; they stay in the change log'),
  });
  app.addHook('onReady', () => relay.start());
  app.addHook('onClose', () => relay.stop());
  // Closes after the ingest runtime (below) drained the sink, so its last counts are flushed.
  app.addHook('onReady', async () => deviceHealth.start());
  app.addHook('onClose', () => deviceHealth.stop());
  // Registered last so that it closes first: agents stop, then the sink drains while the
  // relay still publishes what it writes.
  app.addHook('onReady', () => ingest.start(deps.deviceAgents ?? []));
  app.addHook('onClose', () => ingest.stop());
  return app;
}
