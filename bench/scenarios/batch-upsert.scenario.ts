/**
 * POST /entityOperations/upsert (NGSI-LD 6.15.3.1) of 1,000 entities, one batch at a time:
 * the batches that loaded the data set (creations) and timed runs replacing stored ones.
 */
import type { Adapter } from '../bench-options.js';
import { BATCH_SIZE, upsertStreetlights } from '../ngsi-client.js';
import { note } from '../progress.js';
import type { BatchUpsertReport } from '../report.js';
import { percentiles } from '../stats.js';
import { maxBatchUpsertMs } from '../targets.js';

export async function benchBatchUpsert(
  adapter: Adapter,
  url: string,
  options: { loadDurationsMs: number[]; storedEntities: number; runs: number },
): Promise<BatchUpsertReport> {
  note(`${adapter} batch-upsert: ${options.runs} runs replacing ${BATCH_SIZE} stored entities`);
  const batches = Math.max(1, Math.floor(options.storedEntities / BATCH_SIZE));
  const replaceMs: number[] = [];
  for (let run = 0; run < options.runs; run++) {
    const from = (run % batches) * BATCH_SIZE;
    replaceMs.push(await upsertStreetlights(url, from, BATCH_SIZE));
  }
  const create = percentiles(options.loadDurationsMs);
  const replace = percentiles(replaceMs);
  const targetMaxMedianMs = maxBatchUpsertMs(adapter);
  const report: BatchUpsertReport = {
    adapter,
    entitiesPerBatch: BATCH_SIZE,
    create: { runs: options.loadDurationsMs.length, medianMs: create.p50, p95Ms: create.p95 },
    replace: { runs: replaceMs.length, medianMs: replace.p50, p95Ms: replace.p95 },
    targetMaxMedianMs,
    met: create.p50 <= targetMaxMedianMs && replace.p50 <= targetMaxMedianMs,
  };
  note(
    `${adapter} batch-upsert: create median ${create.p50} ms (p95 ${create.p95}), ` +
      `replace median ${replace.p50} ms (p95 ${replace.p95})`,
  );
  return report;
}
