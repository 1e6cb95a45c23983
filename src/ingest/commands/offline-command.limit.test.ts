import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createOfflineCommandLimit } from './offline-command.limit.js';

const LAMP = '/key/lamp/cmd';
const PUMP = '/key/pump/cmd';

describe('createOfflineCommandLimit', () => {
  it('admit counts commands to a device that is not connected, up to perDevice', () => {
    const limit = createOfflineCommandLimit({ perDevice: 2, total: 10 });
    assert.equal(limit.admit(LAMP, 'lamp'), undefined);
    assert.equal(limit.admit(LAMP, 'lamp'), undefined);
    assert.equal(
      limit.admit(LAMP, 'lamp'),
      'Device lamp is not connected and already has 2 commands waiting (offlineCommandsPerDevice)',
    );
    assert.equal(limit.admit(PUMP, 'pump'), undefined);
    assert.equal(limit.waiting(), 3);
  });

  it('admit refuses every offline device beyond the total', () => {
    const limit = createOfflineCommandLimit({ perDevice: 2, total: 3 });
    for (const topic of [LAMP, LAMP, PUMP]) assert.equal(limit.admit(topic, 'd'), undefined);
    assert.match(
      limit.admit(PUMP, 'pump') ?? '',
      /already have 3 commands waiting \(offlineCommandsTotal\)/,
    );
  });

  it('admit lets every command through, uncounted, while the device is connected', () => {
    const limit = createOfflineCommandLimit({ perDevice: 1, total: 1 });
    const connection = {};
    limit.connected(connection, LAMP, false);
    for (let i = 0; i < 5; i++) assert.equal(limit.admit(LAMP, 'lamp'), undefined);
    assert.equal(limit.waiting(), 0);
    limit.disconnected(connection);
    assert.equal(limit.admit(LAMP, 'lamp'), undefined);
    assert.notEqual(limit.admit(LAMP, 'lamp'), undefined);
  });

  it('a device stays connected while one of its connections is open', () => {
    const limit = createOfflineCommandLimit({ perDevice: 1, total: 10 });
    const first = {};
    const second = {};
    limit.connected(first, LAMP, false);
    limit.connected(second, LAMP, false);
    limit.disconnected(first);
    limit.disconnected(first);
    assert.equal(limit.admit(LAMP, 'lamp'), undefined);
    assert.equal(limit.waiting(), 0);
  });

  it('acknowledged takes one command off; a persistent reconnection alone takes none', () => {
    const limit = createOfflineCommandLimit({ perDevice: 2, total: 10 });
    limit.admit(LAMP, 'lamp');
    limit.admit(LAMP, 'lamp');
    const connection = {};
    limit.connected(connection, LAMP, false);
    limit.disconnected(connection);
    assert.notEqual(limit.admit(LAMP, 'lamp'), undefined);
    limit.acknowledged(LAMP);
    assert.equal(limit.waiting(), 1);
    assert.equal(limit.admit(LAMP, 'lamp'), undefined);
    limit.acknowledged(PUMP);
    assert.equal(limit.waiting(), 2);
  });

  it('a clean-session connection forgets the commands kept for the device', () => {
    const limit = createOfflineCommandLimit({ perDevice: 2, total: 2 });
    limit.admit(LAMP, 'lamp');
    limit.admit(LAMP, 'lamp');
    const connection = {};
    limit.connected(connection, LAMP, true);
    limit.disconnected(connection);
    assert.equal(limit.waiting(), 0);
    assert.equal(limit.admit(PUMP, 'pump'), undefined);
  });
});
