/**
 * Evenly paced sending: message i is due at start + i / rate, and each tick sends what is
 * due, so a rate of 20,000/s goes out as ~200 messages every 10 ms rather than a burst per
 * second. Unacknowledged messages are capped; when the platform falls behind, the pacer
 * holds back (and catches up when it can) instead of piling up unbounded work.
 */

export interface Pacer {
  /** How many messages to send now, given the time and the messages in flight. */
  take(nowMs: number, inFlight: number): number;
  /** Messages handed out so far. */
  readonly taken: number;
  /** Messages due by `nowMs` that were not handed out (the platform is behind). */
  behind(nowMs: number): number;
  /** True once `total` messages were handed out. */
  readonly finished: boolean;
}

export function createPacer(options: {
  rate: number;
  startMs: number;
  /** Stop after this many messages (undefined: never). */
  total?: number;
  maxInFlight: number;
}): Pacer {
  const { rate, startMs, maxInFlight } = options;
  const total = options.total ?? Number.POSITIVE_INFINITY;
  let taken = 0;
  const due = (nowMs: number) =>
    Math.min(total, Math.floor((Math.max(0, nowMs - startMs) / 1000) * rate));
  return {
    take(nowMs, inFlight) {
      const n = Math.max(0, Math.min(due(nowMs) - taken, maxInFlight - inFlight));
      taken += n;
      return n;
    },
    get taken() {
      return taken;
    },
    behind: (nowMs) => Math.max(0, due(nowMs) - taken),
    get finished() {
      return taken >= total;
    },
  };
}
