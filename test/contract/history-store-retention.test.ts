/**
 * The retention job end to end on SQLite: rules from the configuration (environment), an
 * injected clock, a real history store.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSqliteStores } from '../../src/adapters/sqlite/sqlite-stores.js';
import { createHistoryRetention } from '../../src/context/temporal-retention.js';
import { ConfigError, loadConfig } from '../../src/platform/config/config.loader.js';
import { createHistory, readOptions, speedAt } from './history-store.fixtures.js';

const SPEED = 'https://uri.etsi.org/ngsi-ld/default-context/speed';

describe('history retention job', () => {
  it('applies the configured rules at the time of the injected clock', async () => {
    const config = loadConfig({
      env: {
        CIVIS_TEMPORAL_RETENTION: JSON.stringify([{ tenant: '', attrs: ['speed'], maxAge: 'P7D' }]),
      },
    });
    const stores = createSqliteStores({ path: ':memory:' });
    try {
      await createHistory(stores.historyStore, 'urn:a:1', {
        [SPEED]: [speedAt(0, 1), { ...speedAt(0, 2), observedAt: '2018-08-06T00:00:00.000Z' }],
      });
      let now = new Date('2018-08-10T00:00:00Z');
      const job = createHistoryRetention({
        history: stores.historyStore,
        rules: config.temporalRetention,
        clock: () => now,
        intervalMs: config.temporalRetentionIntervalMs,
        log: { info: () => undefined, warn: () => undefined },
      });
      assert.equal((await job.runOnce()).deleted, 1);
      now = new Date('2018-08-20T00:00:00Z');
      assert.equal((await job.runOnce()).deleted, 1);
      const history = await stores.historyStore.retrieveHistory('', 'urn:a:1', readOptions());
      assert.deepEqual(history?.attrs, {});
    } finally {
      await stores.close();
    }
  });

  it('the configuration refuses invalid rules with a readable message', () => {
    for (const value of ['not json', '[{"maxAge":"7 days"}]', '{"maxAge":"P1D"}']) {
      assert.throws(
        () => loadConfig({ env: { CIVIS_TEMPORAL_RETENTION: value } }),
        (error: unknown) =>
          error instanceof ConfigError &&
          /CIVIS_TEMPORAL_RETENTION: temporalRetention/.test(error.message),
      );
    }
  });
});
