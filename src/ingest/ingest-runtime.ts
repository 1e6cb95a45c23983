/**
 * The acquisition layer's runtime (ingest.types.ts IngestRuntime): the device directory, the
 * measurement sink, the rejection recorder, command acknowledgements (of pending commands
 * only, commands/command-acknowledgement.ts) and the command transports, built once by
 * buildApp and handed to every device agent and ingest route.
 * `start` starts the agents; `stop` stops them first (no new messages), then drains the
 * sink (everything accepted is written) and flushes the rejections.
 */
import type { Logger } from 'pino';
import type { EntityService } from '../context/entity.service.js';
import type { JsonLdContextService } from '../context/json-ld-context.service.js';
import { createCommandAcknowledgement } from './commands/command-acknowledgement.js';
import type {
  CommandTransport,
  DeviceAgent,
  DeviceDirectory,
  IngestRuntime,
} from './ingest.types.js';
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
  entities: Pick<EntityService, 'batchUpsert' | 'retrieveEntity'>;
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
  const acknowledgeCommand = createCommandAcknowledgement({
    entities: deps.entities,
    contexts: deps.contexts,
    rejections: recorder,
    clock: deps.clock,
  });
  const transports = new Map<CommandTransport['transport'], CommandTransport>();
  let started: DeviceAgent[] = [];

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
