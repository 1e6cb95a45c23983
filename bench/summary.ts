/** A human-readable table of the report on stderr, after the JSON. */
import type { BenchReport } from './report.js';

export function printSummary(report: BenchReport): void {
  const lines: string[] = [
    '',
    'scenario            adapter   req/s  ×base   p50 ms   p95 ms   p99 ms  target',
  ];
  if (report.baseline) {
    for (const [name, load] of [
      ['baseline GET', report.baseline.get],
      ['baseline POST', report.baseline.post],
    ] as const) {
      lines.push(row(name, '-', load.requestsPerSec, 1, load.latencyMs, ''));
    }
  }
  for (const r of report.results) {
    const target =
      `≥${r.target.minRequestsPerSec}` +
      (r.target.maxP95Ms === undefined ? '' : `, p95<${r.target.maxP95Ms}`) +
      (r.met ? ' met' : ' MISSED');
    lines.push(row(r.scenario, r.adapter, r.requestsPerSec, r.baselineRatio, r.latencyMs, target));
    const at = r.atTargetRate;
    if (at)
      lines.push(
        row(`  at ${at.rate} req/s`, r.adapter, at.requestsPerSec, Number.NaN, at.latencyMs, ''),
      );
  }
  for (const b of report.batchUpsert) {
    lines.push(
      `batch upsert 1,000  ${b.adapter.padEnd(8)} create median ${b.create.medianMs} ms (p95 ${b.create.p95Ms}), ` +
        `replace median ${b.replace.medianMs} ms (p95 ${b.replace.p95Ms}); ≤${b.targetMaxMedianMs} ${b.met ? 'met' : 'MISSED'}`,
    );
  }
  for (const m of report.rss) {
    lines.push(
      `server RSS          ${m.adapter.padEnd(8)} ${m.afterLoadMiB} MiB after loading ${m.entities}, ` +
        `${m.afterQueriesMiB ?? '-'} MiB after queries; <${m.targetMaxMiB} ${m.met ? 'met' : 'MISSED'}`,
    );
  }
  process.stderr.write(`${lines.join('\n')}\n`);
}

function row(
  name: string,
  adapter: string,
  rps: number,
  ratio: number,
  latency: { p50: number; p95: number; p99: number },
  target: string,
): string {
  return [
    name.padEnd(19),
    adapter.padEnd(8),
    String(rps).padStart(6),
    ratio.toFixed(2).padStart(6),
    String(latency.p50).padStart(8),
    String(latency.p95).padStart(8),
    String(latency.p99).padStart(8),
    ` ${target}`,
  ].join(' ');
}
