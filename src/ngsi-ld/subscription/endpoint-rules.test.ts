import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headerProblem, redactCredentials } from './endpoint-rules.js';

describe('headerProblem', () => {
  it('headerProblem accepts tokens with visible, tab and Latin-1 values', () => {
    assert.equal(headerProblem('X-Auth-Token', 'abc 123\t\u00e9'), undefined);
  });

  it('headerProblem refuses bad names, framing headers and control characters', () => {
    assert.match(headerProblem('a b', 'v') ?? '', /header name/);
    assert.match(headerProblem('Content-Length', '1') ?? '', /may not be set/);
    assert.match(headerProblem('X', 'a\r\nInjected: 1') ?? '', /control character/);
    assert.match(headerProblem('X', '\u4e2d') ?? '', /above U\+00FF/);
  });
});

describe('redactCredentials', () => {
  it('redactCredentials hides passwords of every URI in a text and keeps the rest', () => {
    assert.equal(
      redactCredentials('mqtt://user:s3cret@broker:1883/t failed; http://a:b@c.example/x'),
      'mqtt://user:***@broker:1883/t failed; http://a:***@c.example/x',
    );
  });

  it('redactCredentials hides a password holding an @ up to the host', () => {
    assert.equal(redactCredentials('http://u:p@ss@host/x@y'), 'http://u:***@host/x@y');
  });

  it('redactCredentials leaves URIs without a password alone', () => {
    for (const text of ['http://user@host/', 'http://host:8080/p@x', 'urn:civis:stream:a'])
      assert.equal(redactCredentials(text), text);
  });
});
