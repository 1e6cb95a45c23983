/**
 * Maps a Measurement onto an NGSI-LD entity update of its device's entity (docs/ingest.md,
 * "Mapping"): mapped object_ids become their attribute (type checked and converted, unitCode,
 * expression, metadata), unmapped keys become Properties named by the key unless the device
 * has explicitAttrs, static attributes are added, and every measured attribute carries
 * observedAt (the payload's time, else the receipt time). Names are expanded with the
 * device's @context. A value that does not fit its type refuses that attribute only; the
 * rest of the measurement is kept.
 *
 * The per-device work (names, converters, static attributes) is compiled once per device
 * object and @context and cached, so a measurement costs one pass over its keys.
 */
import type { JsonLdContext } from '../../ngsi-ld/context/json-ld-context.js';
import { PREDEFINED_GEO_PROPERTIES } from '../../ngsi-ld/entity/attribute-parser.js';
import {
  isAbsoluteUri,
  isValidAttributeName,
  isValidTypeName,
} from '../../ngsi-ld/entity/names.js';
import type { ParsedEntity } from '../../ngsi-ld/entity/operations/index.js';
import type { Attribute, AttributeMap } from '../../ngsi-ld/model.js';
import type {
  AttributeMapping,
  ProvisionedDevice,
  StaticAttribute,
} from '../devices/device.model.js';
import type { Measurement } from '../ingest.types.js';
import {
  anyJson,
  converterFor,
  describeValue,
  toGeoPoint,
  withExpression,
  type ValueOutcome,
} from './attribute-value.js';
import { valueExpressionProblems } from './value-expression.js';

/** A measure that was not written, and why. */
export interface RefusedMeasure {
  /** The payload key (object_id). */
  key: string;
  reason: 'type-mismatch' | 'malformed-payload';
  detail: string;
}

export interface MappedMeasurement {
  tenant: string;
  entity: ParsedEntity;
  /** Attributes taken from the payload (static attributes not counted). */
  measured: number;
  refused: RefusedMeasure[];
}

type Converter = (raw: unknown) => ValueOutcome;

interface CompiledMapping {
  iri: string;
  convert: Converter;
  unitCode: string | undefined;
  attrs: AttributeMap | undefined;
  /** Why the provisioned mapping cannot be applied (then every value of it is refused). */
  problem: string | undefined;
}

/** What mapping a device's measurements needs, derived once from its provisioning. */
export interface CompiledDevice {
  readonly context: JsonLdContext;
  readonly entityId: string;
  readonly entityType: string;
  readonly mappings: ReadonlyMap<string, CompiledMapping>;
  readonly statics: AttributeMap;
  readonly explicitAttrs: boolean;
  /** Why no measurement of the device can be written (its entity id or type is invalid). */
  readonly misprovisioned: string | undefined;
  /** Provisioning faults found while compiling (logged once by the sink). */
  readonly problems: readonly string[];
  /** Unmapped key → its IRI, or null when the key cannot name an attribute. */
  readonly unmapped: Map<string, string | null>;
  /**
   * The device's command attributes (`<cmd>`, `<cmd>_status`, `<cmd>_info`): measures never
   * write them — a measured `<cmd>` would issue the command again (a loop through the
   * device), a measured status would fake the command's progress.
   */
  readonly commandIris: ReadonlySet<string>;
}

const MAX_REMEMBERED_KEYS = 256;
const compiledDevices = new WeakMap<ProvisionedDevice, CompiledDevice>();

