import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistoryStore, RetentionRule } from './ports/history-store.port.js';
import { createHistoryRetention, parseRetentionPolicy } from './temporal-retention.js';

describe('parseRetentionPolicy', () => {
  it('parseRetentionPolicy reads rules, expanding attribute names with the core @context', () => {
    const [rule] = parseRetentionPolicy([
      {
        tenant: 'valencia',
        attrs: ['speed', 'location', 'https://example.org/x'],
        maxAge: 'P90D',
        downsample: { after: 'P7D', period: 'PT1H' },
      },
    ]);
    assert.equal(rule?.tenant, 'valencia');
    assert.deepEqual(rule?.attrs, [
      'https://uri.etsi.org/ngsi-ld/default-context/speed',
      'https://uri.etsi.org/ngsi-ld/location',
      'https://example.org/x',
    ]);
    assert.equal(rule?.maxAge?.fixedMs, 90 * 86_400_000);
    assert.equal(rule?.downsample?.period.fixedMs, 3_600_000);
    assert.deepEqual(parseRetentionPolicy(undefined), []);
  });

  it('parseRetentionPolicy lists every problem', () => {
    assert.throws(() => parseRetentionPolicy({}), /array/);
    assert.throws(
      () =>
        parseRetentionPolicy([
          { tenant: 3, maxAge: 'P0D' },
          { attrs: [], downsample: { after: 'P1D', period: 'P1M' } },
          { keep: true },
          'x',
        ]),
      (error: Error) =>
        [
          /rule 1: tenant/,
          /rule 1: maxAge must not be zero/,
          /rule 2: attrs/,
          /rule 2: downsample.period must not use years or months/,
          /rule 3: unknown member 'keep'/,
          /rule 3: give maxAge/,
          /rule 4 must be an object/,
        ].every((pattern) => pattern.test(error.message)),
    );
  });
});

describe('createHistoryRetention', () => {
  function recordingStore(calls: Array<{ rules: readonly RetentionRule[]; now: Date }>) {
    return {
      async applyRetention(rules: readonly RetentionRule[], now: Date) {
        calls.push({ rules, now });
        return { deleted: 1, downsampled: 0, inserted: 0 };
      },
    } as unknown as HistoryStore;
  }
  const log = { info: () => undefined, warn: () => undefined };

  it('runOnce applies the rules at the injected clock’s time', async () => {
    const calls: Array<{ rules: readonly RetentionRule[]; now: Date }> = [];
    const rules = parseRetentionPolicy([{ maxAge: 'P1D' }]);
    const now = new Date('2030-05-01T00:00:00Z');
    const job = createHistoryRetention({
      history: recordingStore(calls),
      rules,
      clock: () => now,
      intervalMs: 60_000,
      log,
    });
    assert.deepEqual(await job.runOnce(), { deleted: 1, downsampled: 0, inserted: 0 });
    assert.deepEqual(calls, [{ rules, now }]);
  });

  it('start runs the rules every interval and stop ends it; no rules, no timer', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const calls: Array<{ rules: readonly RetentionRule[]; now: Date }> = [];
    const job = createHistoryRetention({
      history: recordingStore(calls),
      rules: parseRetentionPolicy([{ maxAge: 'P1D' }]),
      clock: () => new Date('2030-05-01T00:00:00Z'),
      intervalMs: 1_000,
      log,
    });
    job.start();
    t.mock.timers.tick(1_000);
    // Let the first run finish (runs never overlap).
    await new Promise((resolve) => setImmediate(resolve));
    t.mock.timers.tick(1_000);
    await job.stop();
    t.mock.timers.tick(5_000);
    assert.equal(calls.length, 2);
    const idle = createHistoryRetention({
      history: recordingStore(calls),
      rules: [],
      clock: () => new Date(),
      intervalMs: 1_000,
      log,
    });
    idle.start();
    t.mock.timers.tick(5_000);
    assert.equal(calls.length, 2);
  });
});
