/**
 * The change-log rows (context/ports/change-log.port.ts) of a mutation batch's final
 * writes: one per changed entity, with its state before and after. Shared by both adapters.
 */
import type { EntityChange } from '../../context/ports/change-log.port.js';
import type { Entity } from '../../ngsi-ld/model.js';
import type { EntityWrite } from './mutation-plan.js';

export type UnsequencedChange = Omit<EntityChange, 'seq'>;

export function changesOfWrites(
  tenant: string,
  writes: readonly EntityWrite[],
  now: () => string,
): UnsequencedChange[] {
  return writes.map((write): UnsequencedChange => {
    switch (write.op) {
      case 'insert':
        return change(tenant, null, write.entity, write.entity.modifiedAt);
      case 'update':
      case 'replace':
        return change(tenant, write.previous, write.entity, write.entity.modifiedAt);
      case 'delete':
        return change(tenant, write.previous, null, now());
    }
  });
}

function change(
  tenant: string,
  previous: Entity | null,
  current: Entity | null,
  at: string,
): UnsequencedChange {
  return { tenant, entityId: (current ?? previous)?.id ?? '', at, previous, current };
}

/** The columns of `entity_changes` a ChangeRow is read from, in SELECT order. */
export const CHANGE_ROW_COLUMNS =
  'seq, tenant, entity_id, at, previous, current, subscriptions_version';

export interface ChangeRow {
  seq: number | string;
  tenant: string;
  entity_id: string;
  at: string;
  previous: string | null;
  current: string | null;
  subscriptions_version: number | string | null;
}

export function changeOfRow(row: ChangeRow): EntityChange {
  return {
    seq: Number(row.seq),
    tenant: row.tenant,
    entityId: row.entity_id,
    at: row.at,
    previous: row.previous === null ? null : (JSON.parse(row.previous) as Entity),
    current: row.current === null ? null : (JSON.parse(row.current) as Entity),
    ...(row.subscriptions_version === null
      ? {}
      : { subscriptionsVersion: Number(row.subscriptions_version) }),
  };
}

/** Calls every listener; a listener that throws is a bug, reported without stopping the others. */
export function createCommitListeners() {
  const listeners: Array<(changes: EntityChange[]) => void> = [];
  return {
    add(listener: (changes: EntityChange[]) => void): void {
      listeners.push(listener);
    },
    notify(changes: EntityChange[]): void {
      if (changes.length === 0) return;
      for (const listener of listeners) {
        try {
          listener(changes);
        } catch (error) {
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    },
  };
}
