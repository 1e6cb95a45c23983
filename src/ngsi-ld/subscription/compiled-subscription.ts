/**
 * A stored Subscription turned into what matching and rendering need (parsed q, geoQ,
 * scopeQ, type selectors, trigger and attribute sets, render options), built once when a
 * subscription is loaded or changed, never per entity change.
 */
import type { NotificationTrigger } from '../change/entity-change-events.js';
import { parseLanguagePreference } from '../entity/language-filter.js';
import type { RenderOptions } from '../entity/entity-renderer.js';
import { parseGeoQuery } from '../geo/geo-query-parser.js';
import { compileIdPattern } from '../query/id-pattern.js';
import { qTexts } from '../query/q-evaluator.js';
import { parseQ } from '../query/q-parser.js';
import type { EntityQuery, TypeSelector } from '../query/query.types.js';
import { parseScopeQuery } from '../query/scope-query.js';
import { parseTypeSelector } from '../query/type-selector.js';
import { DEFAULT_TRIGGERS, type Subscription } from './subscription.js';

export interface CompiledSelector {
  id?: string;
  /** Only when there is no `id` (the id wins, subscriptions.md §2). */
  idPattern?: string;
  /** Undefined for `*`. */
  types?: TypeSelector;
}

/** The filter part of a subscription: q, geoQ, scopeQ (and q's vocabulary terms). */
export type SubscriptionFilter = EntityQuery;

export interface CompiledSubscription {
  tenant: string;
  subscription: Subscription;
  /** Undefined: any entity (no `entities` member). */
  selectors?: CompiledSelector[];
  /** Undefined: any attribute (no `watchedAttributes`). */
  watched?: ReadonlySet<string>;
  triggers: ReadonlySet<NotificationTrigger>;
  filter?: SubscriptionFilter;
  render: RenderOptions;
  /** Deleted attributes are shown only to subscriptions that asked for deletions. */
  showsDeletions: boolean;
}

export function compileSubscription(
  tenant: string,
  subscription: Subscription,
): CompiledSubscription {
  const { terms } = subscription;
  const expandType = (term: string) => terms.entities?.[term] ?? term;
  const triggers = new Set(subscription.notificationTrigger ?? DEFAULT_TRIGGERS);
  const compiled: CompiledSubscription = {
    tenant,
    subscription,
    triggers,
    render: renderOptionsOf(subscription),
    showsDeletions: triggers.has('attributeDeleted') || triggers.has('entityUpdated'),
  };
  if (subscription.entities) {
    compiled.selectors = subscription.entities.map((entity) => {
      const selector: CompiledSelector = {};
      const types = parseTypeSelector(entity.type, expandType);
      if (types) selector.types = types;
      if (entity.id !== undefined) selector.id = entity.id;
      else if (entity.idPattern !== undefined) {
        compileIdPattern(entity.idPattern);
        selector.idPattern = entity.idPattern;
      }
      return selector;
    });
  }
  if (subscription.watchedAttributes) compiled.watched = new Set(subscription.watchedAttributes);
  const filter = filterOf(subscription);
  if (filter) compiled.filter = filter;
  return compiled;
}

function filterOf(subscription: Subscription): SubscriptionFilter | undefined {
  const filter: SubscriptionFilter = { limit: 0, offset: 0, count: false };
  if (subscription.q !== undefined) {
    const terms = subscription.terms.q ?? {};
    filter.q = parseQ(subscription.q, (term) => terms[term] ?? term);
    const vocabulary: Record<string, string> = {};
    for (const text of qTexts(filter.q)) {
      const iri = terms[text];
      if (iri !== undefined && iri !== text) vocabulary[text] = iri;
    }
    if (Object.keys(vocabulary).length > 0) filter.vocabularyTerms = vocabulary;
  }
  if (subscription.scopeQ !== undefined) filter.scopeQ = parseScopeQuery(subscription.scopeQ);
  const geo = subscription.geoQ;
  if (geo) {
    const geoQ = parseGeoQuery(
      {
        georel: geo.georel,
        geometry: geo.geometry,
        coordinates: geo.coordinates,
        geoproperty: geo.geoproperty,
      },
      (term) => term,
    );
    if (geoQ) filter.geoQ = geoQ;
  }
  return filter.q || filter.scopeQ || filter.geoQ ? filter : undefined;
}

function renderOptionsOf(subscription: Subscription): RenderOptions {
  const { notification } = subscription;
  const options: RenderOptions = {
    format:
      notification.format === 'keyValues' || notification.format === 'simplified'
        ? 'simplified'
        : notification.format,
    sysAttrs: notification.sysAttrs,
  };
  if (notification.attributes) options.attrs = notification.attributes;
  if (notification.pick) options.pick = notification.pick;
  if (notification.omit) options.omit = notification.omit;
  if (subscription.datasetId) options.datasetIds = subscription.datasetId;
  if (subscription.lang !== undefined) options.lang = parseLanguagePreference(subscription.lang);
  return options;
}

/**
 * The queries of a periodic (timeInterval) notification: one per entity selector, with
 * the subscription's filters (subscriptions.md §6).
 */
export function periodicQueries(compiled: CompiledSubscription, limit: number): EntityQuery[] {
  return (compiled.selectors ?? [{}]).map((selector) => {
    const query: EntityQuery = { ...compiled.filter, limit, offset: 0, count: false };
    if (selector.id !== undefined) query.ids = [selector.id];
    if (selector.idPattern !== undefined) query.idPattern = selector.idPattern;
    if (selector.types) query.types = selector.types;
    return query;
  });
}