/** The compiled form of `device` under `context`, from the cache when it was built already. */
export function compileDevice(device: ProvisionedDevice, context: JsonLdContext): CompiledDevice {
  const cached = compiledDevices.get(device);
  if (cached !== undefined && cached.context === context) return cached;
  const problems: string[] = [];
  const { entity_name: entityId, entity_type: type } = device.device;
  const commandIris = new Set(
    device.commands.flatMap(({ name }) =>
      [name, `${name}_status`, `${name}_info`].map((term) => context.expandTerm(term)),
    ),
  );
  const mappings = new Map<string, CompiledMapping>();
  for (const mapping of device.attributes) {
    const key = mapping.object_id ?? mapping.name;
    if (mappings.has(key)) continue;
    const compiledMapping = compileMapping(mapping, context, problems);
    if (compiledMapping.problem === undefined && commandIris.has(compiledMapping.iri)) {
      const problem = `attribute '${mapping.name}' is a command attribute, which measures do not write`;
      problems.push(problem);
      compiledMapping.problem = problem;
    }
    mappings.set(key, compiledMapping);
  }
  const misprovisioned = !isAbsoluteUri(entityId)
    ? `entity_name '${entityId}' is not an absolute URI`
    : !isValidTypeName(type)
      ? `entity_type '${type}' is not a valid type name`
      : undefined;
  if (misprovisioned !== undefined) problems.push(misprovisioned);
  const compiled: CompiledDevice = {
    context,
    entityId,
    entityType: misprovisioned === undefined ? context.expandTerm(type) : '',
    mappings,
    statics: compileStatics(device.static_attributes, context, problems),
    explicitAttrs: device.explicitAttrs,
    misprovisioned,
    problems,
    unmapped: new Map(),
    commandIris,
  };
  compiledDevices.set(device, compiled);
  return compiled;
}

/**
 * Maps one measurement. Throws nothing: a measurement none of whose measures could be
 * mapped comes back with `measured: 0` and the reasons in `refused`.
 */
export function mapMeasurement(
  measurement: Measurement,
  compiled: CompiledDevice,
): MappedMeasurement {
  const observedAt = measurement.observedAt ?? measurement.receivedAt;
  const attrs: AttributeMap = { ...compiled.statics };
  const refused: RefusedMeasure[] = [];
  let measured = 0;
  const { values } = measurement;
  for (const key in values) {
    if (!Object.hasOwn(values, key)) continue;
    const raw = values[key];
    const mapping = compiled.mappings.get(key);
    let iri: string;
    let outcome: ValueOutcome;
    if (mapping !== undefined) {
      if (mapping.problem !== undefined) {
        refused.push({ key, reason: 'type-mismatch', detail: mapping.problem });
        continue;
      }
      iri = mapping.iri;
      outcome = mapping.convert(raw);
    } else {
      if (compiled.explicitAttrs) continue;
      const name = unmappedIri(compiled, key);
      if (name === null) {
        refused.push({
          key,
          reason: 'malformed-payload',
          detail: `measure ${describeValue(key)} cannot name an attribute`,
        });
        continue;
      }
      if (compiled.commandIris.has(name)) {
        refused.push({
          key,
          reason: 'malformed-payload',
          detail: `measure ${describeValue(key)} names a command attribute, which measures do not write`,
        });
        continue;
      }
      iri = name;
      outcome = PREDEFINED_GEO_PROPERTIES.has(iri) ? toGeoPoint(raw) : anyJson(raw);
    }
    if ('refused' in outcome) {
      refused.push({
        key,
        reason: 'type-mismatch',
        detail: `measure '${key}': ${outcome.refused}`,
      });
      continue;
    }
    const attribute = outcome.attribute;
    attribute.observedAt = observedAt;
    if (mapping?.unitCode !== undefined) attribute.unitCode = mapping.unitCode;
    if (mapping?.attrs !== undefined) attribute.attrs = mapping.attrs;
    measured++;
    attrs[iri] = [attribute];
  }
  return {
    tenant: measurement.device.device.tenant,
    entity: { id: compiled.entityId, type: [compiled.entityType], attrs },
    measured,
    refused,
  };
}

function unmappedIri(compiled: CompiledDevice, key: string): string | null {
  let iri = compiled.unmapped.get(key);
  if (iri !== undefined) return iri;
  iri = isValidAttributeName(key) ? compiled.context.expandTerm(key) : null;
  if (iri === '__proto__') iri = null;
  if (compiled.unmapped.size < MAX_REMEMBERED_KEYS) compiled.unmapped.set(key, iri);
  return iri;
}

