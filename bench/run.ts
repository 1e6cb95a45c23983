/**
 * `npm run bench`: builds Civis, measures the baseline HTTP server, then each storage
 * adapter, and prints one JSON report on stdout (progress and a summary on stderr).
 * Exits 1 when a request failed or answered non-2xx: such figures are not valid.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchAdapter } from './adapter-run.js';
import {
  INGEST_SCENARIOS,
  parseBenchOptions,
  USAGE,
  UsageError,
  type BenchOptions,
} from './bench-options.js';
import { note } from './progress.js';
import { benchIngestAll } from './ingest-run.js';
import { describeMachine, type BenchReport } from './report.js';
import { benchBaseline } from './scenarios/baseline.scenario.js';
import { printSummary } from './summary.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message ? `${error.message}\n` : ''}${USAGE}\n`);
    return 2;
  }
  const machine = describeMachine();
  if (!options.skipBuild) build();
  const settings = {
    durationSec: options.durationSec,
    warmupSec: options.warmupSec,
    connections: options.connections,
  };
  const report: BenchReport = {
    machine,
    date: new Date().toISOString(),
    settings: {
      ...settings,
      pipelining: 1,
      queryEntities: options.queryEntities,
      seedEntities: options.seedEntities,
      quick: options.quick,
    },
    // The HTTP baseline serves the HTTP scenarios; the ingest run has a baseline of its own.
    baseline:
      options.only === undefined ||
      options.only.some((s) => !(INGEST_SCENARIOS as readonly string[]).includes(s))
        ? await benchBaseline(settings)
        : null,
    results: [],
    rss: [],
    batchUpsert: [],
    notifyLatency: [],
    subscriptionScaling: [],
    history: [],
    ingest: [],
    ingestBaseline: null,
    ingestExternal: [],
    ingestExternalBaseline: null,
    valid: true,
    problems: [],
  };
  for (const adapter of options.adapters) {
    const adapterReport = await benchAdapter(adapter, options, report.baseline);
    report.results.push(...adapterReport.results);
    if (adapterReport.rss) report.rss.push(adapterReport.rss);
    if (adapterReport.batchUpsert) report.batchUpsert.push(adapterReport.batchUpsert);
    if (adapterReport.notifyLatency) report.notifyLatency.push(adapterReport.notifyLatency);
    if (adapterReport.subscriptionScaling)
      report.subscriptionScaling.push(adapterReport.subscriptionScaling);
    if (adapterReport.history) report.history.push(adapterReport.history);
  }
  const ingestScenarios = {
    embedded: options.only === undefined || options.only.includes('ingest'),
    external: options.only === undefined || options.only.includes('ingest-external'),
  };
  if (ingestScenarios.embedded || ingestScenarios.external) {
    const ingest = await benchIngestAll(options, ingestScenarios);
    report.ingestBaseline = ingest.baseline;
    report.ingest = ingest.results;
    report.ingestExternalBaseline = ingest.externalBaseline;
    report.ingestExternal = ingest.external;
  }
  report.problems = findProblems(report);
  report.valid = report.problems.length === 0;
  const json = `${JSON.stringify(report, null, 2)}\n`;
  process.stdout.write(json);
  if (options.output !== undefined) writeFileSync(options.output, json);
  printSummary(report);
  for (const problem of report.problems) process.stderr.write(`INVALID RUN: ${problem}\n`);
  return report.valid ? 0 : 1;
}

function build(): void {
  note('npm run build');
  // The build's output goes to stderr: stdout carries only the report.
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (result.status !== 0)
    throw new Error('npm run build failed (see above); --skip-build uses dist/ as it is');
}

function findProblems(report: BenchReport): string[] {
  const problems: string[] = [];
  const rows = [
    ...(report.baseline
      ? [
          { name: 'baseline GET', ...report.baseline.get },
          { name: 'baseline POST', ...report.baseline.post },
        ]
      : []),
    ...report.results.map((r) => ({ name: `${r.adapter} ${r.scenario}`, ...r })),
  ];
  for (const row of rows) {
    if (row.errors > 0 || row.non2xx > 0) {
      problems.push(`${row.name}: ${row.errors} errors, ${row.non2xx} non-2xx responses`);
    }
  }
  const ingestRuns = [
    ...(report.ingestBaseline ? [{ name: 'ingest baseline', run: report.ingestBaseline.run }] : []),
    ...report.ingest.map((r) => ({ name: `${r.adapter} ingest`, run: r.run })),
    ...(report.ingestExternalBaseline
      ? [{ name: 'ingest-external baseline', run: report.ingestExternalBaseline.run }]
      : []),
    ...report.ingestExternal.map((r) => ({ name: `${r.adapter} ingest-external`, run: r.run })),
  ];
  for (const { name, run } of ingestRuns) {
    if (run.failed > 0)
      problems.push(`${name}: ${run.failed} messages failed ${JSON.stringify(run.failures)}`);
  }
  return problems;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
