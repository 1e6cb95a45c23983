/**
 * Reads the fixed header of every MQTT packet a connection sends (MQTT 3.1.1 §2.2, 5.0
 * §2.1.4: one byte, then the remaining length as a variable byte integer of at most four
 * bytes) as the bytes pass, for two bounds on what the broker holds:
 * - Size: the MQTT parser (mqtt-packet, used by aedes) holds a whole packet in memory before
 *   it hands it on and knows no limit (a remaining length may declare 256 MB), so a hostile
 *   client could make the broker buffer that much per connection, even before CONNECT. The
 *   stream fails as soon as a packet declares more than `maxPacketBytes`.
 * - Count: before a PUBLISH passes, `takePermit` (mqtt-publish-permits.ts) may make it
 *   wait. The bytes before it pass, the rest of the chunk is held: the guard's write buffer
 *   fills and `pipe()` pauses the socket until the permit comes.
 */
import { Transform, type TransformCallback } from 'node:stream';

export class MqttPacketTooLarge extends Error {
  constructor(readonly declaredBytes: number) {
    super(`MQTT packet of ${declaredBytes} bytes exceeds the limit`);
    this.name = 'MqttPacketTooLarge';
  }
}

/** Packet type 3 in the high nibble of the first byte (MQTT 3.1.1 §2.2.1). */
const PUBLISH = 3;

/** Undefined when the PUBLISH may pass at once, else the promise of its permit. */
export type TakePermit = () => Promise<void> | undefined;

/** Where a chunk's inspection stopped: at a PUBLISH that waits for its permit. */
interface PermitWait {
  /** Index of the PUBLISH's first byte (what precedes it may pass). */
  at: number;
  permit: Promise<void>;
}

export function createMqttFrameGuard(maxPacketBytes: number, takePermit?: TakePermit): Transform {
  // Bytes still to skip of the current packet's body; -1 while reading a fixed header.
  let bodyLeft = -1;
  let lengthBytes = 0;
  let length = 0;
  let multiplier = 1;
  let inHeader = false;

  /** Inspects `chunk` from `from` on: an error, a wait for a permit, or undefined (all read). */
  function inspect(chunk: Buffer, from: number): Error | PermitWait | undefined {
    let at = from;
    while (at < chunk.length) {
      if (bodyLeft > 0) {
        const skip = Math.min(bodyLeft, chunk.length - at);
        bodyLeft -= skip;
        at += skip;
        continue;
      }
      if (!inHeader) {
        // The packet type byte.
        inHeader = true;
        lengthBytes = 0;
        length = 0;
        multiplier = 1;
        const permit = (chunk[at] as number) >> 4 === PUBLISH ? takePermit?.() : undefined;
        if (permit !== undefined) return { at, permit };
        at += 1;
        continue;
      }
      const byte = chunk[at] as number;
      at += 1;
      length += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      lengthBytes += 1;
      if (byte & 0x80) {
        if (lengthBytes === 4) return new Error('Malformed MQTT remaining length');
        continue;
      }
      if (length > maxPacketBytes) return new MqttPacketTooLarge(length);
      inHeader = false;
      bodyLeft = length;
    }
    return undefined;
  }

  return new Transform({
    transform(this: Transform, chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      // Bytes of the chunk already pushed (those before a PUBLISH that waited).
      let passed = 0;
      const resume = (from: number): void => {
        const outcome = inspect(chunk, from);
        if (outcome instanceof Error) return done(outcome);
        if (outcome === undefined) return done(null, passed === 0 ? chunk : chunk.subarray(passed));
        if (outcome.at > passed) this.push(chunk.subarray(passed, outcome.at));
        passed = outcome.at;
        // The type byte is read (inHeader): inspection goes on after it.
        outcome.permit.then(() => resume(outcome.at + 1), done);
      };
      resume(0);
    },
  });
}
