/**
 * Bounds how many PUBLISH packets the embedded broker has taken off device connections and
 * not yet settled (written or refused, the PUBACK decided), across all its connections: the
 * broker's memory stays flat however long the sink is saturated (issue #4).
 *
 * Why a permit taken by the frame guard (mqtt-frame-guard.ts) before it lets a PUBLISH
 * through, rather than something in aedes:
 * - aedes parses everything a connection's stream has buffered at once and handles all its
 *   packets concurrently (lib/client.js `nextBatch` parses `conn.read(null)`); it reads
 *   again only once that batch is handled. That bounds nothing across 10,000 connections:
 *   each one's batch is parsed and waits for the sink, however full it is.
 * - `Client.pause()` drops the completions of packets handled while paused (`nextBatch`
 *   returns before it counts them), so a connection paused mid-batch never reads again.
 * - `socket.pause()` fights with `pipe()`, which resumes the socket on the next 'drain'.
 * - Stopping and resuming on the sink's saturation lets every connection's buffered bytes
 *   through at once on each resume: the bound would be connections × buffer, not a count.
 * A guard that waits for a permit holds its chunk, so the streams' own back-pressure does
 * the rest: its write buffer fills, `pipe()` pauses the socket, the socket stops reading
 * and TCP flow control holds the device back. Nothing is dropped and no connection closes.
 * Permits go back when messages settle, so reading resumes as soon as the sink accepts
 * again. Connections waiting for a permit get one first come, first served: a device that
 * floods waits its turn like the others.
 */

export interface PublishPermits {
  /** The permits of one connection, to end with it. */
  lease(): PermitLease;
  /** Permits taken and not given back. */
  readonly inUse: number;
  /** Connections waiting for a permit. */
  readonly waiting: number;
}

export interface PermitLease {
  /** Takes a permit for the next PUBLISH: undefined when granted at once, else its promise. */
  take(): Promise<void> | undefined;
  /** A PUBLISH of this connection reached the broker's hook; call the result once it settled. */
  handle(): () => void;
  /**
   * The connection ended: the permits of packets that never reached the hook go back; those
   * of packets still being handled go back as each settles.
   */
  end(): void;
}

export function createPublishPermits(limit: number): PublishPermits {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`The limit of pending MQTT messages must be a positive integer`);
  let inUse = 0;
  // A Set keeps insertion order (first come, first served) and lets an ended connection
  // leave the line at once.
  const waiters = new Set<() => void>();

  function giveBack(count: number): void {
    inUse -= count;
    for (const grant of waiters) {
      if (inUse >= limit) break;
      waiters.delete(grant);
      inUse++;
      grant();
    }
  }

  function lease(): PermitLease {
    let held = 0;
    let running = 0;
    let ended = false;
    let waiting: (() => void) | undefined;
    return {
      take() {
        // An ended connection's stream is being destroyed: nothing it passes is handled.
        if (ended) return undefined;
        if (waiters.size === 0 && inUse < limit) {
          inUse++;
          held++;
          return undefined;
        }
        return new Promise<void>((resolve) => {
          waiting = () => {
            waiting = undefined;
            held++;
            resolve();
          };
          waiters.add(waiting);
        });
      },
      handle() {
        running++;
        let settled = false;
        return () => {
          if (settled) return;
          settled = true;
          running--;
          // More permits than running handlers: one is this packet's (after `end`, the
          // permits of the packets still running are all that is left).
          if (held > running) {
            held--;
            giveBack(1);
          }
        };
      },
      end() {
        if (ended) return;
        ended = true;
        if (waiting !== undefined) waiters.delete(waiting);
        waiting = undefined;
        const spare = held - running;
        if (spare > 0) {
          held -= spare;
          giveBack(spare);
        }
      },
    };
  }

  return {
    lease,
    get inUse() {
      return inUse;
    },
    get waiting() {
      return waiters.size;
    },
  };
}
