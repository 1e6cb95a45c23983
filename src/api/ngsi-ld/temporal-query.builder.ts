/**
 * Parameters of the temporal API reads (NGSI-LD 6.18–6.20, 6.24; temporal.md §2, §3, §6):
 * the representation, the temporal query, aggregation and projection, from URL parameters
 * or from a Query body's `temporalQ` and `aggrParams`, turned into the history store's read
 * options and the renderer's options.
 */
import type { HistoryReadOptions } from '../../context/ports/history-store.port.js';
import type { JsonLdContext } from '../../ngsi-ld/context/json-ld-context.js';
import { assertUri } from '../../ngsi-ld/entity/names.js';
import { parseLanguagePreference } from '../../ngsi-ld/entity/entity-renderer.js';
import { badRequestData } from '../../ngsi-ld/problem-details.js';
import {
  parseAggregationMethods,
  type AggregationMethod,
} from '../../ngsi-ld/temporal/aggregation.js';
import { parseIsoDuration } from '../../ngsi-ld/temporal/iso-duration.js';
import {
  parseTemporalQuery,
  type TemporalQueryInput,
} from '../../ngsi-ld/temporal/temporal-query.js';
import type {
  TemporalFormat,
  TemporalRenderOptions,
} from '../../ngsi-ld/temporal/temporal-renderer.js';
import type { QueryParams } from './query-params.js';
import { parseProjection } from './representation.js';

/** Representation keywords of `format` and `options` (temporal.md §2, §3). */
const TEMPORAL_FORMATS: Record<string, TemporalFormat> = {
  normalized: 'normalized',
  concise: 'concise',
  temporalValues: 'temporalValues',
  // NGSI-LD 1.8+: the simplified temporal representation is the temporalValues one.
  simplified: 'temporalValues',
  keyValues: 'temporalValues',
  aggregatedValues: 'aggregatedValues',
};

/** One representation at a time: different keywords in `format` and `options` are a 400. */
export function parseTemporalFormat(query: QueryParams): {
  format: TemporalFormat;
  sysAttrs: boolean;
} {
  const options = query.options([...Object.keys(TEMPORAL_FORMATS), 'sysAttrs']);
  const named = [...options].filter((o) => o in TEMPORAL_FORMATS).map((o) => TEMPORAL_FORMATS[o]);
  const formatParam = query.get('format');
  if (formatParam !== undefined) {
    const format = TEMPORAL_FORMATS[formatParam];
    if (format === undefined)
      throw badRequestData(`format: unknown representation '${formatParam}'`);
    named.push(format);
  }
  const distinct = [...new Set(named)];
  if (distinct.length > 1)
    throw badRequestData(`Only one representation at a time, got ${distinct.join(' and ')}`);
  return { format: distinct[0] ?? 'normalized', sysAttrs: options.has('sysAttrs') };
}

/** What the read parameters say, however they arrived. */
export interface TemporalReadInput {
  temporal: TemporalQueryInput;
  aggrMethods?: unknown;
  aggrPeriodDuration?: unknown;
  attrs?: string[];
  pick?: string;
  omit?: string;
  lang?: string;
  datasetId?: string[];
}

/**
 * An answer holds at most this many times `temporalMaxInstances` instances (or aggregation
 * periods) in all, shared by its entities and attributes (docs/temporal.md, Cut answers).
 */
export const ANSWER_INSTANCES_PER_ATTRIBUTE_CAP = 10;

export interface TemporalRead {
  options: HistoryReadOptions;
  render: TemporalRenderOptions;
}

export function temporalReadFromUrl(query: QueryParams): TemporalReadInput {
  return {
    temporal: {
      timerel: query.get('timerel'),
      timeAt: query.get('timeAt'),
      endTimeAt: query.get('endTimeAt'),
      timeproperty: query.get('timeproperty'),
      lastN: query.get('lastN'),
    },
    aggrMethods: query.get('aggrMethods'),
    aggrPeriodDuration: query.get('aggrPeriodDuration'),
    attrs: query.list('attrs'),
    pick: query.get('pick'),
    omit: query.get('omit'),
    lang: query.get('lang'),
    datasetId: query.list('datasetId'),
  };
}

