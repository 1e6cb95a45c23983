/**
 * Shared set-up of the importer end-to-end tests: a real Civis app (SQLite in memory)
 * listening on 127.0.0.1, and helpers that read back what an import wrote.
 */
import { fileURLToPath } from 'node:url';
import { DEFAULT_CLIENT, type ImportRequest } from '../../src/ingest/importers/import-file.js';
import { createTestApp, linkTo, NGSI, type TestApp } from '../support/test-app.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/import/', import.meta.url));

export interface ListeningCivis {
  url: string;
  test: TestApp;
  /** Entities of `type` in `tenant`, counted by Civis (NGSILD-Results-Count). */
  count(type: string, options?: { tenant?: string; context?: string }): Promise<number>;
  entity(
    id: string,
    options?: { tenant?: string; context?: string },
  ): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startListeningCivis(): Promise<ListeningCivis> {
  const test = await createTestApp();
  const url = await test.app.listen({ port: 0, host: '127.0.0.1' });
  const headers = (options: { tenant?: string; context?: string } = {}) => ({
    ...(options.tenant ? { 'ngsild-tenant': options.tenant } : {}),
    ...(options.context ? linkTo(options.context) : {}),
  });
  return {
    url,
    test,
    async count(type, options) {
      const response = await test.request({
        method: 'GET',
        url: `${NGSI}/entities?type=${encodeURIComponent(type)}&count=true&limit=0`,
        headers: headers(options),
      });
      if (response.statusCode === 404) return 0;
      return Number(response.headers['ngsild-results-count']);
    },
    async entity(id, options) {
      const response = await test.request({
        method: 'GET',
        url: `${NGSI}/entities/${encodeURIComponent(id)}`,
        headers: headers(options),
      });
      if (response.statusCode !== 200)
        throw new Error(`GET ${id}: ${response.statusCode} ${response.body}`);
      return response.json();
    },
    close: () => test.close(),
  };
}

/** An import request with the CLI's defaults and quick retries. */
export function importRequest(
  url: string,
  overrides: Partial<ImportRequest> & Pick<ImportRequest, 'format' | 'path'>,
): ImportRequest {
  return {
    url,
    batchSize: 500,
    encoding: 'utf-8',
    maxRecordBytes: 1 << 20,
    maxFileBytes: 1 << 20,
    dryRun: false,
    client: { ...DEFAULT_CLIENT, retryDelayMs: 10, maxRetries: 2 },
    ...overrides,
  };
}
