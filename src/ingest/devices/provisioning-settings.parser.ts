/**
 * The settings a service group gives its devices and a device may also set itself (its own
 * win, provisioned-device.ts): read the same way from /iot/services and /iot/devices
 * bodies, and rendered back under the same IoT Agent field names.
 */
import { readMappingLists } from './attribute-mapping.parser.js';
import type { ServiceGroup } from './device.model.js';
import {
  readBoolean,
  readHttpUrl,
  readStalePeriod,
  readText,
  readTimezone,
  readTransport,
  type JsonObject,
} from './provisioning-fields.js';

/** The setting fields, in the order they are read and rendered. */
export const SETTING_FIELDS = [
  'attributes',
  'static_attributes',
  'commands',
  'explicitAttrs',
  'timezone',
  'stalePeriod',
  'protocol',
  'transport',
  'endpoint',
  'ldContext',
] as const;

export type ProvisioningSettings = Pick<ServiceGroup, (typeof SETTING_FIELDS)[number]>;

/** The settings `object` gives (each optional); a field given but invalid is a 400. */
export function readSettings(object: JsonObject, where: string): ProvisioningSettings {
  const settings: ProvisioningSettings = readMappingLists(object, where);
  const set = <K extends keyof ProvisioningSettings>(
    key: K,
    value: ProvisioningSettings[K] | undefined,
  ) => {
    if (value !== undefined) settings[key] = value;
  };
  set('explicitAttrs', readBoolean(object, 'explicitAttrs', where));
  set('timezone', readTimezone(object, where));
  set('stalePeriod', readStalePeriod(object, where));
  set('protocol', readText(object, 'protocol', where, 64));
  set('transport', readTransport(object, where));
  set('endpoint', readHttpUrl(object, 'endpoint', where));
  set('ldContext', readHttpUrl(object, 'ldContext', where));
  return settings;
}

/** The settings `from` has, in the IoT Agent representation. */
export function settingFields(from: ProvisioningSettings): JsonObject {
  const fields: JsonObject = {};
  for (const key of SETTING_FIELDS) if (from[key] !== undefined) fields[key] = from[key];
  return fields;
}
