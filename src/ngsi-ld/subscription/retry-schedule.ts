/**
 * When a failed notification is tried again: exponential backoff from `baseMs`, doubled
 * per attempt up to `maxMs`, with jitter so that the retries of many notifications to one
 * endpoint that came back do not arrive together; at least the endpoint's cooldown.
 */
export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  /** Attempts in all (the first one included); then the notification is given up. */
  maxAttempts: number;
}

/**
 * Delay before attempt `attempts + 1`, after `attempts` failed ones; undefined when the
 * notification should be given up. `random` is in [0, 1): the delay lies in [½, 1] of the
 * exponential step. Always a whole number of milliseconds (outbox due times are integers).
 */
export function retryDelayMs(
  attempts: number,
  policy: RetryPolicy,
  random: number,
  cooldownMs = 0,
): number | undefined {
  if (attempts >= policy.maxAttempts) return undefined;
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.ceil(Math.max(cooldownMs, step * (0.5 + random / 2)));
}
