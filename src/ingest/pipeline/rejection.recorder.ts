/**
 * Records refused device messages (ingest.types.ts RejectionRecorder): counts per reason,
 * logs at warn — at most one line per reason per second, carrying how many were suppressed
 * — and keeps them in the RejectionStore. `record` never waits: rejections are buffered
 * (bounded, the oldest dropped first) and written in batches in the background, so a flood
 * of bad messages cannot slow the good ones.
 */
import type { Logger } from 'pino';
import {
  REJECTION_REASONS,
  type Rejection,
  type RejectionReason,
  type RejectionRecorder,
} from '../ingest.types.js';
import type { RejectionStore } from '../ports/rejection-store.port.js';

export interface RejectionRecorderDeps {
  store: RejectionStore;
  clock: () => Date;
  log: Pick<Logger, 'warn'>;
  /** Rejections waiting for the store at most; beyond, the oldest are dropped. Default 2,000. */
  maxBuffered?: number;
  /** Pause before a batch is written, to gather a burst into one write. Default 200 ms. */
  flushDelayMs?: number;
}

export interface RunningRejectionRecorder extends RejectionRecorder {
  readonly store: RejectionStore;
  /** Writes what is buffered now (before a listing, and when stopping). */
  flush(): Promise<void>;
  /** Writes what is buffered; later records are counted and logged but not stored. */
  stop(): Promise<void>;
}

const EXCERPT_BYTES = 1024;
const MAX_DETAIL = 1024;
const MAX_FIELD = 256;
const MAX_SOURCE = 512;
const BATCH = 500;
const LOG_INTERVAL_MS = 1000;

/** The first 1 KiB of a payload as text, for `payloadExcerpt`. */
export function excerptPayload(payload: string | Uint8Array): string {
  const bytes =
    typeof payload === 'string' ? Buffer.from(payload.slice(0, EXCERPT_BYTES)) : payload;
  return Buffer.from(bytes.subarray(0, EXCERPT_BYTES)).toString('utf8');
}

export function createRejectionRecorder(deps: RejectionRecorderDeps): RunningRejectionRecorder {
  const maxBuffered = deps.maxBuffered ?? 2000;
  const flushDelayMs = deps.flushDelayMs ?? 200;
  const counts = Object.fromEntries(REJECTION_REASONS.map((r) => [r, 0])) as Record<
    RejectionReason,
    number
  >;
  const logState = new Map<string, { lastAt: number; suppressed: number }>();
  let buffer: Rejection[] = [];
  let dropped = 0;
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  let stopped = false;

  /** True when this kind of line may be logged now; `suppressed` is how many were not. */
  function mayLog(kind: string, now: number): { suppressed: number } | undefined {
    const state = logState.get(kind);
    if (state !== undefined && now - state.lastAt < LOG_INTERVAL_MS) {
      state.suppressed++;
      return undefined;
    }
    const suppressed = state?.suppressed ?? 0;
    logState.set(kind, { lastAt: now, suppressed: 0 });
    return { suppressed };
  }

  async function writeAll(): Promise<void> {
    while (buffer.length > 0) {
      const batch = buffer.slice(0, BATCH);
      buffer = buffer.slice(batch.length);
      try {
        await deps.store.add(batch);
      } catch (error) {
        const now = deps.clock().getTime();
        const allowed = mayLog('store-failure', now);
        if (allowed)
          deps.log.warn(
            { err: error, lost: batch.length, suppressed: allowed.suppressed },
            'Storing rejected device messages failed; they are counted but not kept',
          );
      }
    }
  }

  /** Writes are chained: one at a time, and a flush resolves once what it saw is stored. */
  function flush(): Promise<void> {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    chain = chain.then(writeAll);
    return chain;
  }

  return {
    store: deps.store,
    record(input) {
      counts[input.reason] = (counts[input.reason] ?? 0) + 1;
      const at = deps.clock();
      const rejection = sanitize(input, at.toISOString());
      const allowed = mayLog(input.reason, at.getTime());
      if (allowed)
        deps.log.warn(
          {
            reason: rejection.reason,
            transport: rejection.transport,
            tenant: rejection.tenant,
            deviceId: rejection.deviceId,
            source: rejection.source,
            detail: rejection.detail,
            suppressed: allowed.suppressed,
            ...(dropped > 0 ? { dropped } : {}),
          },
          'Device message rejected',
        );
      if (stopped) return;
      buffer.push(rejection);
      if (buffer.length > maxBuffered) {
        dropped += buffer.length - maxBuffered;
        buffer = buffer.slice(buffer.length - maxBuffered);
      }
      if (timer === undefined) {
        timer = setTimeout(() => void flush(), flushDelayMs);
        timer.unref();
      }
    },
    counts: () => ({ ...counts }),
    flush,
    async stop() {
      stopped = true;
      await flush();
    },
  };
}

function sanitize(input: Omit<Rejection, 'at'>, at: string): Rejection {
  // The apikey is a credential (the default MQTT password): the topic in `source` and the
  // detail carry it shortened only, in the log and in the listing alike.
  const mask = apikeyMask(input.apikey);
  const rejection: Rejection = {
    at,
    reason: input.reason,
    transport: input.transport,
    detail: clean(mask(input.detail), MAX_DETAIL),
  };
  if (input.tenant !== undefined) rejection.tenant = clean(input.tenant, MAX_FIELD);
  if (input.apikey !== undefined) rejection.apikey = clean(input.apikey, MAX_FIELD);
  if (input.deviceId !== undefined) rejection.deviceId = clean(input.deviceId, MAX_FIELD);
  if (input.source !== undefined) rejection.source = clean(mask(input.source), MAX_SOURCE);
  if (input.payloadExcerpt !== undefined)
    rejection.payloadExcerpt = clean(excerptPayload(input.payloadExcerpt), EXCERPT_BYTES);
  return rejection;
}

/** Replaces an apikey (longer than 4 characters) by its first 4 and an ellipsis. */
function apikeyMask(apikey: string | undefined): (text: string) => string {
  if (apikey === undefined || apikey.length <= 4) return (text) => text;
  const shortened = `${apikey.slice(0, 4)}…`;
  return (text) => (text.includes(apikey) ? text.replaceAll(apikey, shortened) : text);
}

/** Bounded, and without NUL (PostgreSQL text cannot hold it). */
function clean(text: string, max: number): string {
  const bounded = text.length > max ? text.slice(0, max) : text;
  return bounded.includes('\u0000') ? bounded.replaceAll('\u0000', '\uFFFD') : bounded;
}
