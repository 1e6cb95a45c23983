/**
 * The device registry's model: service groups and devices as the FIWARE IoT Agent
 * provisioning API (/iot/services, /iot/devices) names them, so existing provisioning
 * scripts work unchanged. Field names are the IoT Agent's (snake_case) on purpose.
 */

/** How a measured value becomes an NGSI-LD attribute. */
export interface AttributeMapping {
  /** The key in the device's payload (defaults to `name`). */
  object_id?: string;
  /** The NGSI-LD attribute name (a term of the group's @context, or an IRI). */
  name: string;
  /** The IoT Agent attribute type: Number, Integer, Float, Boolean, Text, DateTime, geo:json,
   *  geo:point, Relationship, StructuredValue, … — checked against the value received. */
  type: string;
  /** UN/CEFACT unit code set as unitCode on the attribute (e.g. CEL, P1, KWH). */
  unitCode?: string;
  /** A declarative value transformation (scale, offset, unit conversion…); never eval. */
  expression?: ValueExpression;
  /** Extra sub-attributes (IoT Agent `metadata`). */
  metadata?: Record<string, { type: string; value: unknown }>;
}

/**
 * Declarative value expressions (no eval): a linear transform, a named unit conversion,
 * rounding, clamping. Applied in this order: convert, multiply, add, round, min/max.
 */
export interface ValueExpression {
  convert?: string; // e.g. 'fahrenheitToCelsius', 'mphToKmh', 'whToKwh' (documented list)
  multiply?: number;
  add?: number;
  round?: number; // decimals
  min?: number;
  max?: number;
}

export interface StaticAttribute {
  name: string;
  type: string;
  value: unknown;
  metadata?: Record<string, { type: string; value: unknown }>;
}

export interface CommandMapping {
  /** The command attribute name (writing it through NGSI-LD sends the command). */
  name: string;
  type: string; // 'command'
  /** Payload key sent to the device (defaults to `name`). */
  object_id?: string;
}

/** A service group (FIWARE: "config group"): one apikey shared by devices of a tenant. */
export interface ServiceGroup {
  /** NGSILD-Tenant ('' = default tenant); FIWARE's fiware-service header maps to it. */
  tenant: string;
  /** FIWARE fiware-servicepath ('/' by default); kept for compatibility, part of the key. */
  servicePath: string;
  apikey: string;
  /** The HTTP resource of the southbound API ('/iot/json', '/iot/d'). */
  resource: string;
  entity_type?: string;
  /** A @context URL for the attribute names of this group (default: the core context). */
  ldContext?: string;
  attributes?: AttributeMapping[];
  static_attributes?: StaticAttribute[];
  commands?: CommandMapping[];
  explicitAttrs?: boolean;
  timezone?: string;
  /** Seconds without a message after which a device counts as stale (device health). */
  stalePeriod?: number;
  /** 'IoTA-JSON' | 'IoTA-UL' | 'LoRaWAN'… informative. */
  protocol?: string;
  transport?: DeviceTransport;
  /** HTTP push endpoint for commands of the group's devices (a device's own wins). */
  endpoint?: string;
  createdAt: string;
  modifiedAt: string;
}

export const DEVICE_TRANSPORTS = ['MQTT', 'HTTP', 'LoRaWAN'] as const;
export type DeviceTransport = (typeof DEVICE_TRANSPORTS)[number];

/**
 * The IoT Agent attribute types provisioning accepts (case-insensitive; the measurement
 * mapper, src/ingest/pipeline/attribute-value.ts, converts values to them): Property for
 * scalars and structures, GeoProperty for geo:json / geo:point, Relationship,
 * LanguageProperty. `command` is the type of commands only.
 */
export const ATTRIBUTE_TYPES = [
  'Number',
  'Float',
  'Double',
  'Integer',
  'Boolean',
  'Text',
  'String',
  'TextUnrestricted',
  'DateTime',
  'StructuredValue',
  'Object',
  'Array',
  'Json',
  'Property',
  'geo:json',
  'geo:point',
  'Point',
  'GeoProperty',
  'Relationship',
  'LanguageProperty',
] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

export interface Device {
  tenant: string;
  servicePath: string;
  device_id: string;
  /** The NGSI-LD entity id; defaults to urn:ngsi-ld:<entity_type>:<device_id>. */
  entity_name: string;
  entity_type: string;
  /** The group's apikey (a device may also carry its own). */
  apikey: string;
  protocol?: string;
  transport?: DeviceTransport;
  /** HTTP push endpoint for commands (transport HTTP). */
  endpoint?: string;
  /** LoRaWAN device EUI (16 hex digits, stored upper case). */
  devEui?: string;
  /** Optional MQTT password (stored as a scrypt hash, never returned). */
  passwordHash?: string;
  attributes?: AttributeMapping[];
  static_attributes?: StaticAttribute[];
  commands?: CommandMapping[];
  explicitAttrs?: boolean;
  timezone?: string;
  stalePeriod?: number;
  ldContext?: string;
  createdAt: string;
  modifiedAt: string;
}

/**
 * A device with its group's settings folded in: what every transport needs to turn a
 * payload into an entity update. Built by the device directory.
 */
export interface ProvisionedDevice {
  device: Device;
  group: ServiceGroup | undefined;
  /** Effective mappings: device's, then group's, by object_id. */
  attributes: AttributeMapping[];
  static_attributes: StaticAttribute[];
  commands: CommandMapping[];
  explicitAttrs: boolean;
  ldContext?: string;
  stalePeriod?: number;
  /** The device's own, else its group's. */
  transport?: DeviceTransport;
  protocol?: string;
  endpoint?: string;
  timezone?: string;
}
