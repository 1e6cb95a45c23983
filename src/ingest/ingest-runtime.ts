/**
 * The acquisition layer's runtime (ingest.types.ts IngestRuntime): the device directory, the
 * measurement sink, the rejection recorder, command acknowledgements and the command
 * transports, built once by buildApp and handed to every device agent and ingest route.
 * `start` starts the agents; `stop` stops them first (no new messages), then drains the
 * sink (everything accepted is written) and flushes the rejections.
 */
import type { Logger } from 'pino';
import type { EntityService } from '../context/entity.service.js';
import type { JsonLdContextService } from '../context/json-ld-context.service.js';
import { isValidAttributeName } from '../ngsi-ld/entity/names.js';
import type { Attribute } from '../ngsi-ld/model.js';
import { badRequestData, resourceNotFound } from '../ngsi-ld/problem-details.js';
import type { ProvisionedDevice } from './devices/device.model.js';
import type {
  CommandTransport,
  DeviceAgent,
  DeviceDirectory,
  IngestRuntime,
} from './ingest.types.js';
import { anyJson, describeValue } from './pipeline/attribute-value.js';
import { createInMemoryRejectionStore } from './pipeline/in-memory-rejection.store.js';
import {
  createMeasurementSink,
  type MeasurementSinkSettings,
  type RunningMeasurementSink,
} from './pipeline/measurement.sink.js';
import {
  createRejectionRecorder,
  type RunningRejectionRecorder,
} from './pipeline/rejection.recorder.js';
import type { RejectionStore } from './ports/rejection-store.port.js';

export interface IngestRuntimeDeps {
  entities: Pick<EntityService, 'batchUpsert'>;
  contexts: Pick<JsonLdContextService, 'resolve'>;
  directory: DeviceDirectory;
  /** Dead letters; default an in-memory store of `rejectionCapacity` entries. */
  rejectionStore?: RejectionStore;
  rejectionCapacity?: number;
  clock: () => Date;
  log: Logger;
  settings: MeasurementSinkSettings;
}

/** The runtime with the members every transport may rely on when built here. */
export interface CivisIngestRuntime extends IngestRuntime {
  sink: RunningMeasurementSink;
  rejections: RunningRejectionRecorder;
  commandTransport(transport: CommandTransport['transport']): CommandTransport | undefined;
}

export interface IngestRuntimeHandle {
  runtime: CivisIngestRuntime;
  /** Starts the agents in order; when one fails, the ones started are stopped again. */
  start(agents: readonly DeviceAgent[]): Promise<void>;
  /** Agents first (reverse order), then the sink drains, then the rejections are flushed. */
  stop(): Promise<void>;
}

export function createIngestRuntime(deps: IngestRuntimeDeps): IngestRuntimeHandle {
  const { log } = deps;
  const recorder = createRejectionRecorder({
    store: deps.rejectionStore ?? createInMemoryRejectionStore(deps.rejectionCapacity ?? 10_000),
    clock: deps.clock,
    log: log.child({ component: 'ingest-rejections' }),
  });
  const sink = createMeasurementSink({
    entities: deps.entities,
    contexts: deps.contexts,
    rejections: recorder,
    log: log.child({ component: 'ingest-sink' }),
    settings: deps.settings,
  });
  const transports = new Map<CommandTransport['transport'], CommandTransport>();
  let started: DeviceAgent[] = [];

  async function acknowledgeCommand(
    provisioned: ProvisionedDevice,
    command: string,
    result: unknown,
  ): Promise<void> {
    const { device } = provisioned;
    if (!provisioned.commands.some((c) => c.name === command))
      throw resourceNotFound(`Device ${device.device_id} has no command '${command}'`);
    const status = `${command}_status`;
    const info = `${command}_info`;
    if (!isValidAttributeName(status))
      throw badRequestData(`'${command}' cannot name the attributes of a command acknowledgement`);
    const context = await deps.contexts.resolve(provisioned.ldContext);
    const observedAt = deps.clock().toISOString();
    const infoValue = typeof result === 'string' ? result : result == null ? '' : anyJson(result);
    const infoAttribute: Attribute =
      typeof infoValue === 'string'
        ? { type: 'Property', value: infoValue, observedAt }
        : 'attribute' in infoValue
          ? { ...infoValue.attribute, observedAt }
          : { type: 'Property', value: describeValue(result), observedAt };
    const outcome = await deps.entities.batchUpsert(
      device.tenant,
      [
        {
          id: device.entity_name,
          input: {
            id: device.entity_name,
            type: [context.expandTerm(device.entity_type)],
            attrs: {
              [context.expandTerm(status)]: [{ type: 'Property', value: 'OK', observedAt }],
              [context.expandTerm(info)]: [infoAttribute],
            },
          },
        },
      ],
      'update',
    );
    const failure = outcome.errors[0];
    if (failure !== undefined) throw failure.error;
  }

  const runtime: CivisIngestRuntime = {
    directory: deps.directory,
    sink,
    rejections: recorder,
    clock: deps.clock,
    acknowledgeCommand,
    registerCommandTransport(transport) {
      transports.set(transport.transport, transport);
    },
    commandTransport: (transport) => transports.get(transport),
  };

  async function stopAgents(): Promise<void> {
    const agents = started.reverse();
    started = [];
    for (const agent of agents) {
      try {
        await agent.stop();
      } catch (error) {
        log.warn({ err: error, agent: agent.name }, 'A device agent failed to stop');
      }
    }
  }

  return {
    runtime,
    async start(agents) {
      for (const agent of agents) {
        try {
          await agent.start(runtime);
        } catch (error) {
          log.error({ err: error, agent: agent.name }, 'A device agent failed to start');
          await stopAgents();
          throw error;
        }
        started.push(agent);
        log.info({ agent: agent.name }, 'Device agent started');
      }
    },
    async stop() {
      await stopAgents();
      await sink.stop();
      await recorder.stop();
    },
  };
}
