/** The demo city, indexed once for the simulator's tests. */
import { indexCity } from './demo-city.model.js';
import { loadDemoCity } from './demo-city.loader.js';
import { buildFleet, type Fleet, type FleetOptions } from './fleet.js';
import { CITY_KINDS } from './device-kinds.js';

export const testCity = indexCity(loadDemoCity());

export function testFleet(overrides: Partial<FleetOptions> = {}): Fleet {
  return buildFleet({
    seed: 1,
    devices: 100,
    kinds: CITY_KINDS,
    transport: 'mixed',
    prefix: 'test',
    city: testCity,
    ...overrides,
  });
}
