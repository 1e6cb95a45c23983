/**
 * The `lang` parameter (NGSI-LD 4.15, query.md §9): a list of language ranges with optional
 * q-weights, like HTTP Accept-Language (`fr-CH,fr;q=0.9,*;q=0.5`), and the choice of one
 * entry of a LanguageProperty's languageMap for it.
 */
import type { LanguageMap } from '../model.js';
import { badRequestData } from '../problem-details.js';

export interface LanguageRange {
  /** A language tag or `*`, as written. */
  tag: string;
  /** Weight in [0, 1]; 1 when not given. */
  q: number;
}

/** Ranges by decreasing weight (ties keep their written order); weight-0 ranges removed. */
export interface LanguagePreference {
  ranges: LanguageRange[];
}

export interface LanguageChoice {
  /** The languageMap key chosen (a tag or `@none`). */
  tag: string;
  value: string | string[];
}

const MAX_LANG_LENGTH = 1_000;
const RANGE =
  /^(\*|[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)(?:\s*;\s*q=(0(?:\.\d{0,3})?|1(?:\.0{0,3})?))?$/;

/** Parses a `lang` value; 400 BadRequestData on anything that is not a list of ranges. */
export function parseLanguagePreference(text: string): LanguagePreference {
  if (text.length > MAX_LANG_LENGTH) {
    throw badRequestData(`lang: longer than ${MAX_LANG_LENGTH} characters`);
  }
  const ranges: LanguageRange[] = [];
  for (const item of text.split(',')) {
    const match = RANGE.exec(item.trim());
    if (!match)
      throw badRequestData(`lang: '${item.trim()}' is not a language tag with optional ;q=`);
    const [, tag = '', weight] = match;
    ranges.push({ tag, q: weight === undefined ? 1 : Number(weight) });
  }
  // Array.prototype.sort is stable, so equal weights keep the client's order.
  ranges.sort((a, b) => b.q - a.q);
  return { ranges: ranges.filter((range) => range.q > 0) };
}

/**
 * Picks the languageMap entry that best matches the preference: for each range in order,
 * an exact tag, then a more specific tag (`fr` matches `fr-CH`), then a less specific one
 * (RFC 4647 lookup: `fr-CH` falls back to `fr`); `*` takes any. With no match, `@none` if
 * present, else the first entry (query.md §9). Undefined only for an empty map.
 */
export function pickLanguage(
  map: LanguageMap,
  preference: LanguagePreference,
): LanguageChoice | undefined {
  const tags = Object.keys(map);
  const lower = tags.map((tag) => tag.toLowerCase());
  const choose = (index: number): LanguageChoice | undefined => {
    const tag = tags[index];
    const value = tag === undefined ? undefined : map[tag];
    return tag === undefined || value === undefined ? undefined : { tag, value };
  };
  for (const { tag } of preference.ranges) {
    if (tag === '*') break;
    const range = tag.toLowerCase();
    const exact = lower.indexOf(range);
    if (exact >= 0) return choose(exact);
    const narrower = lower.findIndex((candidate) => candidate.startsWith(`${range}-`));
    if (narrower >= 0) return choose(narrower);
    for (let cut = range.lastIndexOf('-'); cut > 0; cut = range.lastIndexOf('-', cut - 1)) {
      const broader = lower.indexOf(range.slice(0, cut));
      if (broader >= 0) return choose(broader);
    }
  }
  const none = tags.indexOf('@none');
  return choose(none >= 0 ? none : 0);
}
