/**
 * Sends entities to a running Civis with Batch Entity Upsert, options=update
 * (NGSI-LD 5.6.8): existing entities get the mapped attributes replaced and keep the others,
 * so a re-import updates and never duplicates. Every write goes through the context service
 * (history, subscriptions) like any other client's.
 *
 * 201 lists the ids created, 204 means all updated, 207 reports per-entity errors. A batch
 * is idempotent, so 503/429 (after Retry-After) and dropped connections are retried; 413
 * splits the batch; anything else stops the import with the server's own words.
 */
import { badRequestData, serviceUnavailable } from '../../ngsi-ld/problem-details.js';
import type { EntityUpserter, NormalizedEntity, UpsertOutcome } from './import.types.js';

export interface UpsertClientOptions {
  /** Base URL of Civis, like http://localhost:1026. */
  url: string;
  tenant?: string;
  /** Bearer token for the Authorization header. */
  token?: string;
  timeoutMs: number;
  maxRetries: number;
  /** First back-off when the server gives no Retry-After; doubles per attempt. */
  retryDelayMs: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

const MAX_RETRY_AFTER_MS = 60_000;

export function createUpsertClient(options: UpsertClientOptions): EntityUpserter {
  const endpoint = `${options.url.replace(/\/+$/, '')}/ngsi-ld/v1/entityOperations/upsert?options=update`;
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.tenant) headers['ngsild-tenant'] = options.tenant;
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  let reached = false;

  async function send(entities: NormalizedEntity[], context?: string): Promise<UpsertOutcome> {
    const body = JSON.stringify(entities);
    const requestHeaders: Record<string, string> = { ...headers };
    if (context) {
      requestHeaders['link'] =
        `<${context}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`;
    }
    for (let attempt = 0; ; attempt += 1) {
      let response: Response;
      try {
        response = await doFetch(endpoint, {
          method: 'POST',
          headers: requestHeaders,
          body,
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        // Before the first answer, a refused connection means a wrong --url or a stopped
        // server: say so at once. Later, it is most likely a restart: retry.
        if (!reached || attempt >= options.maxRetries) throw unreachable(options.url, error);
        await sleep(options.retryDelayMs * 2 ** attempt);
        continue;
      }
      reached = true;
      const status = response.status;
      if (status === 503 || status === 429) {
        await response.body?.cancel();
        if (attempt >= options.maxRetries) {
          throw serviceUnavailable(
            `Civis is still busy (HTTP ${status}) after ${options.maxRetries} retries; try again later`,
          );
        }
        await sleep(retryAfterMs(response, options.retryDelayMs * 2 ** attempt));
        continue;
      }
      return readOutcome(response, entities);
    }
  }

  async function upsert(entities: NormalizedEntity[], context?: string): Promise<UpsertOutcome> {
    const outcome = await send(entities, context);
    if (outcome !== TOO_LARGE) return outcome;
    if (entities.length === 1) {
      const only = entities[0] as NormalizedEntity;
      const reason = 'the entity is larger than the server accepts in one request (413)';
      return { succeeded: 0, created: [], errors: [{ entityId: only.id, reason }] };
    }
    const half = Math.ceil(entities.length / 2);
    return mergeOutcomes(
      await upsert(entities.slice(0, half), context),
      await upsert(entities.slice(half), context),
    );
  }

  return { upsert };
}

const TOO_LARGE: UpsertOutcome = { succeeded: 0, created: [], errors: [] };

async function readOutcome(
  response: Response,
  entities: NormalizedEntity[],
): Promise<UpsertOutcome> {
  const status = response.status;
  if (status === 204) {
    await response.body?.cancel();
    return { succeeded: entities.length, created: [], errors: [] };
  }
  if (status === 413) {
    await response.body?.cancel();
    return TOO_LARGE;
  }
  const body = await readJson(response);
  if (status === 201 && Array.isArray(body)) {
    return {
      succeeded: entities.length,
      created: body.filter((id) => typeof id === 'string'),
      errors: [],
    };
  }
  if (status === 207 && isRecord(body)) {
    const success = Array.isArray(body['success']) ? body['success'] : [];
    const errors = Array.isArray(body['errors']) ? body['errors'] : [];
    return {
      succeeded: success.length,
      created: undefined,
      errors: errors.map((item: unknown) => {
        const record = isRecord(item) ? item : {};
        const error = isRecord(record['error']) ? record['error'] : {};
        return {
          entityId: typeof record['entityId'] === 'string' ? record['entityId'] : '',
          reason: problemText(error, 'refused by the server'),
        };
      }),
    };
  }
  const problem = isRecord(body) ? problemText(body, '') : '';
  const message = `Civis refused the batch (HTTP ${status})${problem ? `: ${problem}` : ''}`;
  throw badRequestData(message);
}

function mergeOutcomes(a: UpsertOutcome, b: UpsertOutcome): UpsertOutcome {
  return {
    succeeded: a.succeeded + b.succeeded,
    created: a.created && b.created ? [...a.created, ...b.created] : undefined,
    errors: [...a.errors, ...b.errors],
  };
}

/** Retry-After in seconds or as an HTTP date (RFC 9110 10.2.3), capped at a minute. */
export function retryAfterMs(response: Response, fallbackMs: number): number {
  const header = response.headers.get('retry-after');
  if (header === null) return fallbackMs;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : fallbackMs;
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

function problemText(problem: Record<string, unknown>, fallback: string): string {
  const detail = problem['detail'];
  const title = problem['title'];
  if (typeof detail === 'string' && detail !== '') return detail;
  return typeof title === 'string' && title !== '' ? title : fallback;
}

function unreachable(url: string, error: unknown) {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason =
    (error as Error).name === 'TimeoutError'
      ? 'no answer in time'
      : (cause?.code ?? cause?.message ?? (error as Error).message);
  return serviceUnavailable(
    `Cannot reach Civis at ${url} (${reason}). Is it running? Set its address with --url`,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
