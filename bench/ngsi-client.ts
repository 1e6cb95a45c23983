/** The few NGSI-LD calls the bench makes outside the measured load (seeding, probes). */
import { performance } from 'node:perf_hooks';
import { streetlight } from '../test/support/sample-entities.js';

export const API = '/ngsi-ld/v1';
export const JSON_HEADERS = { 'content-type': 'application/json' };
export const BATCH_SIZE = 1_000;

export function entityIdOf(n: number): string {
  return `urn:ngsi-ld:Streetlight:${n}`;
}

/** POST /entityOperations/upsert of streetlights [from, from + count); returns its duration in ms. */
export async function upsertStreetlights(
  url: string,
  from: number,
  count: number,
): Promise<number> {
  const body = JSON.stringify(Array.from({ length: count }, (_, i) => streetlight(from + i)));
  const started = performance.now();
  const response = await fetch(`${url}${API}/entityOperations/upsert`, {
    method: 'POST',
    headers: JSON_HEADERS,
    body,
  });
  const text = await response.text();
  const ms = performance.now() - started;
  // 201: some were created; 204: all existed and were updated (NGSI-LD 6.15.3.1).
  if (response.status !== 201 && response.status !== 204) {
    throw new Error(`upsert answered ${response.status}: ${text.slice(0, 500)}`);
  }
  return ms;
}

/** Stores streetlights 0 … count-1 in batches of 1,000; returns each batch's duration in ms. */
export async function loadStreetlights(
  url: string,
  count: number,
  onProgress: (done: number) => void,
): Promise<number[]> {
  const durations: number[] = [];
  for (let from = 0; from < count; from += BATCH_SIZE) {
    durations.push(await upsertStreetlights(url, from, Math.min(BATCH_SIZE, count - from)));
    onProgress(Math.min(count, from + BATCH_SIZE));
  }
  return durations;
}

/** Sends one request and fails with the server's answer unless the status is the expected one. */
export async function probe(
  url: string,
  path: string,
  init: { method?: string; body?: string; expect: number },
): Promise<unknown> {
  const response = await fetch(`${url}${path}`, {
    method: init.method ?? 'GET',
    headers: init.body === undefined ? {} : JSON_HEADERS,
    body: init.body,
  });
  const text = await response.text();
  if (response.status !== init.expect) {
    throw new Error(
      `${init.method ?? 'GET'} ${path} answered ${response.status} (expected ${init.expect}): ${text.slice(0, 500)}`,
    );
  }
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}
