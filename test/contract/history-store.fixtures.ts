/** Shared set-up of the history store contract (history-store.contract.ts). */
import type { EntityChange } from '../../src/context/ports/change-log.port.js';
import type {
  HistoryQuery,
  HistoryReadOptions,
  HistoryStore,
} from '../../src/context/ports/history-store.port.js';
import type { Attribute, Entity } from '../../src/ngsi-ld/model.js';

export interface HistoryStoreUnderTest {
  store: HistoryStore;
  /** Records committed entity changes as the entity store does in its transaction. */
  feed(changes: EntityChange[]): Promise<void>;
  cleanup(): Promise<void>;
}

export type MakeHistoryStore = () => Promise<HistoryStoreUnderTest>;

export const NS = 'https://example.org/';
export const SPEED = `${NS}speed`;
export const NAME = `${NS}name`;
export const PARKED = `${NS}isParked`;
export const LOCATION = 'https://uri.etsi.org/ngsi-ld/location';
export const VEHICLE = `${NS}Vehicle`;
export const BUS = `${NS}Bus`;
export const T0 = Date.parse('2018-08-01T12:00:00Z');
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A Property instance observed `minutes` after T0. */
export function speedAt(
  minutes: number,
  value: unknown,
  extra: Partial<Attribute> = {},
): Attribute {
  return {
    type: 'Property',
    value: value as Attribute['value'],
    observedAt: iso(T0 + minutes * MINUTE),
    ...extra,
  };
}

export function readOptions(options: Partial<HistoryReadOptions> = {}): HistoryReadOptions {
  return { window: { timeproperty: 'observedAt' }, maxInstances: 1000, ...options };
}

export function queryOptions(options: Partial<HistoryQuery> = {}): HistoryQuery {
  return {
    filter: {},
    window: { timeproperty: 'observedAt' },
    maxInstances: 1000,
    limit: 20,
    offset: 0,
    count: false,
    ...options,
  };
}

/** Records `instances` of a new entity through the temporal API path. */
export async function createHistory(
  store: HistoryStore,
  id: string,
  attrs: Record<string, Attribute[]>,
  options: { tenant?: string; type?: string[]; at?: string; scope?: string[] } = {},
): Promise<void> {
  await store.appendInstances(
    options.tenant ?? '',
    {
      id,
      type: options.type ?? [VEHICLE],
      attrs,
      ...(options.scope ? { scope: options.scope } : {}),
    },
    { at: options.at ?? '2026-01-01T00:00:00.000Z', create: true, createTenant: true },
  );
}

export function entity(id: string, attrs: Entity['attrs'], type = [VEHICLE]): Entity {
  return {
    id,
    type,
    createdAt: '2026-01-01T00:00:00.000Z',
    modifiedAt: '2026-01-01T00:00:00.000Z',
    attrs,
  };
}

let seq = 0;
export function change(
  entityId: string,
  at: string,
  previous: Entity | null,
  current: Entity | null,
  tenant = '',
): EntityChange {
  seq += 1;
  return { seq, tenant, entityId, at, previous, current };
}