export function buildTemporalRead(
  input: TemporalReadInput,
  query: QueryParams,
  context: JsonLdContext,
  settings: { required: boolean; maxInstances: number },
): TemporalRead {
  const { format, sysAttrs } = parseTemporalFormat(query);
  const temporal = parseTemporalQuery(input.temporal, { required: settings.required });
  const options: HistoryReadOptions = {
    window: temporal.window,
    maxInstances: settings.maxInstances,
    maxAnswerInstances: settings.maxInstances * ANSWER_INSTANCES_PER_ATTRIBUTE_CAP,
  };
  if (temporal.lastN !== undefined) options.lastN = temporal.lastN;
  if (input.attrs !== undefined) {
    if (input.pick !== undefined || input.omit !== undefined)
      throw badRequestData('attrs cannot be combined with pick or omit');
    options.attrs = [...new Set(input.attrs.map((a) => context.expandTerm(a)))];
  }
  if (input.datasetId !== undefined) {
    for (const id of input.datasetId) if (id !== '@none') assertUri(id, 'datasetId');
    options.datasetIds = input.datasetId;
  }
  const render: TemporalRenderOptions = {
    format,
    sysAttrs,
    timeproperty: temporal.window.timeproperty,
  };
  const aggrMethods = aggregationMethods(format, input);
  if (aggrMethods !== undefined) {
    render.aggrMethods = aggrMethods;
    options.aggregate = {
      methods: aggrMethods,
      period: parseIsoDuration(input.aggrPeriodDuration ?? 'PT0S', 'aggrPeriodDuration'),
      strict: options.attrs !== undefined,
    };
  }
  const pick = parseProjection(input.pick, 'pick', context);
  const omit = parseProjection(input.omit, 'omit', context);
  if (pick) render.pick = pick;
  if (omit) render.omit = omit;
  if (input.lang !== undefined) render.lang = parseLanguagePreference(input.lang);
  return { options, render };
}

function aggregationMethods(
  format: TemporalFormat,
  input: TemporalReadInput,
): AggregationMethod[] | undefined {
  if (format !== 'aggregatedValues') {
    if (input.aggrMethods !== undefined || input.aggrPeriodDuration !== undefined)
      throw badRequestData('aggrMethods and aggrPeriodDuration need format=aggregatedValues');
    return undefined;
  }
  if (input.aggrMethods === undefined)
    throw badRequestData('format=aggregatedValues needs aggrMethods');
  return parseAggregationMethods(input.aggrMethods);
}

/**
 * `temporalQ` (and `aggrParams`) of a Query body (temporal.md §6). `aggrMethods` and
 * `aggrPeriodDuration` are accepted in either, as older texts put them in `temporalQ`.
 */
export function temporalMembersOfBody(
  body: Record<string, unknown>,
): Omit<TemporalReadInput, 'attrs'> {
  const temporalQ = body['temporalQ'];
  if (temporalQ === undefined) throw badRequestData('A temporal Query needs temporalQ');
  if (!isRecord(temporalQ)) throw badRequestData('temporalQ must be an object');
  const aggrParams = body['aggrParams'] ?? {};
  if (!isRecord(aggrParams)) throw badRequestData('aggrParams must be an object');
  const known = new Set([
    'timerel',
    'timeAt',
    'endTimeAt',
    'timeproperty',
    'lastN',
    'aggrMethods',
    'aggrPeriodDuration',
  ]);
  for (const key of Object.keys(temporalQ))
    if (!known.has(key)) throw badRequestData(`temporalQ member '${key}' is unknown`);
  for (const key of Object.keys(aggrParams))
    if (key !== 'aggrMethods' && key !== 'aggrPeriodDuration')
      throw badRequestData(`aggrParams member '${key}' is unknown`);
  return {
    temporal: {
      timerel: temporalQ['timerel'],
      timeAt: temporalQ['timeAt'],
      endTimeAt: temporalQ['endTimeAt'],
      timeproperty: temporalQ['timeproperty'],
      lastN: temporalQ['lastN'],
    },
    aggrMethods: aggrParams['aggrMethods'] ?? temporalQ['aggrMethods'],
    aggrPeriodDuration: aggrParams['aggrPeriodDuration'] ?? temporalQ['aggrPeriodDuration'],
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
