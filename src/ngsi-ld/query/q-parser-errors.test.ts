import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQ } from './q-parser.js';
import { isProblemDetails } from '../problem-details.js';

const expand = (t: string): string =>
  t.includes(':') ? t : 'https://uri.etsi.org/ngsi-ld/default-context/' + t;

function rejects(q: string, detail: string | RegExp, status = 400): void {
  assert.throws(
    () => parseQ(q, expand),
    (error: unknown) => {
      assert.ok(isProblemDetails(error), `not a ProblemDetails: ${String(error)}`);
      assert.equal(error.status, status);
      if (status === 400)
        assert.equal(error.type, 'https://uri.etsi.org/ngsi-ld/errors/BadRequestData');
      if (typeof detail === 'string') assert.equal(error.detail, detail);
      else assert.match(error.detail, detail);
      return true;
    },
    q,
  );
}

test('parseQ names the position of an unexpected character (STYLE.md example)', () => {
  rejects('temperature>>5', "q: unexpected '>' at position 12");
  rejects('a=5', "q: unexpected '=' at position 1");
  rejects('a>==5', "q: unexpected '=' at position 3");
  rejects('|a', "q: unexpected '|' at position 0");
  rejects('a)', "q: unexpected ')' at position 1");
  rejects('()', "q: unexpected ')' at position 1");
  rejects('a;;b', "q: unexpected ';' at position 2");
  rejects('a b', "q: unexpected 'b' at position 2");
  rejects('a-b==1', "q: unexpected '-' at position 1");
});

test('parseQ reports the end of input when a term is incomplete', () => {
  rejects('', 'q: unexpected end of input at position 0');
  rejects('a>', 'q: unexpected end of input at position 2');
  rejects('a;', 'q: unexpected end of input at position 2');
  rejects('(a', 'q: unexpected end of input at position 2');
  rejects('((a)', 'q: unexpected end of input at position 4');
});

test('parseQ rejects invalid attribute names', () => {
  rejects('1abc==1', "q: invalid attribute name '1abc' at position 0");
  rejects('a.9b==1', "q: invalid attribute name '9b' at position 2");
  rejects('a:b:c==1', "q: invalid attribute name 'a:b:c' at position 0");
  rejects('a..b', "q: unexpected '.' at position 2");
});

test('parseQ rejects malformed member paths', () => {
  rejects('a[x', "q: missing ']' at position 1");
  rejects('a[]==1', "q: invalid member path '' at position 2");
  rejects('a[x..y]==1', "q: invalid member path 'x..y' at position 2");
  rejects(
    'a.observedAt[x]==1',
    "q: 'observedAt' has no members to select with [...] at position 0",
  );
  rejects('a[x]b==1', "q: unexpected 'b' at position 4");
});

test('parseQ answers 501 for linked entity queries rel{attr} (optional feature)', () => {
  rejects('rel{speed}>3', /linked entity queries/, 501);
});

test('parseQ rejects broken strings', () => {
  rejects('a=="abc', 'q: unterminated string at position 3');
  rejects(String.raw`a=="\q"`, 'q: invalid string at position 3');
  rejects('a=="tab\there"', 'q: invalid string at position 3');
  rejects('a=="x"y', "q: unexpected 'y' at position 6");
});

test('parseQ rejects invalid typed values', () => {
  rejects('a==2018-02-30', "q: invalid Date '2018-02-30' at position 3");
  rejects('a==2018-08-01T25:00:00Z', "q: invalid DateTime '2018-08-01T25:00:00Z' at position 3");
  rejects('a==24:00:00Z', "q: invalid Time '24:00:00Z' at position 3");
  rejects('a==1e999', "q: number out of range '1e999' at position 3");
});

test('parseQ rejects values that cannot be URIs', () => {
  rejects('a==x<y', "q: unexpected '<' at position 4");
  rejects('a==x"y"', `q: unexpected '"' at position 4`);
  rejects('a==x\u0000', String.raw`q: unexpected '\u0000' at position 4`);
});

test('parseQ rejects misused lists and ranges', () => {
  rejects('a>1,2', "q: operator '>' takes a single value at position 2");
  rejects('a<=1..2', "q: operator '<=' takes a single value at position 3");
  rejects('a>true', "q: operator '>' cannot compare booleans at position 2");
  rejects('a==1..2..3', "q: unexpected '.' at position 7");
  rejects('a==1..2,3', "q: unexpected ',' at position 7");
  rejects('a==1,2..3', 'q: a list cannot contain a range at position 6');
  rejects('a==1.."b"', 'q: range bounds must be comparable values of one type at position 3');
  rejects('a==true..false', 'q: range bounds must be comparable values of one type at position 3');
  rejects('a==1,', 'q: unexpected end of input at position 5');
});

test('parseQ rejects a regular expression RE2 cannot compile', () => {
  rejects('a~="(ab"', /^q: invalid regular expression \(.*missing closing \).*\) at position 3$/);
  rejects('a~="(?=x)"', /^q: invalid regular expression .* at position 3$/);
  rejects('a!~=', 'q: unexpected end of input at position 4');
});

test('parseQ rejects SQL fragments cleanly with 400', () => {
  rejects("a==1' OR '1'='1", "q: unexpected ' ' at position 5");
  rejects('a==1;DROP TABLE entities', "q: unexpected 'T' at position 10");
  rejects('a==1);DELETE FROM x;--', "q: unexpected ')' at position 4");
});

test('parseQ rejects a query longer than 10,000 characters', () => {
  rejects('a' + ';a'.repeat(5000), 'q: query longer than 10000 characters at position 10000');
});

test('parseQ rejects nesting deeper than 50 parentheses without blowing the stack', () => {
  rejects(
    '('.repeat(51) + 'a' + ')'.repeat(51),
    'q: nesting deeper than 50 parentheses at position 50',
  );
  rejects('('.repeat(9_999), 'q: nesting deeper than 50 parentheses at position 50');
});
