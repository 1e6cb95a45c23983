import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeIndexText, hasCodeUnitOrder } from './index-text.js';

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** Code-point order, as SQLite BINARY and PostgreSQL COLLATE "C" compare UTF-8. */
const byCodePoint = (a: string, b: string): number =>
  Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

describe('encodeIndexText', () => {
  it('encodeIndexText leaves texts without U+0000 and U+0001 as they are', () => {
    assert.equal(encodeIndexText("O'Brien; --"), "O'Brien; --");
  });

  it('encodeIndexText removes U+0000 and keeps equality and order', () => {
    const texts = [
      '',
      '\u0000',
      '\u0001',
      '\u0001\u0000',
      '\u0000\u0001',
      'a',
      'a\u0000',
      'a\u0000b',
      'a\u0001',
      'a\u0002',
      'ab',
      '\u0002',
    ];
    for (const text of texts) assert.ok(!encodeIndexText(text).includes('\u0000'));
    for (const a of texts) {
      for (const b of texts) {
        assert.equal(
          byCodePoint(encodeIndexText(a), encodeIndexText(b)),
          compare(a, b),
          `${JSON.stringify(a)} vs ${JSON.stringify(b)}`,
        );
      }
    }
  });
});

describe('hasCodeUnitOrder', () => {
  it('hasCodeUnitOrder is true when code-unit and code-point order agree against the text', () => {
    const stored = ['a', 'é', '\uE000', '\uFFFF', '😀', 'z😀', 'zz', 'z'];
    for (const bound of ['z', 'é', 'm\u07FF']) {
      assert.equal(hasCodeUnitOrder(bound), true);
      for (const text of stored)
        assert.equal(
          Math.sign(byCodePoint(text, bound)),
          compare(text, bound),
          `${text} vs ${bound}`,
        );
    }
  });

  it('hasCodeUnitOrder is false for texts with surrogates or characters from U+D800 up', () => {
    assert.equal(hasCodeUnitOrder('\uE000'), false);
    assert.equal(hasCodeUnitOrder('a😀'), false);
    // The reason: JavaScript puts U+E000 after 😀 (a surrogate pair), UTF-8 puts it before.
    assert.equal(compare('\uE000', '😀'), 1);
    assert.equal(byCodePoint('\uE000', '😀'), -1);
  });
});
