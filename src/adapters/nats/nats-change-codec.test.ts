import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import type { EntityChange } from '../../context/ports/change-log.port.js';
import {
  HEADER_ALLOWANCE_BYTES,
  MAX_INFLATED_BYTES,
  decodeChange,
  encodeChange,
} from './nats-change-codec.js';

describe('nats change codec', () => {
  const change: EntityChange = {
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
  const large: EntityChange = {
    ...change,
    current: {
      ...(change.current as NonNullable<EntityChange['current']>),
      attrs: {
        'https://city.example.org/ns#shape': [
          {
            type: 'GeoProperty',
            value: {
              type: 'LineString',
              coordinates: Array.from({ length: 20_000 }, (_, i) => [-3.7 + i * 1e-5, 40.4]),
            },
          },
        ],
      },
    },
  };
  const jsonBytes = Buffer.byteLength(JSON.stringify(large));

  it('decodeChange reads back what encodeChange wrote', async () => {
    const encoded = await encodeChange(change, 1024 * 1024);
    assert.equal(encoded.deflated, false);
    assert.deepEqual(await decodeChange(encoded.data, encoded.deflated), change);
  });

  it('a change goes as plain JSON whenever it fits, headers included, as before deflate existed', async () => {
    const encoded = await encodeChange(large, jsonBytes + HEADER_ALLOWANCE_BYTES);
    assert.equal(encoded.deflated, false);
    assert.equal(encoded.data.length, jsonBytes);
  });

  it('a change too large for the server is deflated, several times smaller, and reads back the same', async () => {
    const encoded = await encodeChange(large, jsonBytes);
    assert.equal(encoded.deflated, true);
    assert.ok(encoded.data.length * 3 < jsonBytes, `${encoded.data.length} of ${jsonBytes} bytes`);
    assert.deepEqual(await decodeChange(encoded.data, true), large);
  });

  it('decodeChange refuses a deflated change that inflates beyond the cap, or is not deflate', async () => {
    // Valid JSON (a change, then whitespace) that only the cap refuses.
    const padded = Buffer.concat([
      Buffer.from(JSON.stringify(change)),
      Buffer.alloc(MAX_INFLATED_BYTES, 0x20),
    ]);
    const bomb = deflateRawSync(padded);
    assert.ok(bomb.length < 1024 * 1024);
    assert.equal(await decodeChange(bomb, true), undefined);
    const withinCap = deflateRawSync(padded.subarray(0, 1024 * 1024));
    assert.deepEqual(await decodeChange(withinCap, true), change, 'the same under the cap');
    assert.equal(await decodeChange(Buffer.from(JSON.stringify(change)), true), undefined);
  });

  it('decodeChange refuses payloads that are not changes', async () => {
    const encode = (text: string) => new TextEncoder().encode(text);
    for (const text of [
      'not json',
      '[]',
      'null',
      '{"seq":"7"}',
      JSON.stringify({ ...change, current: [] }),
    ])
      assert.equal(await decodeChange(encode(text)), undefined, text);
  });
});
