/** POST /entities (NGSI-LD 6.4.3.1), every request a new entity id. */
import { streetlight } from '../../test/support/sample-entities.js';
import { API, JSON_HEADERS, probe } from '../ngsi-client.js';
import type { ScenarioResult } from '../report.js';
import { runLoadScenario, type ScenarioContext } from './scenario-result.js';

/** `firstId`: the lowest streetlight number not yet stored. */
export async function benchCreate(
  context: ScenarioContext,
  firstId: number,
): Promise<ScenarioResult> {
  let n = firstId;
  const next = () => ({ path: `${API}/entities`, body: JSON.stringify(streetlight(n++)) });
  const first = next();
  await probe(context.url, first.path, { method: 'POST', body: first.body, expect: 201 });
  return runLoadScenario(context, 'create', { method: 'POST', headers: JSON_HEADERS, next });
}
