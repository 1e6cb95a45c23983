/**
 * GET /entities?type=Streetlight&georel=near;maxDistance==200&geometry=Point&coordinates=…
 * (NGSI-LD 4.10) around random points inside the area the loaded streetlights cover.
 */
import { API } from '../ngsi-client.js';
import type { ScenarioResult } from '../report.js';
import { averageResults } from './query-sample.js';
import { runLoadScenario, type ScenarioContext } from './scenario-result.js';

/** streetlight(n) stands at lon -3.7 + (n % 100)·0.001, lat 40.4 + ⌊n / 100⌋·0.001. */
export function randomPointInLoadedArea(loadedEntities: number): [number, number] {
  const rows = Math.ceil(loadedEntities / 100);
  const lon = -3.7 + Math.random() * 0.099;
  const lat = 40.4 + Math.random() * (rows - 1) * 0.001;
  return [Math.round(lon * 1e6) / 1e6, Math.round(lat * 1e6) / 1e6];
}

export async function benchQueryGeo(
  context: ScenarioContext,
  loadedEntities: number,
): Promise<ScenarioResult> {
  const georel = encodeURIComponent('near;maxDistance==200');
  const nextPath = () => {
    const coordinates = encodeURIComponent(JSON.stringify(randomPointInLoadedArea(loadedEntities)));
    return `${API}/entities?type=Streetlight&georel=${georel}&geometry=Point&coordinates=${coordinates}&limit=20`;
  };
  const average = await averageResults(context.url, nextPath);
  return runLoadScenario(
    context,
    'query-geo',
    { method: 'GET', next: () => ({ path: nextPath() }) },
    { averageResults: average },
  );
}
