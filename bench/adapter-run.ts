/**
 * Benchmarks one storage adapter in two phases, each on a fresh server and empty store:
 * 1. writes and reads by id: seed entities, then retrieve, partial-update, create;
 * 2. the query data set: load it in batches (timed), read the server's memory, run the
 *    query scenarios, read the memory again, then time batch upserts.
 */
import type { Adapter, BenchOptions, ScenarioName } from './bench-options.js';
import { benchChanges, type ChangeReport } from './change-run.js';
import { loadStreetlights } from './ngsi-client.js';
import { loadProgress, note } from './progress.js';
import type { BaselineReport, BatchUpsertReport, RssReport, ScenarioResult } from './report.js';
import { startCivisServer, type ServerProcess } from './server-process.js';
import { createStorage } from './storage.js';
import { MAX_RSS_MIB } from './targets.js';
import { benchBatchUpsert } from './scenarios/batch-upsert.scenario.js';
import { benchCreate } from './scenarios/create.scenario.js';
import { benchPartialUpdate } from './scenarios/partial-update.scenario.js';
import { benchQueryGeo } from './scenarios/query-geo.scenario.js';
import { benchQueryQ } from './scenarios/query-q.scenario.js';
import { benchRetrieve } from './scenarios/retrieve.scenario.js';
import type { ScenarioContext } from './scenarios/scenario-result.js';

export interface AdapterReport extends ChangeReport {
  results: ScenarioResult[];
  rss: RssReport | undefined;
  batchUpsert: BatchUpsertReport | undefined;
}

export async function benchAdapter(
  adapter: Adapter,
  options: BenchOptions,
  baseline: BaselineReport | null,
): Promise<AdapterReport> {
  const wanted = (scenario: ScenarioName) =>
    options.only === undefined || options.only.includes(scenario);
  const results: ScenarioResult[] = [];
  const report: AdapterReport = { results, rss: undefined, batchUpsert: undefined };

  if (wanted('retrieve') || wanted('partial-update') || wanted('create')) {
    await withServer(adapter, options, async (server) => {
      const context = scenarioContext(adapter, server, options, baseline);
      const seeded = options.seedEntities;
      await loadStreetlights(server.url, seeded, loadProgress(`${adapter} seeding`, seeded));
      if (wanted('retrieve')) results.push(await benchRetrieve(context, seeded));
      if (wanted('partial-update')) results.push(await benchPartialUpdate(context, seeded));
      if (wanted('create')) results.push(await benchCreate(context, seeded));
    });
  }

  if (wanted('query-q') || wanted('query-geo') || wanted('batch-upsert')) {
    await withServer(adapter, options, async (server) => {
      const context = scenarioContext(adapter, server, options, baseline);
      const stored = options.queryEntities;
      const loadDurationsMs = await loadStreetlights(
        server.url,
        stored,
        loadProgress(`${adapter} loading`, stored),
      );
      const afterLoadMiB = server.rssMiB();
      note(`${adapter} server RSS after loading ${stored} entities: ${afterLoadMiB} MiB`);
      let afterQueriesMiB: number | null = null;
      if (wanted('query-q')) results.push(await benchQueryQ(context));
      if (wanted('query-geo')) results.push(await benchQueryGeo(context, stored));
      if (wanted('query-q') || wanted('query-geo')) {
        afterQueriesMiB = server.rssMiB();
        note(`${adapter} server RSS after the query load: ${afterQueriesMiB} MiB`);
      }
      report.rss = {
        adapter,
        entities: stored,
        afterLoadMiB,
        afterQueriesMiB,
        targetMaxMiB: MAX_RSS_MIB,
        met: Math.max(afterLoadMiB, afterQueriesMiB ?? 0) < MAX_RSS_MIB,
      };
      if (wanted('batch-upsert')) {
        report.batchUpsert = await benchBatchUpsert(adapter, server.url, {
          loadDurationsMs,
          storedEntities: stored,
          runs: options.upsertRuns,
        });
      }
    });
  }

  Object.assign(
    report,
    await benchChanges(adapter, options, (run) => withServer(adapter, options, run)),
  );
  return report;
}

function scenarioContext(
  adapter: Adapter,
  server: ServerProcess,
  options: BenchOptions,
  baseline: BaselineReport | null,
): ScenarioContext {
  const { durationSec, warmupSec, connections } = options;
  return { adapter, url: server.url, settings: { durationSec, warmupSec, connections }, baseline };
}

async function withServer(
  adapter: Adapter,
  options: BenchOptions,
  run: (server: ServerProcess) => Promise<void>,
): Promise<void> {
  const storage = await createStorage(adapter, options.postgresUrl);
  try {
    const server = await startCivisServer(storage.args, { profileDir: options.profileDir });
    note(`${adapter}: Civis (pid ${server.pid}) listening at ${server.url}`);
    try {
      await run(server);
    } finally {
      await server.stop();
    }
  } finally {
    await storage.dispose();
  }
}
