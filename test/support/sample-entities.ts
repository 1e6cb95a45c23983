/**
 * Entities shaped like real city objects (used by API tests and benchmarks): six
 * properties of which one multi-instance, a relationship and a location.
 */
export function streetlight(
  n: number,
  options: { lon?: number; lat?: number } = {},
): Record<string, unknown> {
  const lon = options.lon ?? round6(-3.7 + (n % 100) * 0.001);
  const lat = options.lat ?? round6(40.4 + Math.floor(n / 100) * 0.001);
  return {
    id: `urn:ngsi-ld:Streetlight:${n}`,
    type: 'Streetlight',
    status: { type: 'Property', value: n % 7 === 0 ? 'defective' : 'ok' },
    powerState: {
      type: 'Property',
      value: n % 2 === 0 ? 'on' : 'off',
      observedAt: '2026-11-01T20:00:00Z',
    },
    illuminance: [
      {
        type: 'Property',
        value: (n * 37) % 1000,
        unitCode: 'LUX',
        observedAt: '2026-11-01T20:00:00Z',
      },
      {
        type: 'Property',
        value: (n * 53) % 1000,
        unitCode: 'LUX',
        datasetId: 'urn:ngsi-ld:Dataset:backup-sensor',
      },
    ],
    lanternHeight: { type: 'Property', value: 8 + (n % 5), unitCode: 'MTR' },
    dateLastLampChange: {
      type: 'Property',
      value: { '@type': 'DateTime', '@value': '2025-06-01T10:00:00Z' },
    },
    name: { type: 'LanguageProperty', languageMap: { en: `Streetlight ${n}`, es: `Farola ${n}` } },
    refStreet: { type: 'Relationship', object: `urn:ngsi-ld:Street:${n % 50}` },
    location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [lon, lat] } },
  };
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
