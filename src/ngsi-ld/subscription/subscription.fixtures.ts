/** Test fixtures for this folder: subscriptions and entities built in one line. */
import { fakeContext } from '../entity/entity.fixtures.js';
import type { Entity } from '../model.js';
import { compileSubscription, type CompiledSubscription } from './compiled-subscription.js';
import { parseSubscription } from './subscription-parser.js';

export const NOW = new Date('2026-01-01T00:00:00.000Z');
export const VEHICLE = 'https://example.org/Vehicle';
export const ctx = fakeContext({ Vehicle: VEHICLE });

let counter = 0;

/** A compiled subscription of tenant '' from the members given (entities: Vehicle by default). */
export function subscription(
  members: Record<string, unknown> = {},
  tenant = '',
  context = ctx,
): CompiledSubscription {
  counter += 1;
  const parsed = parseSubscription(
    {
      type: 'Subscription',
      entities: [{ type: 'Vehicle' }],
      notification: { endpoint: { uri: 'http://127.0.0.1:9/notify' } },
      ...members,
    },
    {
      context,
      now: NOW,
      schemes: ['http'],
      newId: () => `urn:ngsi-ld:Subscription:${counter}`,
    },
  );
  return compileSubscription(tenant, parsed);
}

const STAMPS = { createdAt: '2025-12-31T00:00:00.000Z', modifiedAt: '2025-12-31T00:00:00.000Z' };

/** A Vehicle with a speed (default instance) and optional other Properties by short name. */
export function vehicle(
  speed: number,
  extra: Record<string, number> = {},
  id = 'urn:ngsi-ld:Vehicle:1',
): Entity {
  const attrs: Entity['attrs'] = {
    'https://uri.etsi.org/ngsi-ld/default-context/speed': [
      { type: 'Property', value: speed, ...STAMPS },
    ],
  };
  for (const [name, value] of Object.entries(extra))
    attrs[`https://uri.etsi.org/ngsi-ld/default-context/${name}`] = [
      { type: 'Property', value, ...STAMPS },
    ];
  return { id, type: [VEHICLE], ...STAMPS, attrs };
}
