/** The ceiling of the HTTP stack: the minimal Fastify server under the same load. */
import { streetlight } from '../../test/support/sample-entities.js';
import { measureLoad, type LoadSettings } from '../load.js';
import { note } from '../progress.js';
import type { BaselineReport } from '../report.js';
import { startBaselineServer } from '../server-process.js';
import { JSON_HEADERS } from '../ngsi-client.js';
import { summary } from './scenario-result.js';

export async function benchBaseline(settings: LoadSettings): Promise<BaselineReport> {
  const server = await startBaselineServer();
  try {
    note(`baseline GET: measuring ${settings.durationSec} s`);
    const get = await measureLoad(
      server.url,
      { method: 'GET', next: () => ({ path: '/baseline' }) },
      settings,
    );
    note(`baseline GET: ${summary(get)}`);
    // The same body as the create scenario, so that both pay for sending and parsing it.
    let n = 0;
    note(`baseline POST: measuring ${settings.durationSec} s`);
    const post = await measureLoad(
      server.url,
      {
        method: 'POST',
        headers: JSON_HEADERS,
        next: () => ({ path: '/baseline', body: JSON.stringify(streetlight(n++ % 100_000)) }),
      },
      settings,
    );
    note(`baseline POST: ${summary(post)}`);
    return { get, post };
  } finally {
    await server.stop();
  }
}
