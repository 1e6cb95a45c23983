/**
 * The entity rows of the history (`history_entities`, `history_types`): how a write changes
 * an entity's types, scope and timestamps. Shared by both adapters' writers.
 */
import type { EntityChange } from '../../context/ports/change-log.port.js';
import type { EntityRow } from './history-rows.js';

/** What a write says about the entity itself. */
export interface EntityStateWrite {
  /** Replace the types (current-state feed) or add to them (temporal API). */
  types?: { set: string[] } | { add: string[] };
  /** New scope; null removes it; absent keeps it. */
  scope?: string[] | null;
  at: string;
}

/** A change of the current state sets types and scope; a deleted entity keeps its own. */
export function feedStateWrite(change: Pick<EntityChange, 'at' | 'current'>): EntityStateWrite {
  const current = change.current;
  return current === null
    ? { at: change.at }
    : { at: change.at, types: { set: current.type }, scope: current.scope ?? null };
}

export interface NextEntityState {
  types: string[];
  /** JSON text or null. */
  scope: string | null;
  createdAt: string;
  modifiedAt: string;
  typesChanged: boolean;
}

export function nextEntityState(
  existing: Pick<EntityRow, 'types' | 'scope' | 'created_at'> | undefined,
  write: EntityStateWrite,
): NextEntityState {
  const before = existing === undefined ? [] : (JSON.parse(existing.types) as string[]);
  const types =
    write.types === undefined
      ? before
      : 'set' in write.types
        ? [...write.types.set]
        : [...new Set([...before, ...write.types.add])];
  const scope =
    write.scope === undefined
      ? (existing?.scope ?? null)
      : write.scope === null || write.scope.length === 0
        ? null
        : JSON.stringify(write.scope);
  return {
    types,
    scope,
    createdAt: existing?.created_at ?? write.at,
    modifiedAt: write.at,
    typesChanged:
      existing === undefined ||
      before.length !== types.length ||
      before.some((type, i) => type !== types[i]),
  };
}
