/**
 * The entities in a Notification's `data` (NGSI-LD 5.2.13; subscriptions.md §7): the
 * whole entity after the change, projected by attributes/pick/omit and datasetId, in the
 * subscription's format, language and @context; with showChanges the previous value of
 * each updated instance; deleted attributes as the NGSI-LD Null; a deleted entity as
 * `{id, type, deletedAt}`.
 */
import type {
  AttributeInstanceChange,
  EntityChangeEvents,
} from '../change/entity-change-events.js';
import type { JsonLdContext } from '../context/json-ld-context.js';
import { compactName, renderAttribute, renderInstance } from '../entity/attribute-renderer.js';
import {
  renderEntity,
  renderGeoJsonFeature,
  type RenderOptions,
} from '../entity/entity-renderer.js';
import { projectEntity } from '../entity/projection.js';
import { NGSI_LD_NULL, PAYLOAD_MEMBER, type Attribute, type Entity } from '../model.js';
import { DEFAULT_GEOPROPERTY } from '../geo/geo-query-parser.js';
import type { CompiledSubscription } from './compiled-subscription.js';

export interface ChangeToNotify {
  previous: Entity | null;
  current: Entity | null;
  /** When the change was made: `deletedAt` of deleted entities and attributes. */
  at: string;
  events: EntityChangeEvents;
}

type Rendered = Record<string, unknown>;

/** One element of `data` for an entity change. */
export function renderChangedEntity(
  compiled: CompiledSubscription,
  change: ChangeToNotify,
  ctx: JsonLdContext,
): Rendered {
  const geo = compiled.subscription.notification.endpoint.accept === 'application/geo+json';
  if (change.current === null) {
    const deleted = renderDeletedEntity(compiled, change, ctx);
    return geo ? asFeature(deleted, null) : deleted;
  }
  const entity = change.current;
  const options = compiled.render;
  const showChanges = compiled.subscription.notification.showChanges;
  const byAttribute = new Map<string, AttributeInstanceChange[]>();
  for (const item of change.events.attributes) {
    const list = byAttribute.get(item.attr);
    if (list) list.push(item);
    else byAttribute.set(item.attr, [item]);
  }
  const out = renderEntity({ ...entity, attrs: {} }, ctx, options);
  for (const [iri, instances] of Object.entries(projectEntity(entity, options).attrs)) {
    const changes = byAttribute.get(iri);
    out[compactName(iri, out, ctx)] =
      showChanges && changes?.some((c) => c.trigger === 'attributeUpdated')
        ? renderWithPrevious(instances, changes, ctx, options)
        : renderAttribute(instances, ctx, options);
  }
  if (compiled.showsDeletions) addDeletedAttributes(out, compiled, change, ctx);
  if (!geo) return out;
  const feature = renderGeoJsonFeature(entity, ctx, {
    ...options,
    geometryProperty: DEFAULT_GEOPROPERTY,
  });
  return asFeature(out, feature['geometry']);
}

/** One element of `data` of a periodic notification: the entity as it is. */
export function renderCurrentEntity(
  compiled: CompiledSubscription,
  entity: Entity,
  ctx: JsonLdContext,
): Rendered {
  if (compiled.subscription.notification.endpoint.accept === 'application/geo+json')
    return renderGeoJsonFeature(entity, ctx, {
      ...compiled.render,
      geometryProperty: DEFAULT_GEOPROPERTY,
    });
  return renderEntity(entity, ctx, compiled.render);
}

function renderDeletedEntity(
  compiled: CompiledSubscription,
  change: ChangeToNotify,
  ctx: JsonLdContext,
): Rendered {
  const previous = change.previous as Entity;
  const types = previous.type.map((iri) => ctx.compactIri(iri));
  const out: Rendered = {
    id: previous.id,
    type: types.length === 1 ? types[0] : types,
    deletedAt: change.at,
  };
  if (compiled.subscription.notification.showChanges)
    addDeletedAttributes(out, compiled, change, ctx);
  return out;
}

