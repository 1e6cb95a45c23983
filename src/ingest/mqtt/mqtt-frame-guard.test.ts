import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMqttFrameGuard, MqttPacketTooLarge } from './mqtt-frame-guard.js';

/** A QoS 0 PUBLISH packet (MQTT 3.1.1 §3.3) to /k/d/attrs. */
function publish(payloadBytes: number): Buffer {
  const topic = Buffer.from('/k/d/attrs');
  const body = Buffer.concat([
    Buffer.from([0, topic.length]),
    topic,
    Buffer.alloc(payloadBytes, 0x61),
  ]);
  const length: number[] = [];
  let left = body.length;
  do {
    const byte = left % 128;
    left = Math.floor(left / 128);
    length.push(left > 0 ? byte | 0x80 : byte);
  } while (left > 0);
  return Buffer.concat([Buffer.from([0x30, ...length]), body]);
}

const PINGREQ = Buffer.from([0xc0, 0x00]);

/** Feeds `chunks` through a guard; resolves the bytes it let through or rejects its error. */
function run(limit: number, chunks: Buffer[]): Promise<Buffer> {
  const guard = createMqttFrameGuard(limit);
  const out: Buffer[] = [];
  return new Promise((resolve, reject) => {
    guard.on('data', (chunk: Buffer) => out.push(chunk));
    guard.on('error', reject);
    guard.on('end', () => resolve(Buffer.concat(out)));
    for (const chunk of chunks) guard.write(chunk);
    guard.end();
  });
}

describe('createMqttFrameGuard', () => {
  it('createMqttFrameGuard passes packets within the limit unchanged, however they are split', async () => {
    const stream = Buffer.concat([PINGREQ, publish(10), publish(300), publish(20_000)]);
    assert.deepEqual(await run(21_000, [stream]), stream);
    const bytes = [...stream].map((byte) => Buffer.from([byte]));
    assert.deepEqual(await run(21_000, bytes), stream);
  });

  it('createMqttFrameGuard fails on a packet that declares more than the limit', async () => {
    const packet = publish(5_000);
    // Only the fixed header: the guard refuses before the body arrives.
    await assert.rejects(run(4_000, [packet.subarray(0, 3)]), (error: unknown) => {
      assert.ok(error instanceof MqttPacketTooLarge);
      assert.ok(error.declaredBytes > 4_000);
      return true;
    });
    await assert.rejects(run(4_000, [publish(10), packet]), MqttPacketTooLarge);
  });

  it('createMqttFrameGuard holds a PUBLISH and what follows until its permit, and pushes back on the writer', async () => {
    const permits: Array<() => void> = [];
    let free = 2;
    const guard = createMqttFrameGuard(21_000, () => {
      if (free > 0) return void free--;
      return new Promise<void>((resolve) => permits.push(resolve));
    });
    const out: Buffer[] = [];
    guard.on('data', (chunk: Buffer) => out.push(chunk));
    const stream = Buffer.concat([PINGREQ, publish(10), publish(10), publish(10), PINGREQ]);
    guard.write(stream);
    const passed = () => Buffer.concat(out).length;
    const firstTwo = PINGREQ.length + 2 * publish(10).length;
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(passed(), firstTwo, 'the third PUBLISH waits for its permit');
    // What comes next stays in the guard's write buffer: write() tells the writer to stop.
    let accepted = true;
    for (let i = 0; i < 100 && accepted; i++) accepted = guard.write(publish(1_000));
    assert.equal(accepted, false);
    assert.equal(passed(), firstTwo);
    assert.equal(permits.length, 1);

    free = Infinity;
    permits[0]?.();
    await new Promise((resolve) => guard.once('drain', resolve));
    assert.ok(passed() > stream.length);
    assert.deepEqual(Buffer.concat(out).subarray(0, stream.length), stream);
  });

  it('createMqttFrameGuard fails on a remaining length longer than four bytes', async () => {
    await assert.rejects(
      run(1_000, [Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])]),
      /Malformed MQTT remaining length/,
    );
  });
});