function compileMapping(
  mapping: AttributeMapping,
  context: JsonLdContext,
  problems: string[],
): CompiledMapping {
  const where = `attribute '${mapping.name}'`;
  const compiled: CompiledMapping = {
    iri: '',
    convert: anyJson,
    unitCode: mapping.unitCode,
    attrs: undefined,
    problem: undefined,
  };
  const fail = (problem: string): CompiledMapping => {
    problems.push(`${where}: ${problem}`);
    return { ...compiled, problem: `${where} is misprovisioned: ${problem}` };
  };
  if (!isValidAttributeName(mapping.name)) return fail('not a valid attribute name');
  compiled.iri = context.expandTerm(mapping.name);
  let convert = converterFor(mapping.type);
  if (PREDEFINED_GEO_PROPERTIES.has(compiled.iri) && !isGeoType(mapping.type))
    return fail(`${mapping.name} is a GeoProperty; its type must be geo:json or geo:point`);
  if (mapping.expression !== undefined) {
    const expressionProblems = valueExpressionProblems(mapping.expression);
    if (expressionProblems.length > 0) return fail(expressionProblems.join('; '));
    convert = withExpression(convert, mapping.expression);
  }
  compiled.convert = convert;
  if (mapping.metadata !== undefined) {
    const metadata = compileMetadata(mapping.metadata, context);
    if (typeof metadata === 'string') return fail(metadata);
    compiled.attrs = metadata.attrs;
    compiled.unitCode ??= metadata.unitCode;
  }
  return compiled;
}

function compileStatics(
  statics: readonly StaticAttribute[],
  context: JsonLdContext,
  problems: string[],
): AttributeMap {
  const attrs: AttributeMap = {};
  for (const entry of statics) {
    const where = `static attribute '${entry.name}'`;
    if (!isValidAttributeName(entry.name)) {
      problems.push(`${where}: not a valid attribute name`);
      continue;
    }
    const iri = context.expandTerm(entry.name);
    const convert = PREDEFINED_GEO_PROPERTIES.has(iri) ? toGeoPoint : converterFor(entry.type);
    const outcome = convert(entry.value);
    if ('refused' in outcome) {
      problems.push(`${where}: ${outcome.refused}`);
      continue;
    }
    const attribute: Attribute = outcome.attribute;
    if (entry.metadata !== undefined) {
      const metadata = compileMetadata(entry.metadata, context);
      if (typeof metadata === 'string') {
        problems.push(`${where}: ${metadata}`);
        continue;
      }
      if (metadata.attrs !== undefined) attribute.attrs = metadata.attrs;
      if (metadata.unitCode !== undefined) attribute.unitCode = metadata.unitCode;
    }
    attrs[iri] = [attribute];
  }
  return attrs;
}

/** IoT Agent `metadata` → sub-attributes; `unitCode` becomes the member of that name. */
function compileMetadata(
  metadata: Record<string, { type: string; value: unknown }>,
  context: JsonLdContext,
): { attrs: AttributeMap | undefined; unitCode: string | undefined } | string {
  const attrs: AttributeMap = {};
  let unitCode: string | undefined;
  for (const [name, entry] of Object.entries(metadata)) {
    if (name === 'unitCode' && typeof entry?.value === 'string') {
      unitCode = entry.value;
      continue;
    }
    if (!isValidAttributeName(name)) return `metadata '${name}' is not a valid sub-attribute name`;
    const outcome = converterFor(String(entry?.type ?? ''))(entry?.value);
    if ('refused' in outcome) return `metadata '${name}': ${outcome.refused}`;
    attrs[context.expandTerm(name)] = [outcome.attribute];
  }
  return { attrs: Object.keys(attrs).length > 0 ? attrs : undefined, unitCode };
}

function isGeoType(type: string): boolean {
  return ['geo:json', 'geo:point', 'geoproperty', 'point'].includes(type.toLowerCase());
}
