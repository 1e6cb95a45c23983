import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isProblemDetails } from '../problem-details.js';
import { compileIdPattern } from './id-pattern.js';

function rejects(text: string, detail: RegExp): void {
  assert.throws(
    () => compileIdPattern(text),
    (error: unknown) =>
      isProblemDetails(error) && error.status === 400 && detail.test(error.detail),
  );
}

test('compileIdPattern tests the pattern unanchored against ids (NGSI-LD 5.7.2)', () => {
  const matches = compileIdPattern('Vehicle:A\\d+');
  assert.equal(matches('urn:ngsi-ld:Vehicle:A4567'), true);
  assert.equal(matches('urn:ngsi-ld:Vehicle:B4567'), false);
});

test('compileIdPattern honours anchors', () => {
  const matches = compileIdPattern('^urn:ngsi-ld:Vehicle:.*$');
  assert.equal(matches('urn:ngsi-ld:Vehicle:1'), true);
  assert.equal(matches('x-urn:ngsi-ld:Vehicle:1'), false);
});

test('compileIdPattern runs a classic ReDoS pattern in linear time', () => {
  const matches = compileIdPattern('^(a+)+$');
  assert.equal(matches('a'.repeat(5000) + 'b'), false);
});

test('compileIdPattern rejects invalid, empty and overlong patterns with 400', () => {
  rejects('(abc', /^idPattern: invalid regular expression/);
  rejects('a{2,1}', /^idPattern: invalid regular expression/);
  rejects('', /^idPattern must not be empty$/);
  rejects('a'.repeat(1001), /^idPattern longer than 1000 characters$/);
});
