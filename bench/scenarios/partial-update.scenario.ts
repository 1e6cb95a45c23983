/** PATCH /entities/{id}/attrs/{attrId} (NGSI-LD 6.7.3.1) of random stored entities: a new reading. */
import { API, JSON_HEADERS, entityIdOf, probe } from '../ngsi-client.js';
import type { ScenarioResult } from '../report.js';
import { runLoadScenario, type ScenarioContext } from './scenario-result.js';

export async function benchPartialUpdate(
  context: ScenarioContext,
  storedEntities: number,
): Promise<ScenarioResult> {
  const next = () => {
    const n = Math.floor(Math.random() * storedEntities);
    return {
      path: `${API}/entities/${entityIdOf(n)}/attrs/powerState`,
      body: JSON.stringify({
        type: 'Property',
        value: Math.random() < 0.5 ? 'on' : 'off',
        observedAt: new Date().toISOString(),
      }),
    };
  };
  await probe(context.url, next().path, { method: 'PATCH', body: next().body, expect: 204 });
  return runLoadScenario(context, 'partial-update', {
    method: 'PATCH',
    headers: JSON_HEADERS,
    next,
  });
}
