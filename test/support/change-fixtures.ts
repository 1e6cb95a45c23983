/** Entity changes and a change bus for tests that drive the notification pipeline by hand. */
import type { ChangeBus, ChangeHandler } from '../../src/context/ports/change-bus.port.js';
import type { EntityChange } from '../../src/context/ports/change-log.port.js';

export const VEHICLE = 'https://uri.etsi.org/ngsi-ld/default-context/Vehicle';
export const SPEED = 'https://uri.etsi.org/ngsi-ld/default-context/speed';
export const STAMP = '2026-01-01T00:00:00.000Z';

/** Change `seq`: urn:ngsi-ld:Vehicle:1 created with `speed`. */
export function vehicleCreated(seq: number, speed: number): EntityChange {
  return {
    seq,
    tenant: '',
    entityId: 'urn:ngsi-ld:Vehicle:1',
    at: STAMP,
    previous: null,
    current: {
      id: 'urn:ngsi-ld:Vehicle:1',
      type: [VEHICLE],
      createdAt: STAMP,
      modifiedAt: STAMP,
      attrs: { [SPEED]: [{ type: 'Property', value: speed }] },
    },
  };
}

/** A change bus that only hands its consumer's handler to the test. */
export function handBus(): ChangeBus & { handler(): ChangeHandler } {
  let handler: ChangeHandler | undefined;
  return {
    async publish() {},
    async consume(_group, h) {
      handler = h;
      return { stop: async () => undefined };
    },
    async consumeBatches(_group, h) {
      handler = (change) => h([change]);
      return { stop: async () => undefined };
    },
    async close() {},
    handler: () => handler as ChangeHandler,
  };
}
