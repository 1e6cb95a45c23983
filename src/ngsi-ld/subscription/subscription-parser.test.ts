import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { badRequest, dc, fakeContext } from '../entity/entity.fixtures.js';
import { isProblemDetails } from '../problem-details.js';
import { compileSubscription } from './compiled-subscription.js';
import {
  applySubscriptionPatch,
  parseSubscription,
  parseSubscriptionPatch,
} from './subscription-parser.js';

const ctx = fakeContext({ Vehicle: 'https://example.org/Vehicle' });
const NOW = new Date('2026-01-01T00:00:00.000Z');
const options = {
  context: ctx,
  now: NOW,
  schemes: ['http', 'https', 'mqtt'],
  newId: () => 'urn:ngsi-ld:Subscription:new',
};

function body(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'Subscription',
    entities: [{ type: 'Vehicle' }],
    watchedAttributes: ['speed'],
    q: 'speed>50',
    notification: { endpoint: { uri: 'http://127.0.0.1:9/notify' } },
    ...extra,
  };
}

const notImplemented = (error: unknown) => isProblemDetails(error) && error.status === 501;

describe('parseSubscription (NGSI-LD 5.8.1, subscriptions.md §2–§3)', () => {
  it('parseSubscription expands names, records q terms and fills the defaults', () => {
    const s = parseSubscription(body(), options);
    assert.equal(s.id, 'urn:ngsi-ld:Subscription:new');
    assert.deepEqual(s.entities, [{ type: 'Vehicle' }]);
    assert.deepEqual(s.watchedAttributes, [dc('speed')]);
    assert.equal(s.q, 'speed>50');
    assert.deepEqual(s.terms, {
      entities: { Vehicle: 'https://example.org/Vehicle' },
      q: { speed: dc('speed') },
    });
    assert.equal(s.isActive, true);
    assert.deepEqual(s.notification, {
      format: 'normalized',
      showChanges: false,
      sysAttrs: false,
      endpoint: { uri: 'http://127.0.0.1:9/notify', accept: 'application/json' },
    });
    assert.equal(s.createdAt, NOW.toISOString());
  });

  it('parseSubscription keeps a given id and the legacy name as subscriptionName', () => {
    const s = parseSubscription(body({ id: 'urn:ngsi-ld:Subscription:x', name: 'n' }), options);
    assert.equal(s.id, 'urn:ngsi-ld:Subscription:x');
    assert.equal(s.subscriptionName, 'n');
  });

  it('parseSubscription ignores read-only members sent back', () => {
    const s = parseSubscription(
      body({
        status: 'active',
        createdAt: 'x',
        notification: { endpoint: { uri: 'http://a.example/' }, timesSent: 3, status: 'ok' },
      }),
      options,
    );
    assert.equal(s.notification.endpoint.uri, 'http://a.example/');
  });

  const rejected: Array<[string, Record<string, unknown>, RegExp]> = [
    ['type missing', body({ type: undefined }), /type is missing/],
    ['wrong type', body({ type: 'Entity' }), /must be "Subscription"/],
    ['id not a URI', body({ id: 'not a uri' }), /absolute URI/],
    ['unknown member', body({ color: 'red' }), /unknown member 'color'/],
    [
      'no entities nor watchedAttributes',
      body({ entities: undefined, watchedAttributes: undefined }),
      /entities or watchedAttributes/,
    ],
    ['empty entities', body({ entities: [] }), /entities must not be empty/],
    ['selector without type', body({ entities: [{ id: 'urn:a:b' }] }), /type is missing/],
    ['bad type name', body({ entities: [{ type: 'Ve hicle' }] }), /type/],
    ['bad idPattern', body({ entities: [{ type: 'Vehicle', idPattern: '(' }] }), /idPattern/],
    ['empty watchedAttributes', body({ watchedAttributes: [] }), /must not be empty/],
    ['reserved watched attribute', body({ watchedAttributes: ['id'] }), /reserved/],
    ['bad q', body({ q: 'speed>>' }), /q/],
    ['bad scopeQ', body({ scopeQ: 'no-slash' }), /scopeQ/],
    [
      'geoQ without coordinates',
      body({ geoQ: { geometry: 'Point', georel: 'near;maxDistance==10' } }),
      /coordinates is missing/,
    ],
    [
      'geoQ bad georel',
      body({ geoQ: { geometry: 'Point', coordinates: [1, 2], georel: 'close' } }),
      /georel/,
    ],
    ['negative throttling', body({ throttling: -1 }), /throttling must be a number greater than 0/],
    ['zero timeInterval', body({ timeInterval: 0, watchedAttributes: undefined }), /timeInterval/],
    [
      'timeInterval with watchedAttributes',
      body({ timeInterval: 10 }),
      /timeInterval cannot be combined with watchedAttributes/,
    ],
    [
      'timeInterval with throttling',
      body({ timeInterval: 10, throttling: 1, watchedAttributes: undefined }),
      /throttling/,
    ],
    [
      'timeInterval without entities',
      body({ timeInterval: 10, entities: undefined, watchedAttributes: undefined }),
      /entities/,
    ],
    ['expiresAt in the past', body({ expiresAt: '2020-01-01T00:00:00Z' }), /not in the future/],
    ['expiresAt not a DateTime', body({ expiresAt: 'tomorrow' }), /DateTime/],
    ['unknown trigger', body({ notificationTrigger: ['entityTouched'] }), /unknown trigger/],
    ['bad lang', body({ lang: 'en;q=7' }), /lang/],
    ['isActive not boolean', body({ isActive: 'yes' }), /isActive/],
    ['notification missing', body({ notification: undefined }), /notification is missing/],
    ['endpoint missing', body({ notification: {} }), /endpoint is missing/],
    ['uri missing', body({ notification: { endpoint: {} } }), /uri is missing/],
    [
      'uri without scheme',
      body({ notification: { endpoint: { uri: 'localhost/notify' } } }),
      /absolute URI/,
    ],
    [
      'unsupported scheme',
      body({ notification: { endpoint: { uri: 'ftp://x.example/a' } } }),
      /scheme 'ftp'/,
    ],
    ['uri without host', body({ notification: { endpoint: { uri: 'http:/notify' } } }), /no host/],
    [
      'bad accept',
      body({ notification: { endpoint: { uri: 'http://a.example', accept: 'text/plain' } } }),
      /accept/,
    ],
    [
      'bad format',
      body({ notification: { format: 'xml', endpoint: { uri: 'http://a.example' } } }),
      /format/,
    ],
    [
      'showChanges with keyValues',
      body({
        notification: {
          format: 'keyValues',
          showChanges: true,
          endpoint: { uri: 'http://a.example' },
        },
      }),
      /showChanges/,
    ],
    [
      'empty notification attributes',
      body({ notification: { attributes: [], endpoint: { uri: 'http://a.example' } } }),
      /must not be empty/,
    ],
    [
      'attributes with pick',
      body({
        notification: { attributes: ['a'], pick: ['b'], endpoint: { uri: 'http://a.example' } },
      }),
      /pick/,
    ],
    [
      'negative timeout',
      body({ notification: { endpoint: { uri: 'http://a.example', timeout: -5 } } }),
      /timeout/,
    ],
    [
      'receiverInfo header with a newline',
      body({
        notification: {
          endpoint: { uri: 'http://a.example', receiverInfo: [{ key: 'X', value: 'a\nb' }] },
        },
      }),
      /control character/,
    ],
    [
      'receiverInfo bad key',
      body({
        notification: {
          endpoint: { uri: 'http://a.example', receiverInfo: [{ key: 'a b', value: 'c' }] },
        },
      }),
      /header name/,
    ],
    [
      'unknown endpoint member',
      body({ notification: { endpoint: { uri: 'http://a.example', tls: true } } }),
      /unknown member 'tls'/,
    ],
    ['body an array', [] as unknown as Record<string, unknown>, /JSON object/],
  ];
  for (const [name, input, pattern] of rejected) {
    it(`parseSubscription rejects ${name} with 400`, () => {
      assert.throws(() => parseSubscription(input, options), badRequest(pattern));
    });
  }

  it('parseSubscription answers 501 for members Civis does not build', () => {
    assert.throws(() => parseSubscription(body({ csf: 'a' }), options), notImplemented);
    assert.throws(
      () =>
        parseSubscription(
          body({ notification: { join: 'flat', endpoint: { uri: 'http://a.example' } } }),
          options,
        ),
      notImplemented,
    );
  });

  it('parseSubscription accepts the whole Subscription type', () => {
    const s = parseSubscription(
      body({
        subscriptionName: 'fast cars',
        description: 'd',
        entities: [
          { type: 'Vehicle', id: 'urn:ngsi-ld:Vehicle:1' },
          { type: 'Vehicle', idPattern: '^urn:.*' },
        ],
        notificationTrigger: ['entityCreated', 'attributeUpdated'],
        geoQ: {
          geometry: 'Point',
          coordinates: '[1,2]',
          georel: 'near;maxDistance==100',
          geoproperty: 'position',
        },
        scopeQ: '/Madrid/#',
        datasetId: ['@none', 'urn:ds:1'],
        isActive: false,
        expiresAt: '2030-01-01T00:00:00Z',
        throttling: 0.5,
        lang: 'en,fr;q=0.5',
        jsonldContext: 'https://example.org/ctx.jsonld',
        notification: {
          pick: ['id', 'speed'],
          format: 'concise',
          showChanges: true,
          sysAttrs: true,
          endpoint: {
            uri: 'mqtt://broker.example/topic',
            accept: 'application/ld+json',
            receiverInfo: [{ key: 'X-Auth', value: 'k' }],
            notifierInfo: [{ key: 'MQTT-QoS', value: '1' }],
            timeout: 2000,
            cooldown: 1000,
          },
        },
      }),
      options,
    );
    assert.equal(s.geoQ?.geoproperty, dc('position'));
    assert.deepEqual(s.notification.pick, ['id', dc('speed')]);
    assert.equal(s.isActive, false);
    assert.equal(s.throttling, 0.5);
  });
});

