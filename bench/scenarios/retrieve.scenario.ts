/** GET /entities/{id} (NGSI-LD 6.5.3.1) of random stored entities. */
import { API, entityIdOf, probe } from '../ngsi-client.js';
import type { ScenarioResult } from '../report.js';
import { runLoadScenario, type ScenarioContext } from './scenario-result.js';

export async function benchRetrieve(
  context: ScenarioContext,
  storedEntities: number,
): Promise<ScenarioResult> {
  const path = () => `${API}/entities/${entityIdOf(Math.floor(Math.random() * storedEntities))}`;
  await probe(context.url, path(), { expect: 200 });
  return runLoadScenario(context, 'retrieve', { method: 'GET', next: () => ({ path: path() }) });
}
