/**
 * Reads the `attributes`, `static_attributes` and `commands` lists of a service group or a
 * device (FIWARE IoT Agent field names) and checks that their names do not collide.
 */
import { describe, isValidAttributeName } from '../../ngsi-ld/entity/names.js';
import { badRequestData } from '../../ngsi-ld/problem-details.js';
import {
  ATTRIBUTE_TYPES,
  type AttributeMapping,
  type CommandMapping,
  type StaticAttribute,
  type ValueExpression,
} from './device.model.js';
import { asObject, checkMembers, readText, type JsonObject } from './provisioning-fields.js';
import { valueExpressionProblems } from '../pipeline/value-expression.js';

const MAX_ENTRIES = 256;
const MAX_METADATA = 32;
const UNIT_CODE = /^[A-Za-z0-9_]{1,16}$/;
const KNOWN_TYPES: ReadonlySet<string> = new Set(ATTRIBUTE_TYPES.map((t) => t.toLowerCase()));

const ATTRIBUTE_MEMBERS = new Set([
  'object_id',
  'name',
  'type',
  'unitCode',
  'expression',
  'metadata',
]);
const ATTRIBUTE_UNSUPPORTED = new Set(['entity_name', 'entity_type', 'reverse', 'skipValue']);
const STATIC_MEMBERS = new Set(['name', 'type', 'value', 'metadata']);
const COMMAND_MEMBERS = new Set(['object_id', 'name', 'type']);
const COMMAND_UNSUPPORTED = new Set(['expression', 'payloadType', 'contentType', 'mqtt']);

export interface MappingLists {
  attributes?: AttributeMapping[];
  static_attributes?: StaticAttribute[];
  commands?: CommandMapping[];
}

/** Reads the three lists of `object` (each optional) and checks their names together. */
export function readMappingLists(object: JsonObject, where: string): MappingLists {
  const lists: MappingLists = {};
  if (object['attributes'] !== undefined)
    lists.attributes = parseAttributeMappings(object['attributes'], `${where}.attributes`);
  if (object['static_attributes'] !== undefined)
    lists.static_attributes = parseStaticAttributes(
      object['static_attributes'],
      `${where}.static_attributes`,
    );
  if (object['commands'] !== undefined)
    lists.commands = parseCommands(object['commands'], `${where}.commands`);
  checkMappingNames(lists, where);
  return lists;
}

export function parseAttributeMappings(raw: unknown, where: string): AttributeMapping[] {
  return readList(raw, where).map((item, i) => {
    const at = `${where}[${i}]`;
    const object = asObject(item, at);
    checkMembers(object, at, ATTRIBUTE_MEMBERS, new Set(), ATTRIBUTE_UNSUPPORTED);
    const mapping: AttributeMapping = {
      name: readName(object, at),
      type: readAttributeType(object, at),
    };
    const objectId = readText(object, 'object_id', at, 128);
    if (objectId !== undefined) mapping.object_id = objectId;
    if (object['unitCode'] !== undefined) mapping.unitCode = readUnitCode(object['unitCode'], at);
    if (object['expression'] !== undefined)
      mapping.expression = readExpression(object['expression'], at);
    if (object['metadata'] !== undefined)
      mapping.metadata = readMetadata(object['metadata'], `${at}.metadata`);
    return mapping;
  });
}

export function parseStaticAttributes(raw: unknown, where: string): StaticAttribute[] {
  return readList(raw, where).map((item, i) => {
    const at = `${where}[${i}]`;
    const object = asObject(item, at);
    checkMembers(object, at, STATIC_MEMBERS);
    const value = object['value'];
    if (value === undefined || value === null) throw badRequestData(`${at}.value is required`);
    const attribute: StaticAttribute = {
      name: readName(object, at),
      type: readAttributeType(object, at),
      value,
    };
    if (object['metadata'] !== undefined)
      attribute.metadata = readMetadata(object['metadata'], `${at}.metadata`);
    return attribute;
  });
}

export function parseCommands(raw: unknown, where: string): CommandMapping[] {
  return readList(raw, where).map((item, i) => {
    const at = `${where}[${i}]`;
    const object = asObject(item, at);
    checkMembers(object, at, COMMAND_MEMBERS, new Set(), COMMAND_UNSUPPORTED);
    const type = object['type'] ?? 'command';
    if (type !== 'command' && !isAttributeType(type)) {
      throw badRequestData(`${at}.type must be 'command', got ${describe(type)}`);
    }
    const command: CommandMapping = { name: readName(object, at), type };
    const objectId = readText(object, 'object_id', at, 128);
    if (objectId !== undefined) command.object_id = objectId;
    return command;
  });
}

