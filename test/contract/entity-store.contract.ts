/**
 * The storage contract every adapter must pass with identical results (DESIGN.md,
 * Storage; STYLE.md: one abstract suite per port, as aedes-persistence does). Run by
 * sqlite-entity-store.test.ts and postgres-entity-store.test.ts.
 */
import { describe } from 'node:test';
import { describeChangeLogContract } from './change-log.contract.js';
import { describeDifferentialContract } from './entity-store-differential.contract.js';
import { describeDiscoveryContract } from './entity-store-discovery.contract.js';
import { describeGeoContract } from './entity-store-geo.contract.js';
import { describeMutateContract } from './entity-store-mutate.contract.js';
import { describePagingContract } from './entity-store-paging.contract.js';
import { describeQueryContract } from './entity-store-query.contract.js';
import type { MakeStore } from './entity-store.fixtures.js';
import { describeJsonLdContextStoreContract } from './json-ld-context-store.contract.js';

export type { MakeStore, StoreUnderTest } from './entity-store.fixtures.js';

/** `makeStore` returns a fresh, empty store each time; `cleanup` closes and removes it. */
export function describeEntityStoreContract(name: string, makeStore: MakeStore): void {
  describe(`EntityStore contract: ${name}`, () => {
    describeMutateContract(makeStore);
    describeQueryContract(makeStore);
    describeGeoContract(makeStore);
    describePagingContract(makeStore);
    describeDifferentialContract(makeStore);
    describeDiscoveryContract(makeStore);
    describeJsonLdContextStoreContract(makeStore);
    describeChangeLogContract(makeStore);
  });
}
