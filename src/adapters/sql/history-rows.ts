/**
 * The rows of the attribute history (src/adapters/README.md, History), shared by the SQLite
 * and PostgreSQL adapters: what an entity change records (temporal.md §5), how an instance
 * becomes a row, and how a row becomes a TemporalInstance again.
 */
import { omitMembers } from '../../ngsi-ld/omit-members.js';
import { createHash } from 'node:crypto';
import type { EntityChange } from '../../context/ports/change-log.port.js';
import { describeEntityChange } from '../../ngsi-ld/change/entity-change-events.js';
import {
  NGSI_LD_NULL,
  PAYLOAD_MEMBER,
  type Attribute,
  type JsonValue,
} from '../../ngsi-ld/model.js';
import { encodeIndexText } from './index-text.js';
import { aggregationView } from '../../ngsi-ld/temporal/aggregation.js';
import {
  INSTANCE_ID_PREFIX,
  type EntityHistory,
  type TemporalInstance,
} from '../../ngsi-ld/temporal/temporal-model.js';

/** One instance to record. */
export interface RecordedInstance {
  attr: string;
  instance: Attribute;
  /** Epoch ms of the record's modifiedAt, and of its createdAt unless `createdAt` is set. */
  at: number;
  /** Epoch ms of createdAt when it differs (a modified instance keeps its createdAt). */
  createdAt?: number;
  /** Set for the NGSI-LD Null instance of a deletion (epoch ms). */
  deletedAt?: number;
}

/** The values of one `attr_history` row, in the column order of `HISTORY_COLUMNS`. */
export type HistoryRow = [
  entityPk: number,
  attr: string,
  ts: number,
  pk: number,
  dataset: string,
  observedAt: number | null,
  createdAt: number,
  modifiedAt: number,
  deletedAt: number | null,
  vclass: number,
  num: number | null,
  txt: string | null,
  vkey: string | null,
  doc: string,
];

export const HISTORY_COLUMNS = [
  'entity_pk',
  'attr',
  'ts',
  'pk',
  'dataset',
  'observed_at',
  'created_at',
  'modified_at',
  'deleted_at',
  'vclass',
  'num',
  'txt',
  'vkey',
  'doc',
] as const;

/** Distinct-count keys longer than this are stored as a digest (objects, geometries). */
const MAX_KEY_LENGTH = 64;

/** The instances one committed entity change adds to the history (temporal.md §5). */
export function changeInstances(
  change: Pick<EntityChange, 'at' | 'previous' | 'current'>,
): RecordedInstance[] {
  const at = Date.parse(change.at);
  return describeEntityChange(change.previous, change.current).attributes.map((event) =>
    event.current !== undefined
      ? { attr: event.attr, instance: event.current, at }
      : {
          attr: event.attr,
          instance: nullInstance(event.previous as Attribute),
          at,
          deletedAt: at,
        },
  );
}

/** The NGSI-LD Null instance that records the deletion of `previous` (data-model.md §4). */
export function nullInstance(previous: Attribute): Attribute {
  const member = PAYLOAD_MEMBER[previous.type];
  const payload: JsonValue =
    member === 'valueList' || member === 'objectList'
      ? [NGSI_LD_NULL]
      : member === 'languageMap'
        ? { '@none': NGSI_LD_NULL }
        : NGSI_LD_NULL;
  const instance = { type: previous.type, [member]: payload } as Attribute;
  if (previous.datasetId !== undefined) instance.datasetId = previous.datasetId;
  return instance;
}

export function historyRow(entityPk: number, pk: number, recorded: RecordedInstance): HistoryRow {
  const kept = omitMembers(recorded.instance, ['createdAt', 'modifiedAt']);
  const observedAt = kept.observedAt === undefined ? null : Date.parse(kept.observedAt);
  const view = aggregationView(kept);
  return [
    entityPk,
    recorded.attr,
    observedAt ?? recorded.at,
    pk,
    kept.datasetId ?? '',
    observedAt,
    recorded.createdAt ?? recorded.at,
    recorded.at,
    recorded.deletedAt ?? null,
    view.valueClass,
    view.num,
    view.text === null ? null : encodeIndexText(view.text),
    view.key === null
      ? null
      : view.key.length > MAX_KEY_LENGTH
        ? `#${createHash('sha1').update(view.key).digest('base64')}`
        : encodeIndexText(view.key),
    JSON.stringify(kept),
  ];
}

/** The columns a read needs to rebuild an instance. */
export interface InstanceRow {
  pk: number;
  doc: string;
  created_at: number;
  modified_at: number;
  deleted_at: number | null;
}

export function instanceFromRow(row: InstanceRow): TemporalInstance {
  const attribute = JSON.parse(row.doc) as Attribute;
  attribute.createdAt = isoOf(row.created_at);
  attribute.modifiedAt = isoOf(row.modified_at);
  const instance: TemporalInstance = { instanceId: instanceIdOf(row.pk), attribute };
  if (row.deleted_at !== null) instance.deletedAt = isoOf(row.deleted_at);
  return instance;
}

export function instanceIdOf(pk: number): string {
  return INSTANCE_ID_PREFIX + String(pk);
}

/** The row number of an instanceId Civis minted; undefined for any other URI. */
export function pkOfInstanceId(instanceId: string): number | undefined {
  if (!instanceId.startsWith(INSTANCE_ID_PREFIX)) return undefined;
  const digits = instanceId.slice(INSTANCE_ID_PREFIX.length);
  return /^[1-9]\d{0,14}$/.test(digits) ? Number(digits) : undefined;
}

export function isoOf(epochMs: number): string {
  return new Date(Number(epochMs)).toISOString();
}

/** A `history_entities` row. */
export interface EntityRow {
  pk: number;
  id: string;
  types: string;
  scope: string | null;
  created_at: string;
  modified_at: string;
}

export function entityFromRow(row: EntityRow): EntityHistory {
  const history: EntityHistory = {
    id: row.id,
    type: JSON.parse(row.types) as string[],
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
    attrs: {},
  };
  if (row.scope !== null) history.scope = JSON.parse(row.scope) as string[];
  return history;
}

/** `datasetId` filter values as stored: the default instance is ''. */
export function storedDatasets(datasetIds: readonly string[]): string[] {
  return datasetIds.map((id) => (id === '@none' ? '' : id));
}

/** The text `encodeIndexText` stored (min/max of string values). */
export function decodeIndexText(text: string): string {
  if (!text.includes('\u0001')) return text;
  let decoded = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char !== '\u0001') decoded += char;
    else decoded += text[++i] === '\u0001' ? '\u0000' : '\u0001';
  }
  return decoded;
}
