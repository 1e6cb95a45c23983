import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseNatsUrl, redactUrl } from './nats-url.js';

describe('parseNatsUrl', () => {
  it('parseNatsUrl gives host:port of each server without credentials', () => {
    assert.deepEqual(parseNatsUrl('nats://a:4222, nats://b:4223'), {
      servers: ['a:4222', 'b:4223'],
      tls: false,
    });
  });

  it('parseNatsUrl takes user and password, or a lone token, from the userinfo', () => {
    assert.deepEqual(parseNatsUrl('nats://civis:p%40ss@nats:4222'), {
      servers: ['nats:4222'],
      tls: false,
      user: 'civis',
      pass: 'p@ss',
    });
    assert.deepEqual(parseNatsUrl('tls://s3cr3t@nats'), {
      servers: ['nats'],
      tls: true,
      token: 's3cr3t',
    });
  });

  it('parseNatsUrl rejects other schemes and non-URLs without echoing credentials', () => {
    assert.throws(
      () => parseNatsUrl('http://u:secret@nats:4222'),
      (error: Error) => {
        assert.match(error.message, /must be nats:\/\/host:port/);
        assert.doesNotMatch(error.message, /secret/);
        return true;
      },
    );
    assert.throws(() => parseNatsUrl('nats-server'), /not a URL/);
    assert.throws(() => parseNatsUrl(' , '), /empty/);
  });

  it('redactUrl hides the userinfo of every URL', () => {
    assert.equal(
      redactUrl('nats://u:p@a:1,nats://t@b:2'),
      'nats://[redacted]@a:1,nats://[redacted]@b:2',
    );
  });
});
