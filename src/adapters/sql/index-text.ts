/**
 * Text as it is written into index columns. PostgreSQL `text` cannot hold U+0000, so both
 * dialects store the same escaped form: U+0000 → U+0001 U+0001, U+0001 → U+0001 U+0002.
 * The code is prefix-free and keeps the order of the code points, so equality and
 * lexicographic comparisons on encoded texts give the same answers as on the originals.
 */
export function encodeIndexText(text: string): string {
  if (!text.includes('\u0000') && !text.includes('\u0001')) return text;
  let encoded = '';
  for (const char of text) {
    encoded += char === '\u0000' ? '\u0001\u0001' : char === '\u0001' ? '\u0001\u0002' : char;
  }
  return encoded;
}

/**
 * JavaScript orders strings by UTF-16 code unit, SQL (`BINARY`, `COLLATE "C"`) by code
 * point. The two orders agree on every comparison with a text whose characters are all
 * below U+D800, so only such texts are used as bounds of SQL range tests.
 */
export function hasCodeUnitOrder(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0xd800) return false;
  return true;
}
