import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_DENIED_NETWORKS, parseNetworkList } from './network-list.js';

describe('parseNetworkList', () => {
  it('parseNetworkList reads comma-separated text and arrays, bare addresses as hosts', () => {
    assert.deepEqual(parseNetworkList(' 10.0.0.0/8, fc00::/7 ,192.168.1.1'), [
      '10.0.0.0/8',
      'fc00::/7',
      '192.168.1.1/32',
    ]);
    assert.deepEqual(parseNetworkList(['::1']), ['::1/128']);
  });

  it('parseNetworkList reads none as the empty list', () => {
    assert.deepEqual(parseNetworkList('none'), []);
  });

  it('parseNetworkList refuses what is not a CIDR block', () => {
    for (const bad of ['10.0.0.0/33', 'fe80::/129', 'example.org', '10.0.0.0/', '10.0.0.0/-1'])
      assert.throws(() => parseNetworkList(bad), /CIDR/);
    assert.throws(() => parseNetworkList([3]), /CIDR/);
    assert.throws(() => parseNetworkList(42), /CIDR/);
  });

  it('the default denies link-local and metadata addresses, not loopback or private ones', () => {
    assert.deepEqual(parseNetworkList([...DEFAULT_DENIED_NETWORKS]), DEFAULT_DENIED_NETWORKS);
    for (const open of ['127.0.0.0/8', '10.0.0.0/8', '192.168.0.0/16', '::1/128'])
      assert.ok(!DEFAULT_DENIED_NETWORKS.includes(open));
  });
});
