import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isProblemDetails } from '../problem-details.js';
import { matchesScopeQuery, parseScope, parseScopeQuery } from './scope-query.js';

function rejects(fn: () => unknown, detail: string): void {
  assert.throws(
    fn,
    (error: unknown) => isProblemDetails(error) && error.status === 400 && error.detail === detail,
    detail,
  );
}
const matches = (scopes: string[] | undefined, q: string): boolean =>
  matchesScopeQuery(scopes, parseScopeQuery(q));

test('parseScopeQuery reads /# as "has any scope" (NGSI-LD 4.19)', () => {
  assert.deepEqual(parseScopeQuery('/#'), { kind: 'anyScope' });
});

test('parseScopeQuery reads levels, + and a trailing /#', () => {
  assert.deepEqual(parseScopeQuery('/Madrid/+/ParqueNorte'), {
    kind: 'patterns',
    anyOf: [[{ levels: ['Madrid', '+', 'ParqueNorte'], descendants: false }]],
  });
  assert.deepEqual(parseScopeQuery('/Madrid/Gardens/#'), {
    kind: 'patterns',
    anyOf: [[{ levels: ['Madrid', 'Gardens'], descendants: true }]],
  });
});

test('parseScopeQuery reads alternatives (| or ,) of conjunctions (;)', () => {
  const a = { levels: ['A'], descendants: false };
  const b = { levels: ['B'], descendants: false };
  const c = { levels: ['C'], descendants: true };
  assert.deepEqual(parseScopeQuery('(/A;/B)|/C/#'), { kind: 'patterns', anyOf: [[a, b], [c]] });
  assert.deepEqual(parseScopeQuery('/A,/B'), { kind: 'patterns', anyOf: [[a], [b]] });
});

test('parseScopeQuery strips one pair of surrounding quotes (spec example)', () => {
  assert.deepEqual(
    parseScopeQuery('"/Madrid/Centro,/Madrid/Cortes"'),
    parseScopeQuery('/Madrid/Centro,/Madrid/Cortes'),
  );
  assert.deepEqual(parseScopeQuery('"/#"'), { kind: 'anyScope' });
});

test('parseScopeQuery rejects syntax errors with their position', () => {
  rejects(() => parseScopeQuery(''), 'scopeQ: unexpected end of input at position 0');
  rejects(() => parseScopeQuery('Madrid'), "scopeQ: unexpected 'M' at position 0");
  rejects(() => parseScopeQuery('/Madrid/'), 'scopeQ: unexpected end of input at position 8');
  rejects(() => parseScopeQuery('/Ma-drid'), "scopeQ: invalid scope level 'Ma-drid' at position 1");
  rejects(() => parseScopeQuery('/A/#/B'), "scopeQ: unexpected '/' at position 4");
  rejects(() => parseScopeQuery('(/A;/B'), 'scopeQ: unexpected end of input at position 6');
  rejects(() => parseScopeQuery('"/A|"'), 'scopeQ: unexpected end of input at position 4');
});

test('matchesScopeQuery matches an exact scope, with or without a leading / in the entity', () => {
  assert.equal(matches(['/Madrid'], '/Madrid'), true);
  assert.equal(matches(['Madrid'], '/Madrid'), true);
  assert.equal(matches(['/Madrid/Gardens'], '/Madrid'), false);
});

test('matchesScopeQuery matches a scope and everything below it with /#', () => {
  assert.equal(matches(['/Madrid/Gardens'], '/Madrid/Gardens/#'), true);
  assert.equal(matches(['/Madrid/Gardens/ParqueNorte/Pond'], '/Madrid/Gardens/#'), true);
  assert.equal(matches(['/Madrid'], '/Madrid/Gardens/#'), false);
  assert.equal(matches(['/Madrid/Gardenia'], '/Madrid/Gardens/#'), false);
});

test('matchesScopeQuery matches exactly one level with +', () => {
  assert.equal(matches(['/Madrid/Gardens/ParqueNorte'], '/Madrid/+/ParqueNorte'), true);
  assert.equal(matches(['/Madrid/ParqueNorte'], '/Madrid/+/ParqueNorte'), false);
  assert.equal(matches(['/Madrid/A/B/ParqueNorte'], '/Madrid/+/ParqueNorte'), false);
});

test('matchesScopeQuery needs every pattern of a conjunction and any alternative', () => {
  assert.equal(matches(['/A', '/B'], '(/A;/B)'), true);
  assert.equal(matches(['/A'], '(/A;/B)'), false);
  assert.equal(matches(['/C/D'], '(/A;/B)|/C/#'), true);
});

test('matchesScopeQuery never matches an entity without scope; /# matches any scope', () => {
  assert.equal(matches(undefined, '/#'), false);
  assert.equal(matches([], '/#'), false);
  assert.equal(matches(undefined, '/A'), false);
  assert.equal(matches(['/X/Y'], '/#'), true);
});

test('parseScope accepts a string or an array of scopes, as given (data-model.md §8)', () => {
  assert.deepEqual(parseScope('/Madrid/Gardens'), ['/Madrid/Gardens']);
  assert.deepEqual(parseScope(['Madrid', '/Madrid/Gardens/ParqueNorte']), [
    'Madrid',
    '/Madrid/Gardens/ParqueNorte',
  ]);
  assert.deepEqual(parseScope([]), []);
});

test('parseScope rejects values outside the Scope grammar', () => {
  rejects(() => parseScope(3), 'scope must be a string or an array of strings');
  rejects(
    () => parseScope({ type: 'Property', value: '/A' }),
    'scope must be a string or an array of strings',
  );
  rejects(() => parseScope(['/A', 1]), 'scope must be a string or an array of strings');
  rejects(() => parseScope('/'), "invalid scope '/'");
  rejects(() => parseScope('/A/'), "invalid scope '/A/'");
  rejects(() => parseScope('/A/+'), "invalid scope '/A/+'");
  rejects(() => parseScope('/A//B'), "invalid scope '/A//B'");
  rejects(() => parseScope('/1A'), "invalid scope '/1A'");
});
