/** JsonLdContextStore (NGSI-LD 5.13 `/jsonldContexts`): put, get, list in order, delete. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { StoredJsonLdContext } from '../../src/context/ports/json-ld-context-store.port.js';
import type { MakeStore, StoreUnderTest } from './entity-store.fixtures.js';

const hosted: StoredJsonLdContext = {
  id: '2b0c5a1e-1111-4c4c-9d9d-000000000001',
  kind: 'Hosted',
  context: { speed: 'http://example.org/speed', nested: ['x', { a: 1 }] },
  createdAt: '2024-01-01T00:00:00.000Z',
};
const cached: StoredJsonLdContext = {
  id: 'cached-1',
  kind: 'Cached',
  url: 'https://example.org/context.jsonld',
  context: [
    'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.9.jsonld',
    { brand: 'http://example.org/brand' },
  ],
  createdAt: '2024-01-02T00:00:00.000Z',
};

export function describeJsonLdContextStoreContract(makeStore: MakeStore): void {
  describe('JsonLdContextStore', () => {
    let sut: StoreUnderTest;
    beforeEach(async () => {
      sut = await makeStore();
    });
    afterEach(() => sut.cleanup());

    it('putContext stores an entry that getContext and listContexts return', async () => {
      await sut.contextStore.putContext(hosted);
      await sut.contextStore.putContext(cached);
      assert.deepEqual(await sut.contextStore.getContext(hosted.id), hosted);
      assert.deepEqual(await sut.contextStore.getContext(cached.id), cached);
      assert.deepEqual(await sut.contextStore.listContexts(), [hosted, cached]);
      assert.equal(await sut.contextStore.getContext('unknown'), undefined);
    });

    it('putContext replaces an entry with the same id in place', async () => {
      await sut.contextStore.putContext(hosted);
      await sut.contextStore.putContext(cached);
      const replaced = { ...hosted, context: { other: 'http://example.org/other' } };
      await sut.contextStore.putContext(replaced);
      assert.deepEqual(await sut.contextStore.listContexts(), [replaced, cached]);
    });

    it('deleteContext removes an entry and tells whether there was one', async () => {
      await sut.contextStore.putContext(hosted);
      assert.equal(await sut.contextStore.deleteContext(hosted.id), true);
      assert.equal(await sut.contextStore.deleteContext(hosted.id), false);
      assert.deepEqual(await sut.contextStore.listContexts(), []);
    });
  });
}
