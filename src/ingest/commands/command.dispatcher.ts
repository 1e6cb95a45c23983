/**
 * Sends device commands (docs/mqtt-and-commands.md). It consumes the change bus (group
 * `device-commands`: one instance handles each change); when a change issues a command
 * (command-changes.ts) of a provisioned device's measurement entity, it sets
 * `<cmd>_status` to PENDING, sends the command through the transport registered for the
 * device's transport (MQTT `/<apikey>/<device_id>/cmd`, HTTP push), and sets ERROR with
 * `<cmd>_info` when sending fails. The device's answer (MQTT cmdexe, HTTP push response)
 * comes back through IngestRuntime.acknowledgeCommand: OK, with the result in `<cmd>_info`.
 *
 * Delivery of changes is at least once: a change already handled (by seq, in memory) or
 * whose command is settled on the entity (command-changes.ts commandSettled) is skipped.
 * The PENDING write comes before the sending so that a fast answer is never overwritten
 * by it.
 */
import type { Logger } from 'pino';
import type { ChangeBus, ChangeConsumer } from '../../context/ports/change-bus.port.js';
import type { EntityChange } from '../../context/ports/change-log.port.js';
import type { EntityService } from '../../context/entity.service.js';
import { RecentSet } from '../../context/recent-set.js';
import type { JsonLdContext } from '../../ngsi-ld/context/json-ld-context.js';
import type { Attribute } from '../../ngsi-ld/model.js';
import { isProblemDetails } from '../../ngsi-ld/problem-details.js';
import type { ProvisionedDevice } from '../devices/device.model.js';
import type { CommandTransport, DeviceDirectory } from '../ingest.types.js';
import {
  COMMAND_STATUS,
  commandAttributes,
  commandSettled,
  issuedCommands,
  type CommandAttributes,
  type IssuedCommand,
} from './command-changes.js';

export const COMMANDS_CONSUMER_GROUP = 'device-commands';

/** Changes remembered as handled, to drop redeliveries cheaply. */
const HANDLED_MEMORY = 10_000;

export interface CommandDispatcherDeps {
  bus: ChangeBus;
  directory: Pick<DeviceDirectory, 'findCommandDevice'>;
  entities: Pick<EntityService, 'appendAttributes' | 'retrieveEntity'>;
  contexts: { resolve(raw: unknown): Promise<Pick<JsonLdContext, 'expandTerm'>> };
  /** The registered command transports (IngestRuntime.registerCommandTransport). */
  transports: (kind: CommandTransport['transport']) => CommandTransport | undefined;
  clock: () => Date;
  log: Pick<Logger, 'info' | 'warn' | 'debug'>;
}

export interface CommandDispatcher {
  /** Starts consuming the change bus (before the change relay starts). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The transport commands of a device take: its own, else HTTP when it has an endpoint. */
export function commandTransportOf(device: ProvisionedDevice): string {
  return device.transport ?? (device.endpoint ? 'HTTP' : 'MQTT');
}

export function createCommandDispatcher(deps: CommandDispatcherDeps): CommandDispatcher {
  const { entities, log } = deps;
  const handled = new RecentSet<number>(HANDLED_MEMORY);
  let consumer: ChangeConsumer | undefined;

  async function attributesOf(device: ProvisionedDevice): Promise<CommandAttributes[]> {
    const context = await deps.contexts.resolve(device.ldContext);
    return commandAttributes(device, (term) => context.expandTerm(term));
  }

  async function setStatus(
    device: ProvisionedDevice,
    command: CommandAttributes,
    status: string,
    info?: string,
  ): Promise<void> {
    const observedAt = deps.clock().toISOString();
    const attrs: Record<string, Attribute[]> = {
      [command.statusIri]: [{ type: 'Property', value: status, observedAt }],
    };
    if (info !== undefined)
      attrs[command.infoIri] = [{ type: 'Property', value: info, observedAt }];
    await entities.appendAttributes(
      device.device.tenant,
      device.device.entity_name,
      { attrs },
      { noOverwrite: false },
    );
  }

  async function send(device: ProvisionedDevice, issued: IssuedCommand): Promise<void> {
    const { command } = issued;
    const kind = commandTransportOf(device);
    const transport = kind === 'MQTT' || kind === 'HTTP' ? deps.transports(kind) : undefined;
    await setStatus(device, command, COMMAND_STATUS.pending);
    try {
      if (transport === undefined) throw new Error(`No ${kind} command transport is running`);
      await transport.send(device, command.name, issued.value);
      log.debug({ device: device.device.device_id, command: command.name }, 'Command sent');
    } catch (error) {
      log.warn(
        { err: error, device: device.device.device_id, command: command.name },
        'Sending a command failed',
      );
      await setStatus(device, command, COMMAND_STATUS.error, (error as Error).message);
    }
  }

  async function handleChange(change: EntityChange): Promise<void> {
    if (handled.has(change.seq) || change.previous === null || change.current === null) return;
    const device = await deps.directory.findCommandDevice(change.tenant, change.entityId);
    if (device === undefined) return;
    const issued = issuedCommands(change, await attributesOf(device));
    if (issued.length > 0) {
      // Deleted since: nothing to send. Any other failure: the change is delivered again.
      const entity = await entities
        .retrieveEntity(change.tenant, change.entityId)
        .catch((error: unknown) => {
          if (isProblemDetails(error) && error.status === 404) return undefined;
          throw error;
        });
      for (const command of issued) {
        if (entity !== undefined && !commandSettled(entity, command)) await send(device, command);
      }
    }
    handled.add(change.seq);
  }

  return {
    async start() {
      consumer = await deps.bus.consume(COMMANDS_CONSUMER_GROUP, handleChange);
    },

    async stop() {
      await consumer?.stop();
      consumer = undefined;
    },
  };
}
