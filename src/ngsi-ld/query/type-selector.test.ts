import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isProblemDetails } from '../problem-details.js';
import { matchesTypeSelector, parseTypeSelector } from './type-selector.js';

const DEFAULT = 'https://uri.etsi.org/ngsi-ld/default-context/';
const expand = (t: string): string => (t.includes(':') ? t : DEFAULT + t);
const [building, house, home, vehicle, motorhome] = [
  'Building',
  'House',
  'Home',
  'Vehicle',
  'Motorhome',
].map(expand) as [string, string, string, string, string];

function rejects(text: string, detail: string): void {
  assert.throws(
    () => parseTypeSelector(text, expand),
    (error: unknown) => isProblemDetails(error) && error.status === 400 && error.detail === detail,
    text,
  );
}

test('parseTypeSelector returns undefined for * (all types, NGSI-LD 4.17)', () => {
  assert.equal(parseTypeSelector('*', expand), undefined);
});

test('parseTypeSelector reads one type, expanded', () => {
  assert.deepEqual(parseTypeSelector('Building', expand), { anyOf: [[building]] });
});

test('parseTypeSelector reads | and , as either type', () => {
  assert.deepEqual(parseTypeSelector('Building|House', expand), { anyOf: [[building], [house]] });
  assert.deepEqual(parseTypeSelector('Building,House', expand), { anyOf: [[building], [house]] });
});

test('parseTypeSelector reads (A;B) as both types and mixes it with alternatives', () => {
  assert.deepEqual(parseTypeSelector('(Home;Vehicle)|Motorhome', expand), {
    anyOf: [[home, vehicle], [motorhome]],
  });
  assert.deepEqual(parseTypeSelector('Home;Vehicle', expand), { anyOf: [[home, vehicle]] });
});

test('parseTypeSelector accepts absolute URIs and compact names', () => {
  assert.deepEqual(parseTypeSelector('https://example.org/Car,urn:ngsi-ld:T,ex:Bus', expand), {
    anyOf: [['https://example.org/Car'], ['urn:ngsi-ld:T'], ['ex:Bus']],
  });
});

test('parseTypeSelector tolerates blanks around names', () => {
  assert.deepEqual(parseTypeSelector(' ( Home ; Vehicle ) | Motorhome ', expand), {
    anyOf: [[home, vehicle], [motorhome]],
  });
});

test('parseTypeSelector rejects syntax errors with their position', () => {
  rejects('', 'type: unexpected end of input at position 0');
  rejects('A,', 'type: unexpected end of input at position 2');
  rejects('A||B', "type: unexpected '|' at position 2");
  rejects('(A;B', 'type: unexpected end of input at position 4');
  rejects('(A;B))', "type: unexpected ')' at position 5");
  rejects('A-B', "type: invalid entity type 'A-B' at position 0");
  rejects('A B', "type: invalid entity type 'A B' at position 0");
  rejects('1A', "type: invalid entity type '1A' at position 0");
  rejects('((A))', "type: unexpected '(' at position 1");
});

test('matchesTypeSelector matches any alternative whose types the entity all has', () => {
  const selector = { anyOf: [[home, vehicle], [motorhome]] };
  assert.equal(matchesTypeSelector([home, vehicle], selector), true);
  assert.equal(matchesTypeSelector([home], selector), false);
  assert.equal(matchesTypeSelector([motorhome, building], selector), true);
  assert.equal(matchesTypeSelector([], selector), false);
});
