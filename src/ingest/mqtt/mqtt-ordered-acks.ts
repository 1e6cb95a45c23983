/**
 * The PUBACKs of QoS 1 messages handled concurrently: each leaves once its message is
 * handled (durable, or recorded as refused) *and* every message received before it has
 * left its own, since a client must acknowledge in the order the PUBLISHes came
 * (MQTT 3.1.1 §4.6, 5.0 §4.6). Pure bookkeeping: the agent says when a message arrives,
 * when the library wants to send its PUBACK (held until then), and when it is handled.
 *
 * A message that fails (not handled: the agent is stopping, or a bug) acknowledges
 * nothing from there on; the connection is dropped and the broker delivers every
 * unacknowledged message again. `reset` forgets a closed connection's messages: their
 * PUBACKs would name packet ids of a session that is gone.
 */
import { FifoQueue } from '../../context/fifo-queue.js';

export interface OrderedAcks {
  /** A QoS 1 PUBLISH arrived; the returned ticket settles it. */
  received(messageId: number): AckTicket;
  /**
   * The library sends the PUBACK of `messageId` with `send`: true when it is held (and sent
   * later, in order), false when no message waits for it (send it now).
   */
  hold(messageId: number, send: () => void): boolean;
  /** Messages received and not yet acknowledged. */
  readonly pending: number;
  /** Forgets every message (the connection closed): their PUBACKs are never sent. */
  reset(): void;
}

export interface AckTicket {
  handled(): void;
  failed(): void;
}

interface Entry {
  handled: boolean;
  send: (() => void) | undefined;
}

export function createOrderedAcks(options: {
  /** A message failed: acknowledgements stop until the connection is replaced. */
  onFailure: () => void;
  /** Called whenever `pending` went down. */
  onProgress?: () => void;
}): OrderedAcks {
  let queue = new FifoQueue<Entry>();
  /** Entries whose PUBACK the library has not sent yet, by packet id (unique while pending). */
  let unsent = new Map<number, Entry>();
  let failed = false;
  /** Counts resets: a ticket of an earlier connection settles nothing. */
  let generation = 0;

  function flush(): void {
    let released = 0;
    for (let entry = queue.peek(); !failed && entry?.handled && entry.send; entry = queue.peek()) {
      queue.shift();
      released++;
      entry.send();
    }
    if (released > 0) options.onProgress?.();
  }

  return {
    received(messageId) {
      const entry: Entry = { handled: false, send: undefined };
      queue.push(entry);
      unsent.set(messageId, entry);
      const owner = generation;
      return {
        handled() {
          if (owner !== generation) return;
          entry.handled = true;
          flush();
        },
        failed() {
          if (owner !== generation || failed) return;
          failed = true;
          options.onFailure();
        },
      };
    },
    hold(messageId, send) {
      const entry = unsent.get(messageId);
      if (entry === undefined) return false;
      unsent.delete(messageId);
      entry.send = send;
      flush();
      return true;
    },
    get pending() {
      return queue.length;
    },
    reset() {
      generation++;
      queue = new FifoQueue();
      unsent = new Map();
      failed = false;
      options.onProgress?.();
    },
  };
}