/**
 * One entity attribute per name: attribute names, static attribute names, commands and
 * their `<cmd>_status` / `<cmd>_info` never collide; payload keys (object_id) are unique.
 */
export function checkMappingNames(lists: MappingLists, where: string): void {
  const names = new Map<string, string>();
  const claim = (name: string, what: string) => {
    const previous = names.get(name);
    if (previous !== undefined) {
      throw badRequestData(`${where}: '${name}' is both ${previous} and ${what}`);
    }
    names.set(name, what);
  };
  for (const attribute of lists.attributes ?? []) claim(attribute.name, 'a measured attribute');
  for (const attribute of lists.static_attributes ?? [])
    claim(attribute.name, 'a static attribute');
  for (const command of lists.commands ?? []) {
    claim(command.name, 'a command');
    claim(`${command.name}_status`, `the status of command ${command.name}`);
    claim(`${command.name}_info`, `the info of command ${command.name}`);
  }
  const objectIds = new Set<string>();
  for (const attribute of lists.attributes ?? []) {
    const key = attribute.object_id ?? attribute.name;
    if (objectIds.has(key)) throw badRequestData(`${where}: object_id '${key}' is mapped twice`);
    objectIds.add(key);
  }
}

function readList(raw: unknown, where: string): unknown[] {
  if (!Array.isArray(raw)) throw badRequestData(`${where} must be an array`);
  if (raw.length > MAX_ENTRIES)
    throw badRequestData(`${where} has ${raw.length} entries; at most ${MAX_ENTRIES} are allowed`);
  return raw;
}

function readName(object: JsonObject, where: string): string {
  const name = object['name'];
  if (name === undefined) throw badRequestData(`${where}.name is required`);
  if (!isValidAttributeName(name) || name.length > 256) {
    throw badRequestData(
      `${where}.name must be an NGSI-LD attribute name (letters, digits, '_'; or an absolute URI; not a reserved name), got ${describe(name)}`,
    );
  }
  return name;
}

function readAttributeType(object: JsonObject, where: string): string {
  const type = object['type'];
  if (type === undefined) throw badRequestData(`${where}.type is required`);
  if (!isAttributeType(type)) {
    throw badRequestData(
      `${where}.type ${describe(type)} is not one of ${ATTRIBUTE_TYPES.join(', ')}`,
    );
  }
  return type;
}

function isAttributeType(type: unknown): type is string {
  return typeof type === 'string' && KNOWN_TYPES.has(type.toLowerCase());
}

/** A declarative expression object (never JEXL: Civis evaluates no code). */
function readExpression(raw: unknown, where: string): ValueExpression {
  if (typeof raw === 'string') {
    throw badRequestData(
      `${where}.expression: Civis does not evaluate JEXL; give an object with convert, multiply, add, round, min or max`,
    );
  }
  const problems = valueExpressionProblems(raw);
  if (problems.length > 0) throw badRequestData(`${where}: ${problems.join('; ')}`);
  return raw as ValueExpression;
}

function readUnitCode(raw: unknown, where: string): string {
  if (typeof raw !== 'string' || !UNIT_CODE.test(raw)) {
    throw badRequestData(
      `${where}.unitCode must be a UN/CEFACT code like CEL, got ${describe(raw)}`,
    );
  }
  return raw;
}

/** IoT Agent `metadata`: `{ name: { type, value } }`, e.g. `{ unitCode: { type: 'Text', value: 'CEL' } }`. */
function readMetadata(
  raw: unknown,
  where: string,
): Record<string, { type: string; value: unknown }> {
  const object = asObject(raw, where);
  const entries = Object.entries(object);
  if (entries.length > MAX_METADATA)
    throw badRequestData(`${where} has more than ${MAX_METADATA} entries`);
  const metadata: Record<string, { type: string; value: unknown }> = {};
  for (const [name, entry] of entries) {
    const at = `${where}.${name}`;
    if (name !== 'unitCode' && !isValidAttributeName(name)) {
      throw badRequestData(`${at}: '${name}' is not a valid NGSI-LD sub-attribute name`);
    }
    const member = asObject(entry, at);
    checkMembers(member, at, new Set(['type', 'value']));
    const type = readText(member, 'type', at, 64);
    if (type === undefined) throw badRequestData(`${at}.type is required`);
    const value = member['value'];
    if (value === undefined || value === null) throw badRequestData(`${at}.value is required`);
    if (name === 'unitCode') readUnitCode(value, at);
    metadata[name] = { type, value };
  }
  return metadata;
}
