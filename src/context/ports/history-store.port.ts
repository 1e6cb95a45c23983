/**
 * The attribute history of the temporal API (NGSI-LD 4.5.7–4.5.9, 5.6.11–5.6.16, 5.7.3–5.7.4).
 * Adapters: src/adapters/sqlite, src/adapters/postgres; both must pass
 * test/contract/history-store.contract.ts with identical results.
 *
 * The history is fed in two ways: the entity store appends an instance for every attribute
 * instance an entity change creates, updates or deletes, in the transaction of the change
 * (temporal.md §5); the temporal API writes instances directly (`appendInstances` …), and
 * those writes do not change the current state of entities (temporal.md §4).
 */
import type { AttributeMap, Attribute } from '../../ngsi-ld/model.js';
import type { EntityQuery } from '../../ngsi-ld/query/query.types.js';
import type { AggregationMethod } from '../../ngsi-ld/temporal/aggregation.js';
import type { IsoDuration } from '../../ngsi-ld/temporal/iso-duration.js';
import type { EntityHistory } from '../../ngsi-ld/temporal/temporal-model.js';
import type { TimeWindow } from '../../ngsi-ld/temporal/temporal-query.js';

export type {
  AggregatedPeriod,
  AggregatedSeries,
  AttributeHistory,
  EntityHistory,
  TemporalInstance,
} from '../../ngsi-ld/temporal/temporal-model.js';

/** Which instances of an entity to read, and how. */
export interface HistoryReadOptions {
  /** Only these attributes (expanded IRIs); all when absent. */
  attrs?: string[];
  /** Only instances with these datasetIds ('@none' = the default instance). */
  datasetIds?: string[];
  window: TimeWindow;
  /** The N most recent instances of each attribute in the window. */
  lastN?: number;
  /**
   * At most this many instances per attribute: the oldest in the window, or the most recent
   * ones with `lastN`. An attribute with more is flagged `truncated`.
   */
  maxInstances: number;
  /**
   * At most about this many instances (or aggregation periods) in the whole answer: each
   * entity of a page, then each of its attributes, gets an equal share of what is left (at
   * least one instance per attribute, at most `maxInstances`); a cut attribute is flagged.
   */
  maxAnswerInstances?: number;
  /** Aggregate instead of listing (aggregatedValues); at most `maxInstances` periods. */
  aggregate?: {
    methods: AggregationMethod[];
    /** PT0S: one period for the whole window. */
    period: IsoDuration;
    /**
     * The attributes were named by the request: a method that does not apply to one of them
     * is a 400 (temporal.md §2); otherwise inapplicable methods are left out.
     */
    strict: boolean;
  };
}

/** Query Temporal Evolution: the entity filters of Query Entities, applied to the history. */
export interface HistoryQuery extends HistoryReadOptions {
  filter: Omit<EntityQuery, 'limit' | 'offset' | 'count'>;
  limit: number;
  offset: number;
  count: boolean;
}

export interface HistoryPage {
  entities: EntityHistory[];
  totalCount?: number;
}

export interface TemporalEntityWrite {
  id: string;
  /** Types to add (expanded); required to create. */
  type?: string[];
  scope?: string[];
  /** Instances to record, in order, by expanded attribute IRI. */
  attrs: AttributeMap;
}

export type AttributeDeletion = { datasetId?: string; deleteAll: boolean };

export interface HistoryStore {
  /** The entity has a temporal evolution (it may have been deleted from the current state). */
  hasEntity(tenant: string, id: string): Promise<boolean>;
  /**
   * Records instances with createdAt = modifiedAt = `at` and adds `type`/`scope`. An unknown
   * entity is created when `create` is set (it needs `type`), else nothing is written.
   * `createTenant` registers the tenant as Create Entity does.
   */
  appendInstances(
    tenant: string,
    write: TemporalEntityWrite,
    options: { at: string; create: boolean; createTenant: boolean },
  ): Promise<'created' | 'appended' | 'notFound'>;
  /** Replaces one instance, keeping its createdAt; false when entity, attribute or instance is unknown. */
  modifyInstance(
    tenant: string,
    id: string,
    attr: string,
    instanceId: string,
    instance: Attribute,
    at: string,
  ): Promise<boolean>;
  deleteInstance(tenant: string, id: string, attr: string, instanceId: string): Promise<boolean>;
  /** The default instance set, one datasetId's, or every instance (`deleteAll`). */
  deleteAttribute(
    tenant: string,
    id: string,
    attr: string,
    which: AttributeDeletion,
  ): Promise<'deleted' | 'noEntity' | 'noAttribute'>;
  deleteEntity(tenant: string, id: string): Promise<boolean>;
  /** Undefined when the entity has no temporal evolution. */
  retrieveHistory(
    tenant: string,
    id: string,
    options: HistoryReadOptions,
  ): Promise<EntityHistory | undefined>;
  /**
   * Entities passing `filter` that have at least one instance of the concerned attributes in
   * the window (q and geoQ are evaluated against the instances in the window), in creation
   * order, paginated; only attributes with instances in the window are returned.
   */
  queryHistory(tenant: string, query: HistoryQuery): Promise<HistoryPage>;
  /** Deletes or downsamples old instances as the rules say (see retention-policy.ts). */
  applyRetention(rules: readonly RetentionRule[], now: Date): Promise<RetentionReport>;
}

/** One retention rule, resolved: which instances it covers and what happens to them. */
export interface RetentionRule {
  /** Only this tenant ('' is the default tenant); every tenant when absent. */
  tenant?: string;
  /** Only these attributes (expanded IRIs); every attribute when absent. */
  attrs?: string[];
  /** Instances older than this are deleted. */
  maxAge?: IsoDuration;
  /** Instances older than `after` are replaced by one instance per `period`. */
  downsample?: { after: IsoDuration; period: IsoDuration };
}

export interface RetentionReport {
  deleted: number;
  /** Instances replaced by downsampling, and the instances that replaced them. */
  downsampled: number;
  inserted: number;
}
