import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactUrlCredentials } from './redact-credentials.js';

describe('redactUrlCredentials', () => {
  it('redactUrlCredentials hides the password and keeps the user', () => {
    assert.equal(
      redactUrlCredentials('got "postgres://civis:s3cret@db:5432/civis"'),
      'got "postgres://civis:***@db:5432/civis"',
    );
  });

  it('redactUrlCredentials hides a user without password (a NATS token)', () => {
    assert.equal(redactUrlCredentials('nats://t0ken@nats:4222'), 'nats://***@nats:4222');
  });

  it('redactUrlCredentials hides every URL of a comma-separated list', () => {
    assert.equal(
      redactUrlCredentials('nats://a:pw1@n1:4222,tls://b:pw2@n2:4222'),
      'nats://a:***@n1:4222,tls://b:***@n2:4222',
    );
  });

  it('redactUrlCredentials hides passwords holding @, : or a space', () => {
    for (const password of ['p@ss', 'p:a:ss', 'pa ss', 'p@ss word'])
      assert.equal(
        redactUrlCredentials(`mysql://civis:${password}@db/civis`),
        'mysql://civis:***@db/civis',
        password,
      );
  });

  it('redactUrlCredentials leaves URLs without credentials and other text alone', () => {
    for (const text of [
      'must be a postgres:// or postgresql:// URL (got "mysql://db/civis")',
      'must be nats://host:port URLs (got "user@example.org")',
      'http://localhost:1026/ngsi-ld/v1',
    ])
      assert.equal(redactUrlCredentials(text), text);
  });
});
