/** The outcomes every sender reports, and the one rule for its timeout. */
import type { DeliveryOutcome } from '../../context/ports/notification-sender.port.js';

/** A failure that may pass: a timeout, a connection failure, a busy receiver. */
export function retryable(reason: string): DeliveryOutcome {
  return { ok: false, reason, retryable: true };
}

/** A failure that the same attempt would meet again: a refusal or a bad endpoint. */
export function refused(reason: string): DeliveryOutcome {
  return { ok: false, reason, retryable: false };
}

/** A delay that timers accept: a whole number of milliseconds from 1 to 2^31 - 1. */
export function clampTimeout(ms: number): number {
  return Number.isFinite(ms) ? Math.min(Math.max(Math.floor(ms), 1), 2 ** 31 - 1) : 2 ** 31 - 1;
}
