import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  changeSubject,
  checkStreamName,
  checkSubjectPrefix,
  durableName,
  tenantToken,
} from './nats-subjects.js';

describe('nats subjects and names', () => {
  it('tenantToken is a valid subject token for any tenant, distinct per tenant', () => {
    const tenants = ['', 'valencia', 'a.b', 'a*b', '>', 'with space', 'ünïcode', '_'];
    const tokens = tenants.map(tenantToken);
    for (const token of tokens) assert.match(token, /^[A-Za-z0-9_-]+$/);
    assert.equal(new Set(tokens).size, tenants.length);
    assert.equal(changeSubject('civis.changes', ''), 'civis.changes.t');
  });

  it('durableName names the group consumer and refuses names NATS would not take', () => {
    assert.equal(durableName('subscriptions'), 'civis-subscriptions');
    for (const bad of ['', 'a.b', 'a b', 'a*', 'a>']) assert.throws(() => durableName(bad));
  });

  it('checkStreamName and checkSubjectPrefix refuse wildcards, dots in names, empty tokens', () => {
    assert.equal(checkStreamName('CIVIS_CHANGES'), 'CIVIS_CHANGES');
    assert.throws(() => checkStreamName('CIVIS.CHANGES'));
    assert.equal(checkSubjectPrefix('civis.changes'), 'civis.changes');
    for (const bad of ['civis.*', 'civis.>', 'civis..changes', '.civis', ''])
      assert.throws(() => checkSubjectPrefix(bad));
  });
});
