import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Rejection } from '../ingest.types.js';
import type { RejectionStore } from '../ports/rejection-store.port.js';
import { createInMemoryRejectionStore } from './in-memory-rejection.store.js';
import { createRejectionRecorder, excerptPayload } from './rejection.recorder.js';

function setup(store: RejectionStore = createInMemoryRejectionStore(100), maxBuffered?: number) {
  let now = Date.parse('2024-05-01T00:00:00Z');
  const lines: Array<Record<string, unknown>> = [];
  const adds: Rejection[][] = [];
  const recorder = createRejectionRecorder({
    store: {
      ...store,
      add: async (rows) => {
        adds.push(rows);
        await store.add(rows);
      },
    },
    clock: () => new Date(now),
    log: { warn: (fields: unknown) => void lines.push(fields as Record<string, unknown>) },
    flushDelayMs: 5,
    ...(maxBuffered === undefined ? {} : { maxBuffered }),
  });
  return { recorder, lines, adds, tick: (ms: number) => void (now += ms) };
}

const bad = { reason: 'malformed-payload', transport: 'http', detail: 'broken' } as const;

describe('RejectionRecorder', () => {
  it('record counts per reason', () => {
    const { recorder } = setup();
    recorder.record(bad);
    recorder.record(bad);
    recorder.record({ ...bad, reason: 'unknown-device' });
    const counts = recorder.counts();
    assert.equal(counts['malformed-payload'], 2);
    assert.equal(counts['unknown-device'], 1);
    assert.equal(counts.saturated, 0);
  });

  it('record logs at most one line per reason per second, with the number suppressed', () => {
    const { recorder, lines, tick } = setup();
    for (let i = 0; i < 5; i++) recorder.record(bad);
    recorder.record({ ...bad, reason: 'oversized' });
    assert.equal(lines.length, 2);
    tick(1000);
    recorder.record(bad);
    assert.equal(lines.length, 3);
    assert.equal(lines[2]?.['suppressed'], 4);
    assert.equal(lines[2]?.['reason'], 'malformed-payload');
  });

  it('record stores a burst in one batch write in the background', async () => {
    const { recorder, adds } = setup();
    for (let i = 0; i < 50; i++) recorder.record({ ...bad, deviceId: `d${i}` });
    assert.equal(adds.length, 0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(adds.length, 1);
    assert.equal(adds[0]?.length, 50);
    assert.equal(adds[0]?.[0]?.at, '2024-05-01T00:00:00.000Z');
  });

  it('record keeps the newest when more wait than the buffer holds', async () => {
    const { recorder } = setup(undefined, 10);
    for (let i = 0; i < 25; i++) recorder.record({ ...bad, deviceId: `d${i}` });
    await recorder.flush();
    const { rejections, count } = await recorder.store.list({ tenant: '', limit: 100, offset: 0 });
    assert.equal(count, 10);
    assert.equal(rejections[0]?.deviceId, 'd24');
    assert.equal(rejections[9]?.deviceId, 'd15');
  });

  it('record bounds and cleans what it stores: NUL, long details, 1 KiB excerpts', async () => {
    const { recorder } = setup();
    recorder.record({
      ...bad,
      tenant: 'city',
      deviceId: 'dev\u0000ice',
      detail: 'x'.repeat(5000),
      payloadExcerpt: 'é'.repeat(4000),
    });
    await recorder.flush();
    const [stored] = (await recorder.store.list({ tenant: 'city', limit: 1, offset: 0 }))
      .rejections;
    assert.equal(stored?.deviceId, 'dev\uFFFDice');
    assert.equal(stored?.detail.length, 1024);
    assert.ok(Buffer.byteLength(stored?.payloadExcerpt ?? '') <= 1024 + 3);
  });

  it('a failing store loses the batch, logs once, and never throws into record', async () => {
    const { recorder, lines } = setup({
      add: async () => {
        throw new Error('database down');
      },
      list: async () => ({ rejections: [], count: 0 }),
      countByReason: async () => ({}),
    });
    recorder.record(bad);
    await recorder.flush();
    recorder.record(bad);
    await recorder.flush();
    assert.equal(lines.filter((l) => 'lost' in l).length, 1);
    assert.equal(recorder.counts()['malformed-payload'], 2);
  });

  it('stop writes what is buffered', async () => {
    const { recorder } = setup();
    recorder.record(bad);
    await recorder.stop();
    assert.equal((await recorder.store.list({ tenant: '', limit: 10, offset: 0 })).count, 1);
  });

  it('excerptPayload keeps the first 1 KiB of text or bytes', () => {
    assert.equal(excerptPayload('t|1'), 't|1');
    assert.equal(excerptPayload(Buffer.alloc(5000, 65)).length, 1024);
    assert.equal(excerptPayload('a'.repeat(3000)).length, 1024);
  });

  it('record shortens the apikey (a credential) in the source topic, the detail and the log', async () => {
    const store = createInMemoryRejectionStore(100);
    const { recorder, lines } = setup(store);
    recorder.record({
      reason: 'unknown-device',
      transport: 'mqtt',
      tenant: 'city',
      apikey: 'secretkey42',
      deviceId: 'd1',
      source: '/json/secretkey42/d1/attrs',
      detail: 'No device d1 with apikey secretkey42',
    });
    await recorder.flush();
    const { rejections } = await store.list({ tenant: 'city', limit: 10, offset: 0 });
    assert.equal(rejections[0]?.source, '/json/secr…/d1/attrs');
    assert.equal(rejections[0]?.detail, 'No device d1 with apikey secr…');
    assert.doesNotMatch(JSON.stringify(lines), /secretkey42/);
  });
});
