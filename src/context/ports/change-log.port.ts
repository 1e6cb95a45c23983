/**
 * The change log: the durable record of every committed entity change (a transactional
 * outbox). The entity store writes one row per changed entity in the same transaction as
 * the change itself, so a change that was acknowledged to a client is never lost for its
 * subscribers, even when the process dies before publishing it. The change relay
 * (src/context/change-relay.ts) publishes rows to the change bus and removes them once the
 * bus holds them.
 */
import type { Entity } from '../../ngsi-ld/model.js';

/** One committed change of one entity. */
export interface EntityChange {
  /** Store-wide unique, increasing in commit order within one process (not gap-free). */
  seq: number;
  tenant: string;
  entityId: string;
  /** When the change was made (ISO 8601 UTC). */
  at: string;
  /** State before the change; `null` when the change created the entity. */
  previous: Entity | null;
  /** State after the change; `null` when the change deleted the entity. */
  current: Entity | null;
  /**
   * The subscriptions' version (the counter every subscription write increments) the change
   * committed against: a consumer that knows an older version must catch up before it
   * matches the change, or it could miss a subscription created on another instance just
   * before the change.
   */
  subscriptionsVersion?: number;
}

export interface ChangeLog {
  /**
   * Calls `listener` after each commit that changed entities, with the changes it logged,
   * in commit order. A listener must not throw.
   */
  onCommit(listener: (changes: EntityChange[]) => void): void;
  /** Changes still in the log (not yet removed), oldest first, at most `limit`. */
  pendingChanges(limit: number): Promise<EntityChange[]>;
  /** Removes changes the bus has taken over; unknown seqs are ignored. */
  removeChanges(seqs: readonly number[]): Promise<void>;
}
