/**
 * GET /entities?type=Streetlight&q=… (NGSI-LD 6.4.3.2, q language 4.9) over the loaded
 * data set, 20 results a page, values varying from request to request.
 */
import { API } from '../ngsi-client.js';
import type { ScenarioResult } from '../report.js';
import { averageResults } from './query-sample.js';
import { runLoadScenario, type ScenarioContext } from './scenario-result.js';

export async function benchQueryQ(context: ScenarioContext): Promise<ScenarioResult> {
  // streetlight(n): lanternHeight 8–12, status "ok" or "defective".
  const nextPath = () => {
    const height = 8 + Math.floor(Math.random() * 5);
    const status = Math.random() < 0.8 ? 'ok' : 'defective';
    const q = encodeURIComponent(`lanternHeight==${height};status=="${status}"`);
    return `${API}/entities?type=Streetlight&q=${q}&limit=20`;
  };
  const average = await averageResults(context.url, nextPath);
  return runLoadScenario(
    context,
    'query-q',
    { method: 'GET', next: () => ({ path: nextPath() }) },
    { averageResults: average },
  );
}
