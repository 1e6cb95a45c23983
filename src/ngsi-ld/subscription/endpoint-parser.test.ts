import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { badRequest } from '../entity/entity.fixtures.js';
import { MAX_ENDPOINT_MS, parseEndpoint, type EndpointParseOptions } from './endpoint-parser.js';

const options: EndpointParseOptions = { schemes: ['http', 'https', 'mqtt', 'mqtts'] };
const http = (extra: Record<string, unknown>) => ({ uri: 'http://a.example/n', ...extra });

describe('parseEndpoint (NGSI-LD 5.2.15, subscriptions.md §3)', () => {
  it('parseEndpoint accepts whole milliseconds from 1 to one day for timeout and cooldown', () => {
    const endpoint = parseEndpoint(http({ timeout: 1, cooldown: MAX_ENDPOINT_MS }), options);
    assert.equal(endpoint.timeout, 1);
    assert.equal(endpoint.cooldown, 86_400_000);
  });

  for (const value of [0, -1, 0.5, 1500.5, MAX_ENDPOINT_MS + 1, 3_000_000_000, 1e300, '10'])
    for (const member of ['timeout', 'cooldown'])
      it(`parseEndpoint refuses ${member} ${JSON.stringify(value)}`, () => {
        assert.throws(
          () => parseEndpoint(http({ [member]: value }), options),
          badRequest(new RegExp(`${member} must be a whole number from 1 to 86,400,000`)),
        );
      });

  const refused: Array<[string, Record<string, unknown>, RegExp]> = [
    ['an MQTT URI without topic', { uri: 'mqtt://broker.example' }, /no topic/],
    ['an MQTT wildcard topic', { uri: 'mqtt://broker.example/city/+' }, /wildcards/],
    ['an MQTT # topic', { uri: 'mqtt://broker.example/city/#' }, /'#'/],
    [
      'an unknown MQTT-QoS',
      { uri: 'mqtt://b.example/t', notifierInfo: [{ key: 'MQTT-QoS', value: '3' }] },
      /MQTT-QoS must be 0, 1 or 2/,
    ],
    [
      'an unknown MQTT-Version',
      { uri: 'mqtt://b.example/t', notifierInfo: [{ key: 'MQTT-Version', value: 'mqtt4' }] },
      /MQTT-Version/,
    ],
    ['a receiverInfo Host', http({ receiverInfo: [{ key: 'Host', value: 'x' }] }), /Host may not/],
    [
      'a receiverInfo Transfer-Encoding',
      http({ receiverInfo: [{ key: 'Transfer-Encoding', value: 'chunked' }] }),
      /may not be set/,
    ],
    [
      'a receiverInfo Content-Type',
      http({ receiverInfo: [{ key: 'content-type', value: 'text/plain' }] }),
      /notifier sets itself/,
    ],
    [
      'a receiverInfo value above U+00FF',
      http({ receiverInfo: [{ key: 'X-A', value: 'caf\u00e9 \u4e2d' }] }),
      /above U\+00FF/,
    ],
    [
      'a receiverInfo NUL',
      http({ receiverInfo: [{ key: 'X-A', value: 'a\u0000b' }] }),
      /control character/,
    ],
    [
      'a receiverInfo key too long',
      http({ receiverInfo: [{ key: 'X'.repeat(257), value: 'v' }] }),
      /at most 256/,
    ],
  ];
  for (const [name, endpoint, pattern] of refused)
    it(`parseEndpoint refuses ${name}`, () => {
      assert.throws(() => parseEndpoint(endpoint, options), badRequest(pattern));
    });

  it('parseEndpoint asks the sender of the scheme and hides credentials in its answer', () => {
    const checked: string[] = [];
    const withCheck: EndpointParseOptions = {
      schemes: ['http', 'urn'],
      checkEndpoint: (endpoint) => {
        checked.push(endpoint.uri);
        return endpoint.uri.startsWith('urn:') ? `${endpoint.uri} is no stream` : undefined;
      },
    };
    assert.equal(parseEndpoint(http({}), withCheck).uri, 'http://a.example/n');
    assert.throws(
      () => parseEndpoint({ uri: 'urn:ngsi-ld:Thing:1' }, withCheck),
      badRequest(/urn:ngsi-ld:Thing:1 is no stream/),
    );
    assert.deepEqual(checked, ['http://a.example/n', 'urn:ngsi-ld:Thing:1']);
    assert.throws(
      () =>
        parseEndpoint(
          { uri: 'http://user:s3cret@h.example/' },
          { schemes: ['http'], checkEndpoint: (e) => `${e.uri} refused` },
        ),
      (error: unknown) => badRequest(/user:\*\*\*@h/)(error) && !String(error).includes('s3cret'),
    );
  });
});
