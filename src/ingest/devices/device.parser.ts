/**
 * Reads devices from /iot/devices bodies (FIWARE IoT Agent field names plus the Civis
 * extras devEui, password, stalePeriod, ldContext) and renders them back without secrets.
 * Group defaults (apikey, entity_type) are applied later, by the provisioning service.
 */
import { alreadyExists, badRequestData } from '../../ngsi-ld/problem-details.js';
import type { Device } from './device.model.js';
import {
  applyPatch,
  asObject,
  checkMembers,
  checkSameAsHeader,
  checkUnchanged,
  readBodyList,
  readDevEui,
  readEntityName,
  readEntityType,
  readIdentifier,
  readSecret,
  type JsonObject,
} from './provisioning-fields.js';
import {
  SETTING_FIELDS,
  readSettings,
  settingFields,
  type ProvisioningSettings,
} from './provisioning-settings.parser.js';
import type { HeaderScope } from './service-group.parser.js';

/** A device as a request gives it: apikey, entity_type and entity_name may come from its group. */
export interface DeviceInput extends ProvisioningSettings {
  device_id: string;
  entity_name?: string;
  entity_type?: string;
  apikey?: string;
  devEui?: string;
  /** Plain text, hashed before it is stored. */
  password?: string;
}

export const MAX_DEVICES_PER_REQUEST = 1000;
const MAX_PASSWORD = 128;

const KNOWN = new Set([
  'device_id',
  'entity_name',
  'entity_type',
  'apikey',
  'devEui',
  'password',
  ...SETTING_FIELDS,
  'service',
  'service_path',
]);
const IGNORED = new Set(['lazy', 'internal_attributes', 'timestamp', 'ngsiVersion', 'cbroker']);
const UNSUPPORTED = new Set(['polling', 'payloadType', 'entityNameExp', 'expressionLanguage']);
/** Fields that link the device to its entity: PUT cannot change them (IoT Agent API). */
const FIXED = ['device_id', 'entity_name', 'entity_type'] as const;

/** POST /iot/devices: `{ "devices": [ … ] }`; a device id or devEui given twice is 409. */
export function parseDevices(body: unknown, scope: HeaderScope): DeviceInput[] {
  const list = readBodyList(body, 'devices', MAX_DEVICES_PER_REQUEST);
  const devices = list.map((item, i) => parseDevice(item, `devices[${i}]`, scope));
  const ids = new Set<string>();
  const devEuis = new Set<string>();
  for (const device of devices) {
    if (ids.has(device.device_id))
      throw alreadyExists(`The body lists device ${device.device_id} twice`, device.device_id);
    ids.add(device.device_id);
    if (device.devEui === undefined) continue;
    if (devEuis.has(device.devEui))
      throw alreadyExists(`The body lists devEui ${device.devEui} twice`);
    devEuis.add(device.devEui);
  }
  return devices;
}

export function parseDevice(raw: unknown, where: string, scope: HeaderScope): DeviceInput {
  const object = asObject(raw, where);
  checkMembers(object, where, KNOWN, IGNORED, UNSUPPORTED);
  checkSameAsHeader(object, 'service', scope.tenant, where);
  checkSameAsHeader(object, 'service_path', scope.servicePath, where);
  const deviceId = readIdentifier(object, 'device_id', where);
  if (deviceId === undefined) throw badRequestData(`${where}.device_id is required`);
  const device: DeviceInput = { device_id: deviceId };
  const set = <K extends keyof DeviceInput>(key: K, value: DeviceInput[K] | undefined) => {
    if (value !== undefined) device[key] = value;
  };
  set('entity_name', readEntityName(object, where));
  set('entity_type', readEntityType(object, where));
  set('apikey', readIdentifier(object, 'apikey', where));
  set('devEui', readDevEui(object, where));
  set('password', readSecret(object, 'password', where, MAX_PASSWORD));
  return Object.assign(device, readSettings(object, where));
}

/**
 * PUT /iot/devices/{id}: the body's fields replace the device's (a `null` removes an optional
 * one). device_id, entity_name and entity_type cannot change; a password not given is kept
 * (`keepPassword`).
 */
export function parseDeviceUpdate(
  body: unknown,
  current: Device,
  scope: HeaderScope,
): { input: DeviceInput; keepPassword: boolean } {
  const patch = asObject(body, 'The body');
  if (Object.keys(patch).length === 0) throw badRequestData('The body has no field to change');
  checkUnchanged(patch, current, FIXED, 'a device');
  const merged = applyPatch(deviceFields(current), patch, (key) =>
    (FIXED as readonly string[]).includes(key),
  );
  return {
    input: parseDevice(merged, 'The body', scope),
    keepPassword: patch['password'] === undefined && current.passwordHash !== undefined,
  };
}

/** The device in the IoT Agent's field names, without tenant, path or password. */
export function deviceFields(device: Device): JsonObject {
  const fields: JsonObject = {
    device_id: device.device_id,
    entity_name: device.entity_name,
    entity_type: device.entity_type,
    apikey: device.apikey,
  };
  if (device.devEui !== undefined) fields['devEui'] = device.devEui;
  return Object.assign(fields, settingFields(device));
}
