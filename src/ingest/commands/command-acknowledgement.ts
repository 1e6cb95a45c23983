/**
 * Applies a device's answer to a command (MQTT cmdexe, UltraLight over HTTP, the response
 * to an HTTP push; IngestRuntime.acknowledgeCommand): `<cmd>_status` OK and `<cmd>_info`
 * the result. Only a pending command is answered: the dispatcher writes `<cmd>_status`
 * PENDING before each send, so an answer while the status is anything else (never sent,
 * already answered, failed) is no result of a command Civis sent. It is a rejection
 * (`no-pending-command`, counted and logged), and the entity is left as it is.
 */
import type { EntityService } from '../../context/entity.service.js';
import type { JsonLdContextService } from '../../context/json-ld-context.service.js';
import { isValidAttributeName } from '../../ngsi-ld/entity/names.js';
import type { Attribute, Entity } from '../../ngsi-ld/model.js';
import {
  badRequestData,
  isProblemDetails,
  resourceNotFound,
} from '../../ngsi-ld/problem-details.js';
import type { ProvisionedDevice } from '../devices/device.model.js';
import type { IngestRuntime, IngestTransport, RejectionRecorder } from '../ingest.types.js';
import { anyJson, describeValue } from '../pipeline/attribute-value.js';
import { excerptPayload } from '../pipeline/rejection.recorder.js';
import { COMMAND_STATUS, defaultInstance } from './command-changes.js';
import { commandTransportOf } from './command.dispatcher.js';

export interface CommandAcknowledgementDeps {
  entities: Pick<EntityService, 'batchUpsert' | 'retrieveEntity'>;
  contexts: Pick<JsonLdContextService, 'resolve'>;
  rejections: Pick<RejectionRecorder, 'record'>;
  clock: () => Date;
}

export function createCommandAcknowledgement(
  deps: CommandAcknowledgementDeps,
): IngestRuntime['acknowledgeCommand'] {
  /** The value of `<cmd>_status` (its default instance), undefined without entity. */
  async function statusOf(provisioned: ProvisionedDevice, statusIri: string) {
    const { device } = provisioned;
    let entity: Entity;
    try {
      entity = await deps.entities.retrieveEntity(device.tenant, device.entity_name);
    } catch (error) {
      if (isProblemDetails(error) && error.status === 404) return undefined;
      throw error;
    }
    const status = defaultInstance(entity.attrs[statusIri]);
    return status?.type === 'Property' ? status.value : undefined;
  }

  function refuse(
    provisioned: ProvisionedDevice,
    command: string,
    status: unknown,
    result: unknown,
    transport: IngestTransport | undefined,
  ) {
    const { device } = provisioned;
    const now = status === undefined ? 'has no status' : `is ${JSON.stringify(status)}`;
    deps.rejections.record({
      reason: 'no-pending-command',
      transport: transport ?? (commandTransportOf(provisioned) === 'HTTP' ? 'http' : 'mqtt'),
      tenant: device.tenant,
      apikey: device.apikey,
      deviceId: device.device_id,
      detail: `Device ${device.device_id} answered command '${command}', which is not pending (${command}_status ${now}); not applied`,
      payloadExcerpt: excerptPayload(
        typeof result === 'string' ? result : (JSON.stringify(result) ?? ''),
      ),
    });
  }

  return async (provisioned, command, result, transport) => {
    const { device } = provisioned;
    if (!provisioned.commands.some((c) => c.name === command))
      throw resourceNotFound(`Device ${device.device_id} has no command '${command}'`);
    const status = `${command}_status`;
    const info = `${command}_info`;
    if (!isValidAttributeName(status))
      throw badRequestData(`'${command}' cannot name the attributes of a command acknowledgement`);
    const context = await deps.contexts.resolve(provisioned.ldContext);
    const statusIri = context.expandTerm(status);
    const current = await statusOf(provisioned, statusIri);
    if (current !== COMMAND_STATUS.pending)
      return refuse(provisioned, command, current, result, transport);
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
              [statusIri]: [{ type: 'Property', value: COMMAND_STATUS.ok, observedAt }],
              [context.expandTerm(info)]: [infoAttribute],
            },
          },
        },
      ],
      'update',
    );
    const failure = outcome.errors[0];
    if (failure !== undefined) throw failure.error;
  };
}
