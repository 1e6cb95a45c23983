/**
 * The NGSI-LD entities a provisioned device shows up as (docs/iot-provisioning.md):
 *  - a Smart Data Models `Device` entity `urn:ngsi-ld:Device:<device_id>` (controlledProperty,
 *    deviceState, source, controlledAsset → the measurement entity);
 *  - its measurement entity (entity_name, entity_type) with the static attributes;
 *  - for every command `<cmd>`, the Properties `<cmd>`, `<cmd>_status` and `<cmd>_info`.
 * Built here as normalized NGSI-LD JSON with short names; the provisioning service expands
 * them with the device's @context through the ordinary entity parser.
 */
import { badRequestData } from '../../ngsi-ld/problem-details.js';
import { converterFor } from '../pipeline/attribute-value.js';
import type { ProvisionedDevice, StaticAttribute } from './device.model.js';

export const DEVICE_ENTITY_TYPE = 'Device';
/** deviceState of a device provisioned but not heard from yet. */
export const PROVISIONED_STATE = 'provisioned';
export const COMMAND_STATUS_UNKNOWN = 'UNKNOWN';

type JsonObject = Record<string, unknown>;

export function deviceEntityId(deviceId: string): string {
  return `urn:ngsi-ld:Device:${deviceId}`;
}

/** `urn:ngsi-ld:<type>:<device_id>`, with the last segment of a type given as a URI. */
export function defaultEntityName(entityType: string, deviceId: string): string {
  const name = /[/#]/.test(entityType) ? (entityType.split(/[/#]/).pop() ?? '') : entityType;
  return `urn:ngsi-ld:${name.replace(/^.*:/, '') || 'Thing'}:${deviceId}`;
}

export interface DeviceEntityDocuments {
  /** The SDM Device entity. */
  device: JsonObject;
  /** The measurement entity with its static attributes (upserted: other attributes stay). */
  measurement: JsonObject;
  /** The command attributes, added only where missing (a command's status survives). */
  commands: JsonObject | undefined;
}

/**
 * `initial`: the device was just created, so deviceState starts at 'provisioned'; later
 * updates leave the state to device health.
 */
export function deviceEntityDocuments(
  provisioned: ProvisionedDevice,
  options: { initial: boolean },
): DeviceEntityDocuments {
  const { device } = provisioned;
  const deviceEntity: JsonObject = {
    id: deviceEntityId(device.device_id),
    type: DEVICE_ENTITY_TYPE,
    controlledProperty: {
      type: 'Property',
      value: [...new Set(provisioned.attributes.map((a) => a.name))],
    },
    controlledAsset: { type: 'Relationship', object: device.entity_name },
  };
  if (options.initial) deviceEntity['deviceState'] = property(PROVISIONED_STATE);
  const source = [provisioned.transport, provisioned.protocol].filter(Boolean).join('/');
  if (source !== '') deviceEntity['source'] = property(source);

  const measurement: JsonObject = { id: device.entity_name, type: device.entity_type };
  provisioned.static_attributes.forEach((attribute, i) => {
    measurement[attribute.name] = staticAttributeJson(attribute, `static_attributes[${i}]`);
  });

  let commands: JsonObject | undefined;
  for (const command of provisioned.commands) {
    commands ??= {};
    commands[command.name] = property('');
    commands[`${command.name}_status`] = property(COMMAND_STATUS_UNKNOWN);
    commands[`${command.name}_info`] = property('');
  }
  return { device: deviceEntity, measurement, commands };
}

/** A static attribute as an NGSI-LD attribute; a value that does not fit its type is 400. */
export function staticAttributeJson(attribute: StaticAttribute, where: string): JsonObject {
  const outcome = converterFor(attribute.type)(attribute.value);
  if ('refused' in outcome) {
    throw badRequestData(`${where} '${attribute.name}' (${attribute.type}): ${outcome.refused}`);
  }
  const json: JsonObject = { ...outcome.attribute };
  for (const [name, meta] of Object.entries(attribute.metadata ?? {})) {
    if (name === 'unitCode') json['unitCode'] = meta.value;
    else if (meta.type === 'Relationship')
      json[name] = { type: 'Relationship', object: meta.value };
    else json[name] = property(meta.value);
  }
  return json;
}

function property(value: unknown): JsonObject {
  return { type: 'Property', value };
}
