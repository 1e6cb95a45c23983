import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SubscriptionIndex, literalIdOf } from './subscription-index.js';
import { VEHICLE, subscription } from './subscription.fixtures.js';

const SPEED = 'https://uri.etsi.org/ngsi-ld/default-context/speed';
const POWER = 'https://uri.etsi.org/ngsi-ld/default-context/power';

describe('SubscriptionIndex', () => {
  it('candidates finds subscriptions by type and watched attribute only', () => {
    const index = new SubscriptionIndex();
    const bySpeed = subscription({ watchedAttributes: ['speed'] });
    const byPower = subscription({ watchedAttributes: ['power'] });
    const anyAttr = subscription();
    const bus = subscription({ entities: [{ type: 'Bus' }] });
    for (const s of [bySpeed, byPower, anyAttr, bus]) index.put(s);
    const found = index.candidates('', 'urn:ngsi-ld:Vehicle:1', [VEHICLE], [SPEED]);
    assert.deepEqual(new Set(found), new Set([bySpeed, anyAttr]));
  });

  it('candidates finds subscriptions by entity id and by any entity', () => {
    const index = new SubscriptionIndex();
    const byId = subscription({ entities: [{ type: 'Vehicle', id: 'urn:ngsi-ld:Vehicle:7' }] });
    const anyEntity = subscription({ entities: undefined, watchedAttributes: ['power'] });
    index.put(byId);
    index.put(anyEntity);
    assert.deepEqual(
      [...index.candidates('', 'urn:ngsi-ld:Vehicle:7', [VEHICLE], [SPEED])],
      [byId],
    );
    assert.deepEqual([...index.candidates('', 'urn:ngsi-ld:Other:1', ['x'], [POWER])], [anyEntity]);
    assert.equal(
      index.candidates('other-tenant', 'urn:ngsi-ld:Vehicle:7', [VEHICLE], [SPEED]).size,
      0,
    );
  });

  it('put replaces and remove forgets a subscription', () => {
    const index = new SubscriptionIndex();
    const first = subscription({ watchedAttributes: ['speed'] });
    index.put(first);
    const replaced = {
      ...subscription({ watchedAttributes: ['power'] }),
      subscription: { ...first.subscription, watchedAttributes: [POWER] },
    };
    index.put({ ...replaced, watched: new Set([POWER]) });
    assert.equal(index.size, 1);
    assert.equal(index.candidates('', 'urn:a:1', [VEHICLE], [SPEED]).size, 0);
    assert.equal(index.candidates('', 'urn:a:1', [VEHICLE], [POWER]).size, 1);
    index.remove('', first.subscription.id);
    assert.equal(index.size, 0);
    assert.equal(index.candidates('', 'urn:a:1', [VEHICLE], [POWER]).size, 0);
  });

  it('periodic subscriptions are not indexed', () => {
    const index = new SubscriptionIndex();
    index.put(subscription({ timeInterval: 60 }));
    assert.equal(index.size, 0);
  });
});

describe('literalIdOf', () => {
  it('literalIdOf reads anchored literal patterns only', () => {
    assert.equal(literalIdOf('^urn:ngsi-ld:Vehicle:42$'), 'urn:ngsi-ld:Vehicle:42');
    assert.equal(literalIdOf('^urn:a\\.b$'), 'urn:a.b');
    assert.equal(literalIdOf('^urn:a.b$'), undefined);
    assert.equal(literalIdOf('urn:a:1'), undefined);
    assert.equal(literalIdOf('^urn:a:(1|2)$'), undefined);
    assert.equal(literalIdOf(undefined), undefined);
  });

  it('a literal idPattern is indexed by id', () => {
    const index = new SubscriptionIndex();
    const s = subscription({
      entities: [{ type: 'Vehicle', idPattern: '^urn:ngsi-ld:Vehicle:42$' }],
    });
    index.put(s);
    assert.equal(index.candidates('', 'urn:ngsi-ld:Vehicle:42', [VEHICLE], [SPEED]).size, 1);
    assert.equal(index.candidates('', 'urn:ngsi-ld:Vehicle:43', [VEHICLE], [SPEED]).size, 0);
  });
});
