import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeChange, encodeChange } from './nats-change-codec.js';

describe('nats change codec', () => {
  const change = {
    seq: 7,
    tenant: 'valencia',
    entityId: 'urn:ngsi-ld:Streetlight:1',
    at: '2026-01-01T00:00:00.000Z',
    previous: null,
    current: {
      id: 'urn:ngsi-ld:Streetlight:1',
      type: ['https://uri.fiware.org/ns/data-models#Streetlight'],
      createdAt: '2026-01-01T00:00:00.000Z',
      modifiedAt: '2026-01-01T00:00:00.000Z',
      attrs: {},
    },
  };

  it('decodeChange reads back what encodeChange wrote', () => {
    assert.deepEqual(decodeChange(encodeChange(change)), change);
  });

  it('decodeChange refuses payloads that are not changes', () => {
    const encode = (text: string) => new TextEncoder().encode(text);
    for (const text of [
      'not json',
      '[]',
      'null',
      '{"seq":"7"}',
      JSON.stringify({ ...change, current: [] }),
    ])
      assert.equal(decodeChange(encode(text)), undefined, text);
  });
});
