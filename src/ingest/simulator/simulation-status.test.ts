import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { formatStatus, startStatusLine } from './simulation-status.js';
import type { SimulationStats } from './simulation.js';

const stats: SimulationStats = {
  devices: 10_000,
  rate: 20_000,
  sent: 400_000,
  acked: 399_500,
  failed: 0,
  inFlight: 500,
  behind: 0,
  elapsedSec: 20,
  failures: {},
};

describe('simulation status', () => {
  it('formatStatus shows the rate since the previous line', () => {
    assert.equal(
      formatStatus(stats, { sent: 380_000, elapsedSec: 19 }),
      'simulate 20 s: 10,000 devices, 20,000 msg/s (target 20,000), sent 400,000, acked 399,500, in flight 500',
    );
  });

  it('formatStatus shows failures and a platform falling behind', () => {
    assert.match(
      formatStatus({ ...stats, failed: 12, behind: 3_000 }),
      /failed 12, in flight 500, behind 3,000$/,
    );
  });

  it('startStatusLine rewrites one line on a terminal and ends it on stop', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    let written = '';
    const stream = Object.assign(
      new Writable({ write: (chunk, _enc, done) => ((written += String(chunk)), done()) }),
      { isTTY: true },
    );
    const line = startStatusLine(stream, () => stats);
    t.mock.timers.tick(2_000);
    line.stop();
    assert.equal(written.split('\r\x1b[2K').length, 3);
    assert.ok(written.endsWith('\n'));
  });
});
