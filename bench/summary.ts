/** A human-readable table of the report on stderr, after the JSON. */
import type { BenchReport } from './report.js';
import { cpuNote } from './scenarios/ingest.scenario.js';

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
  for (const n of report.notifyLatency) {
    lines.push(
      `notify latency      ${n.adapter.padEnd(8)} ${n.updatesPerSec} updates/s, ${n.notificationsReceived}/${n.updatesSent} notified, ` +
        `p50 ${n.latencyMs.p50} ms, p99 ${n.latencyMs.p99} ms; p50<${n.target.maxP50Ms}, p99<${n.target.maxP99Ms} ${n.met ? 'met' : 'MISSED'}`,
    );
  }
  for (const s of report.subscriptionScaling) {
    lines.push(
      `10,000 subscriptions ${s.adapter.padEnd(7)} ${s.withoutSubscriptionsPerSec} -> ${s.withSubscriptionsPerSec} updates/s (×${s.ratio}), ` +
        `${s.notificationsReceived} notifications; ≥×${s.target.minRatio} ${s.met ? 'met' : 'MISSED'}`,
    );
  }
  for (const h of report.history) {
    lines.push(
      `history append      ${h.adapter.padEnd(8)} ${h.append.instancesPerSec} instances/s; ≥${h.append.target} ${h.append.met ? 'met' : 'MISSED'}`,
      `history lastN=100   ${h.adapter.padEnd(8)} p95 ${h.lastN.latencyMs.p95} ms; <${h.lastN.target.maxP95Ms} ${h.lastN.met ? 'met' : 'MISSED'}`,
      `hourly avg of ${h.instances.toLocaleString('en')} ${h.adapter.padEnd(8)} median ${h.aggregateHourlyAvg.medianMs} ms (${h.aggregateHourlyAvg.periods} periods); <${h.aggregateHourlyAvg.target.maxMs} ${h.aggregateHourlyAvg.met ? 'met' : 'MISSED'}`,
    );
  }
  for (const [label, baseline] of [
    ['ingest baseline     aedes    ', report.ingestBaseline],
    ['ingest-ext baseline mosquitto', report.ingestExternalBaseline],
  ] as const)
    if (baseline)
      lines.push(
        `${label} ${baseline.run.publishedPerSec} msg/s published (target ${baseline.run.targetRate}), ` +
          `ack p50 ${baseline.run.ackLatencyMs.p50} ms, p99 ${baseline.run.ackLatencyMs.p99} ms; ${cpuNote(baseline.run.cpu)}`,
      );
  for (const i of [...report.ingest, ...report.ingestExternal]) {
    const name = i.broker === 'mosquitto' ? 'ingest Mosquitto    ' : 'ingest MQTT         ';
    lines.push(
      `${name}${i.adapter.padEnd(8)} ${i.run.publishedPerSec} msg/s published, ${i.written.perSec}/s written, ` +
        `lost ${i.lost}, visible p50 ${i.visibleLatencyMs.p50} ms, p99 ${i.visibleLatencyMs.p99} ms, ` +
        `RSS ${i.rss.firstMiB} → ${i.rss.lastMiB} MiB; ${cpuNote(i.run.cpu)}; ≥${i.target.minWrittenPerSec}/s, p99<${i.target.maxVisibleP99Ms} ${i.met ? 'met' : 'MISSED'}`,
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