describe('parseSubscriptionPatch / applySubscriptionPatch (NGSI-LD 5.8.2, subscriptions.md §5)', () => {
  const stored = parseSubscription(body({ throttling: 5 }), options);
  const later = new Date('2026-01-02T00:00:00.000Z');

  it('a given member replaces the stored one; others stay', () => {
    const patch = parseSubscriptionPatch({ q: 'speed>80', isActive: false }, stored.id, options);
    const next = applySubscriptionPatch(stored, patch, later);
    assert.equal(next.q, 'speed>80');
    assert.equal(next.isActive, false);
    assert.equal(next.throttling, 5);
    assert.equal(next.modifiedAt, later.toISOString());
    assert.equal(next.createdAt, stored.createdAt);
  });

  it('the NGSI-LD Null removes an optional member', () => {
    const patch = parseSubscriptionPatch({ throttling: 'urn:ngsi-ld:null' }, stored.id, options);
    assert.equal(applySubscriptionPatch(stored, patch, later).throttling, undefined);
  });

  it('the result is checked as a whole', () => {
    const patch = parseSubscriptionPatch({ timeInterval: 10 }, stored.id, options);
    assert.throws(() => applySubscriptionPatch(stored, patch, later), badRequest(/timeInterval/));
  });

  it('a different id, a wrong type or an empty fragment is 400', () => {
    assert.throws(
      () => parseSubscriptionPatch({ id: 'urn:x:y' }, stored.id, options),
      badRequest(/differs/),
    );
    assert.throws(
      () => parseSubscriptionPatch({ type: 'X' }, stored.id, options),
      badRequest(/type/),
    );
    assert.throws(
      () => parseSubscriptionPatch({}, stored.id, options),
      badRequest(/changes nothing/),
    );
    assert.throws(
      () => parseSubscriptionPatch({ expiresAt: '2020-01-01T00:00:00Z' }, stored.id, options),
      badRequest(/future/),
    );
  });
});

