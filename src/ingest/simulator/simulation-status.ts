/**
 * The progress line of `civis simulate` on stderr: rewritten in place every second on a
 * terminal, one line every ten seconds otherwise (logs, CI).
 */
import type { SimulationStats } from './simulation.js';

const n = (x: number) => Math.round(x).toLocaleString('en');

/** One status line; the rate is measured since `previous` when given. */
export function formatStatus(
  stats: SimulationStats,
  previous?: { sent: number; elapsedSec: number },
): string {
  const span = previous ? stats.elapsedSec - previous.elapsedSec : stats.elapsedSec;
  const rate = span > 0 ? (stats.sent - (previous?.sent ?? 0)) / span : 0;
  const failed = stats.failed > 0 ? `, failed ${n(stats.failed)}` : '';
  const behind = stats.behind > 0 ? `, behind ${n(stats.behind)}` : '';
  return (
    `simulate ${stats.elapsedSec.toFixed(0)} s: ${n(stats.devices)} devices, ${n(rate)} msg/s ` +
    `(target ${n(stats.rate)}), sent ${n(stats.sent)}, acked ${n(stats.acked)}${failed}, ` +
    `in flight ${n(stats.inFlight)}${behind}`
  );
}

export function startStatusLine(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  read: () => SimulationStats,
): { stop(): void } {
  const tty = stream.isTTY === true;
  let previous: { sent: number; elapsedSec: number } | undefined;
  const timer = setInterval(
    () => {
      const stats = read();
      const line = formatStatus(stats, previous);
      previous = { sent: stats.sent, elapsedSec: stats.elapsedSec };
      stream.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
    },
    tty ? 1_000 : 10_000,
  );
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      if (tty) stream.write('\n');
    },
  };
}