/** Instances the change deleted, as NGSI-LD Null (an object when more must be said). */
function addDeletedAttributes(
  out: Rendered,
  compiled: CompiledSubscription,
  change: ChangeToNotify,
  ctx: JsonLdContext,
): void {
  const options = compiled.render;
  const { showChanges } = compiled.subscription.notification;
  const deletedByAttr = new Map<string, Attribute[]>();
  for (const item of change.events.attributes) {
    if (item.trigger !== 'attributeDeleted' || item.previous === undefined) continue;
    const list = deletedByAttr.get(item.attr);
    if (list) list.push(item.previous);
    else deletedByAttr.set(item.attr, [item.previous]);
  }
  if (deletedByAttr.size === 0) return;
  const projected = projectEntity(
    { id: '', type: [], createdAt: '', modifiedAt: '', attrs: Object.fromEntries(deletedByAttr) },
    options,
  ).attrs;
  for (const [iri, instances] of Object.entries(projected)) {
    const remaining = change.current?.attrs[iri];
    if (options.format === 'simplified') {
      if (remaining === undefined) out[compactName(iri, out, ctx)] = NGSI_LD_NULL;
      continue;
    }
    const markers = instances.map((instance) => {
      const detailed =
        instance.datasetId !== undefined ||
        options.sysAttrs ||
        showChanges ||
        remaining !== undefined;
      if (!detailed) return NGSI_LD_NULL;
      const marker: Rendered = { type: instance.type };
      const member = PAYLOAD_MEMBER[instance.type];
      marker[member] = member === 'languageMap' ? { '@none': NGSI_LD_NULL } : NGSI_LD_NULL;
      if (instance.datasetId !== undefined) marker['datasetId'] = instance.datasetId;
      if (options.sysAttrs) marker['deletedAt'] = change.at;
      if (showChanges) addPrevious(marker, instance, ctx);
      if (options.format === 'concise') delete marker['type'];
      return marker;
    });
    const name = ctx.compactIri(iri);
    const key = remaining === undefined ? (name in out ? iri : name) : iri in out ? iri : name;
    const existing = remaining === undefined ? undefined : out[key];
    const all = [
      ...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]),
      ...markers,
    ];
    out[key] = all.length === 1 ? all[0] : all;
  }
}

/** Instances rendered one by one, each updated one with its previous payload (showChanges). */
function renderWithPrevious(
  instances: Attribute[],
  changes: AttributeInstanceChange[],
  ctx: JsonLdContext,
  options: RenderOptions,
): unknown {
  const rendered = instances.map((instance) => {
    const change = changes.find(
      (c) => c.trigger === 'attributeUpdated' && c.datasetId === instance.datasetId,
    );
    if (change?.previous === undefined)
      return renderInstance(instance, ctx, options, instances.length > 1);
    const out = renderInstance(
      instance,
      ctx,
      { ...options, format: 'normalized' },
      true,
    ) as Rendered;
    addPrevious(out, change.previous, ctx);
    if (options.format === 'concise') delete out['type'];
    return out;
  });
  return rendered.length === 1 ? rendered[0] : rendered;
}

/** `previousValue`, `previousObject`, … (5.2.x showChanges) from the instance before. */
function addPrevious(out: Rendered, previous: Attribute, ctx: JsonLdContext): void {
  const member = PAYLOAD_MEMBER[previous.type];
  let payload: unknown = previous[member];
  if (member === 'vocab' && payload !== undefined)
    payload = Array.isArray(payload)
      ? payload.map((iri: string) => ctx.compactIri(iri))
      : ctx.compactIri(payload as string);
  if (payload === undefined) return;
  out[`previous${member.charAt(0).toUpperCase()}${member.slice(1)}`] = payload;
}

function asFeature(rendered: Rendered, geometry: unknown): Rendered {
  const { id, ...properties } = rendered;
  return { id, type: 'Feature', geometry, properties };
}