describe('subscription terms per member (subscriptions.md §5)', () => {
  const CITY = 'https://city.example.org/ns#';
  const cityCtx = fakeContext({ Vehicle: `${CITY}Vehicle`, speed: `${CITY}speed` });
  const created = parseSubscription(body({ watchedAttributes: undefined }), {
    ...options,
    context: cityCtx,
  });
  const later = new Date('2026-01-02T00:00:00.000Z');

  it('a PATCH of q under another @context keeps what the entity types meant', () => {
    // The default context knows neither Vehicle nor speed of the city vocabulary.
    const patch = parseSubscriptionPatch({ q: 'Vehicle==1' }, created.id, {
      ...options,
      context: fakeContext(),
    });
    const next = applySubscriptionPatch(created, patch, later);
    assert.deepEqual(next.terms.entities, { Vehicle: `${CITY}Vehicle` });
    assert.deepEqual(next.terms.q, { Vehicle: dc('Vehicle') });
    const compiled = compileSubscription('', next);
    assert.deepEqual(compiled.selectors?.[0]?.types, { anyOf: [[`${CITY}Vehicle`]] });
  });

  it('terms hold only the names of the current members', () => {
    let current = created;
    for (const q of ['a==1', 'b==1', 'c==1']) {
      const patch = parseSubscriptionPatch({ q }, created.id, options);
      current = applySubscriptionPatch(current, patch, later);
    }
    assert.deepEqual(current.terms.q, { c: dc('c') });
    const removal = parseSubscriptionPatch({ q: 'urn:ngsi-ld:null' }, created.id, options);
    const next = applySubscriptionPatch(current, removal, later);
    assert.equal(next.terms.q, undefined);
    assert.deepEqual(next.terms.entities, { Vehicle: `${CITY}Vehicle` });
  });
});
