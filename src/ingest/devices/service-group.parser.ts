/**
 * Reads service groups (FIWARE "config groups") from /iot/services bodies, and renders them
 * back in the IoT Agent's field names. Tenant and service path come from the headers.
 */
import { alreadyExists, badRequestData } from '../../ngsi-ld/problem-details.js';
import type { ServiceGroup } from './device.model.js';
import {
  applyPatch,
  asObject,
  checkMembers,
  checkSameAsHeader,
  checkUnchanged,
  readBodyList,
  readEntityType,
  readIdentifier,
  readResource,
  type JsonObject,
} from './provisioning-fields.js';
import { SETTING_FIELDS, readSettings, settingFields } from './provisioning-settings.parser.js';

export type ServiceGroupInput = Omit<
  ServiceGroup,
  'tenant' | 'servicePath' | 'createdAt' | 'modifiedAt'
>;

export interface HeaderScope {
  tenant: string;
  servicePath: string;
}

export const MAX_GROUPS_PER_REQUEST = 100;

const KNOWN = new Set([
  'apikey',
  'resource',
  'entity_type',
  'type',
  ...SETTING_FIELDS,
  'service',
  'subservice',
]);
/** IoT Agent fields that mean nothing in Civis (the broker is Civis itself). */
const IGNORED = new Set([
  'cbroker',
  'cbHost',
  'lazy',
  'trust',
  'timestamp',
  'internal_attributes',
  'ngsiVersion',
  'description',
  'autoprovision',
]);
const UNSUPPORTED = new Set([
  'entityNameExp',
  'expressionLanguage',
  'defaultEntityNameConjunction',
  'payloadType',
  'token',
]);

/** POST /iot/services: `{ "services": [ … ] }`. */
export function parseServiceGroups(body: unknown, scope: HeaderScope): ServiceGroupInput[] {
  const services = readBodyList(body, 'services', MAX_GROUPS_PER_REQUEST);
  const groups = services.map((item, i) => parseServiceGroup(item, `services[${i}]`, scope));
  const keys = new Set<string>();
  for (const group of groups) {
    const key = `${group.apikey} ${group.resource}`;
    if (keys.has(key))
      throw alreadyExists(
        `The body lists the service apikey '${group.apikey}' resource '${group.resource}' twice`,
      );
    keys.add(key);
  }
  return groups;
}

/** One group: apikey and resource are required. */
export function parseServiceGroup(
  raw: unknown,
  where: string,
  scope: HeaderScope,
): ServiceGroupInput {
  const object = asObject(raw, where);
  checkMembers(object, where, KNOWN, IGNORED, UNSUPPORTED);
  checkSameAsHeader(object, 'service', scope.tenant, where);
  checkSameAsHeader(object, 'subservice', scope.servicePath, where);
  const apikey = readIdentifier(object, 'apikey', where);
  if (apikey === undefined) throw badRequestData(`${where}.apikey is required`);
  const resource = readResource(object, where);
  if (resource === undefined) throw badRequestData(`${where}.resource is required`);
  const group: ServiceGroupInput = { apikey, resource };
  const entityType = readGroupEntityType(object, where);
  if (entityType !== undefined) group.entity_type = entityType;
  return Object.assign(group, readSettings(object, where));
}

/**
 * PUT /iot/services: the body's fields replace the group's (a `null` removes an optional
 * one); apikey and resource select the group and cannot change.
 */
export function parseServiceGroupUpdate(
  body: unknown,
  current: ServiceGroup,
  scope: HeaderScope,
): ServiceGroupInput {
  const patch = asObject(body, 'The body');
  checkUnchanged(patch, current, ['apikey', 'resource'], 'a service group');
  const fields = serviceGroupFields(current);
  if (patch['type'] !== undefined && patch['entity_type'] === undefined)
    delete fields['entity_type'];
  return parseServiceGroup(applyPatch(fields, patch), 'The body', scope);
}

/** The group in the IoT Agent's field names (GET /iot/services), without tenant and path. */
export function serviceGroupFields(group: ServiceGroup | ServiceGroupInput): JsonObject {
  const fields: JsonObject = {
    apikey: group.apikey,
    resource: group.resource,
  };
  if (group.entity_type !== undefined) fields['entity_type'] = group.entity_type;
  return Object.assign(fields, settingFields(group));
}

/** `type` is the older name of `entity_type`; both may be given only when they agree. */
function readGroupEntityType(object: JsonObject, where: string): string | undefined {
  const entityType = readEntityType(object, where);
  if (object['type'] === undefined) return entityType;
  const alias = readEntityType({ entity_type: object['type'] }, where);
  if (entityType !== undefined && entityType !== alias) {
    throw badRequestData(`${where}: 'type' and 'entity_type' conflict`);
  }
  return alias;
}
