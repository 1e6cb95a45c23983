/**
 * Renders an entity's temporal evolution (NGSI-LD 4.5.7–4.5.9, temporal.md §2): the
 * normalized (or concise) temporal representation, the simplified one (`temporalValues`)
 * and the aggregated one (`aggregatedValues`), with names compacted through the request's
 * @context. The caller adds `@context` (or the Link header).
 */
import type { JsonLdContext } from '../../ngsi-ld/context/json-ld-context.js';
import { compactName, renderInstance } from '../entity/attribute-renderer.js';
import type { LanguagePreference } from '../entity/language-filter.js';
import { pickLanguage } from '../entity/language-filter.js';
import type { Attribute, AttributeKind, JsonValue } from '../model.js';
import type { AggregationMethod } from './aggregation.js';
import type { AggregatedSeries, EntityHistory, TemporalInstance } from './temporal-model.js';
import type { TimeProperty } from './temporal-query.js';

export type TemporalFormat = 'normalized' | 'concise' | 'temporalValues' | 'aggregatedValues';

export interface TemporalRenderOptions {
  format: TemporalFormat;
  /** createdAt/modifiedAt of the entity and of every instance (normalized and concise). */
  sysAttrs: boolean;
  /** The timestamp paired with each value in temporalValues. */
  timeproperty: TimeProperty;
  lang?: LanguagePreference;
  /** Members to keep / drop: expanded attribute IRIs or 'id', 'type', 'scope'. */
  pick?: string[];
  omit?: string[];
  /** Methods to show, in this order (aggregatedValues). */
  aggrMethods?: AggregationMethod[];
}

/** Member of the simplified temporal representation holding each kind's pairs. */
const VALUES_MEMBER: Record<AttributeKind, string> = {
  Property: 'values',
  GeoProperty: 'values',
  Relationship: 'objects',
  ListProperty: 'valueLists',
  ListRelationship: 'objectLists',
  LanguageProperty: 'languageMaps',
  JsonProperty: 'jsons',
  VocabProperty: 'vocabs',
};

export function renderTemporalEntity(
  history: EntityHistory,
  ctx: JsonLdContext,
  options: TemporalRenderOptions,
): Record<string, unknown> {
  const pick = options.pick === undefined ? undefined : new Set(options.pick);
  const omit = new Set(options.omit ?? []);
  const shows = (member: string) => (pick === undefined || pick.has(member)) && !omit.has(member);
  const out: Record<string, unknown> = {};
  if (shows('id')) out['id'] = history.id;
  if (shows('type')) out['type'] = oneOrMany(history.type.map((iri) => ctx.compactIri(iri)));
  if (shows('scope') && history.scope !== undefined && history.scope.length > 0)
    out['scope'] = oneOrMany(history.scope);
  if (options.sysAttrs && (options.format === 'normalized' || options.format === 'concise')) {
    out['createdAt'] = history.createdAt;
    out['modifiedAt'] = history.modifiedAt;
  }
  if (options.format === 'aggregatedValues') {
    for (const [iri, series] of Object.entries(history.aggregated ?? {})) {
      if (shows(iri) && series.length > 0)
        out[compactName(iri, out, ctx)] = oneOrMany(
          series.map((s) => renderAggregated(s, options.aggrMethods ?? [])),
        );
    }
    return out;
  }
  for (const [iri, attribute] of Object.entries(history.attrs)) {
    if (!shows(iri) || attribute.instances.length === 0) continue;
    out[compactName(iri, out, ctx)] =
      options.format === 'temporalValues'
        ? renderTemporalValues(attribute.instances, ctx, options)
        : attribute.instances.map((instance) => renderTemporalInstance(instance, ctx, options));
  }
  return out;
}

function renderTemporalInstance(
  instance: TemporalInstance,
  ctx: JsonLdContext,
  options: TemporalRenderOptions,
): unknown {
  const format = options.format === 'concise' ? 'concise' : 'normalized';
  const rendered = renderInstance(
    instance.attribute,
    ctx,
    { format, sysAttrs: options.sysAttrs, lang: options.lang },
    true,
  ) as Record<string, unknown>;
  rendered['instanceId'] = instance.instanceId;
  if (instance.deletedAt !== undefined) rendered['deletedAt'] = instance.deletedAt;
  return rendered;
}

/**
 * `{"type": kind, "<kind>s": [[payload, timestamp], …]}`, one object per datasetId
 * (with `datasetId` unless default); an array of them when there are several.
 */
function renderTemporalValues(
  instances: TemporalInstance[],
  ctx: JsonLdContext,
  options: TemporalRenderOptions,
): unknown {
  const series = new Map<string, TemporalInstance[]>();
  for (const instance of instances) {
    const key = instance.attribute.datasetId ?? '@none';
    series.set(key, [...(series.get(key) ?? []), instance]);
  }
  return oneOrMany(
    [...series.values()].map((list) => {
      const first = list[0] as TemporalInstance;
      const kind = first.attribute.type;
      const out: Record<string, unknown> = { type: kind };
      if (first.attribute.datasetId !== undefined) out['datasetId'] = first.attribute.datasetId;
      out[VALUES_MEMBER[kind]] = list.map((instance) => [
        simplifiedPayload(instance.attribute, ctx, options.lang),
        timestampOf(instance, options.timeproperty),
      ]);
      return out;
    }),
  );
}

/** The payload of one pair (temporal.md §2): wrapped for LanguageProperty, JsonProperty, VocabProperty. */
function simplifiedPayload(
  attribute: Attribute,
  ctx: JsonLdContext,
  lang: LanguagePreference | undefined,
): unknown {
  switch (attribute.type) {
    case 'Property':
    case 'GeoProperty':
      return attribute.value;
    case 'Relationship':
      return attribute.object;
    case 'ListProperty':
      return attribute.valueList;
    case 'ListRelationship':
      return attribute.objectList;
    case 'LanguageProperty': {
      const map = attribute.languageMap ?? {};
      return lang ? pickLanguage(map, lang)?.value : { languageMap: map };
    }
    case 'JsonProperty':
      return { json: attribute.json };
    case 'VocabProperty': {
      const vocab = attribute.vocab;
      const compact = Array.isArray(vocab)
        ? vocab.map((iri) => ctx.compactIri(iri))
        : vocab === undefined
          ? undefined
          : ctx.compactIri(vocab);
      return { vocab: compact };
    }
  }
}

/** The instance's `timeproperty`; the record's createdAt when it has none (whole-history reads). */
export function timestampOf(instance: TemporalInstance, timeproperty: TimeProperty): string {
  const attribute = instance.attribute;
  const value =
    timeproperty === 'deletedAt'
      ? instance.deletedAt
      : (attribute[timeproperty] as string | undefined);
  return value ?? attribute.createdAt ?? '';
}

function renderAggregated(
  series: AggregatedSeries,
  methods: readonly AggregationMethod[],
): Record<string, unknown> {
  const out: Record<string, unknown> = { type: series.kind };
  if (series.datasetId !== undefined) out['datasetId'] = series.datasetId;
  for (const method of methods) {
    const triples: JsonValue[] = [];
    for (const period of series.periods) {
      const value = period.values[method];
      if (value !== undefined) triples.push([value, period.start, period.end]);
    }
    if (series.periods.some((period) => period.values[method] !== undefined)) out[method] = triples;
  }
  return out;
}

function oneOrMany<T>(values: T[]): T | T[] {
  const [only] = values;
  return only !== undefined && values.length === 1 ? only : values;
}
