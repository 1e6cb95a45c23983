/**
 * Bounds the size of the MQTT packets a connection may send before they are buffered.
 * The MQTT parser (mqtt-packet, used by aedes) holds a whole packet in memory before it
 * hands it on and knows no limit (a remaining length may declare 256 MB), so a hostile
 * client could make the broker buffer that much per connection, even before CONNECT. This
 * Transform reads only the fixed headers (MQTT 3.1.1 §2.2, 5.0 §2.1.4: one byte, then the
 * remaining length as a variable byte integer of at most four bytes) as the bytes pass,
 * and fails the stream as soon as a packet declares more than `maxPacketBytes`.
 */
import { Transform, type TransformCallback } from 'node:stream';

export class MqttPacketTooLarge extends Error {
  constructor(readonly declaredBytes: number) {
    super(`MQTT packet of ${declaredBytes} bytes exceeds the limit`);
    this.name = 'MqttPacketTooLarge';
  }
}

export function createMqttFrameGuard(maxPacketBytes: number): Transform {
  // Bytes still to skip of the current packet's body; -1 while reading a fixed header.
  let bodyLeft = -1;
  let lengthBytes = 0;
  let length = 0;
  let multiplier = 1;
  let inHeader = false;

  function inspect(chunk: Buffer): Error | undefined {
    let at = 0;
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
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      const error = inspect(chunk);
      if (error) callback(error);
      else callback(null, chunk);
    },
  });
}
