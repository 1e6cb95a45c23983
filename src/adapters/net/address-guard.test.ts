import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_DENIED_NETWORKS } from '../../platform/config/network-list.js';
import { createAddressGuard, DENIED_ADDRESS } from './address-guard.js';

const LOOPBACK = ['127.0.0.0/8', '::1/128'];
const NOTIFICATIONS = { setting: 'notificationDeniedNetworks', users: 'notifications' };

describe('createAddressGuard', () => {
  const guard = createAddressGuard([...DEFAULT_DENIED_NETWORKS], NOTIFICATIONS);

  it('checkHost denies metadata and link-local literals, IPv4-mapped ones too', () => {
    for (const host of [
      '169.254.169.254',
      '[fe80::1]',
      '::ffff:169.254.169.254',
      '0.0.0.0',
      '[::]',
      '100.100.100.200',
      'fd00:ec2::254',
    ])
      assert.match(guard.checkHost(host) ?? '', /notificationDeniedNetworks/, host);
  });

  it('checkHost lets loopback, private addresses and host names through', () => {
    for (const host of ['127.0.0.1', '10.1.2.3', '192.168.0.9', '[::1]', 'example.org'])
      assert.equal(guard.checkHost(host), undefined, host);
  });

  it('lookup fails with DENIED_ADDRESS when a host name resolves into a denied network', async () => {
    const loopback = createAddressGuard(LOOPBACK, NOTIFICATIONS);
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      loopback.lookup('localhost', {}, (err) => resolve(err)),
    );
    assert.equal(error?.code, DENIED_ADDRESS);
    assert.match(
      error?.message ?? '',
      /^localhost resolves to .*, in a network notifications may not reach \(notificationDeniedNetworks\)$/,
    );
  });

  it('refusals name the setting and the users the guard was created for', () => {
    const guard = createAddressGuard(LOOPBACK, {
      setting: 'contextDeniedNetworks',
      users: '@context downloads',
    });
    assert.equal(
      guard.checkHost('[::1]'),
      '::1, in a network @context downloads may not reach (contextDeniedNetworks)',
    );
  });
});
