/** Sends sample queries before a query load: they must succeed and find entities. */
import { probe } from '../ngsi-client.js';
import { round2 } from '../stats.js';

const SAMPLES = 100;
/** A slow server gets fewer samples rather than minutes of them. */
const MAX_SAMPLING_MS = 10_000;

/** Mean number of entities per answer; fails when the queries find nothing. */
export async function averageResults(url: string, nextPath: () => string): Promise<number> {
  const started = Date.now();
  let total = 0;
  let samples = 0;
  while (samples < SAMPLES && (samples === 0 || Date.now() - started < MAX_SAMPLING_MS)) {
    const path = nextPath();
    const body = await probe(url, path, { expect: 200 });
    if (!Array.isArray(body)) throw new Error(`GET ${path} did not answer an array`);
    total += body.length;
    samples += 1;
  }
  const average = round2(total / samples);
  if (average === 0) throw new Error(`sample queries like ${nextPath()} found no entity`);
  return average;
}
