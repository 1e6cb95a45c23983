/**
 * Templates with `{field}` placeholders (entity ids, Relationship targets). Values are
 * percent-encoded when they go into a URI, so that a code with a space, '/' or '#' still
 * yields one valid, deterministic id — the same row always maps to the same entity.
 */
import type { Template } from './import-mapping.model.js';

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** The template, or a problem for the mapping's error list. */
export function parseTemplate(text: string): Template | { problem: string } {
  const parts: Template['parts'] = [];
  const fields: string[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const field = (match[1] ?? '').trim();
    if (field === '') return { problem: `empty placeholder {} in '${text}'` };
    if (match.index > last) parts.push({ literal: text.slice(last, match.index) });
    parts.push({ field });
    if (!fields.includes(field)) fields.push(field);
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ literal: text.slice(last) });
  const stray = parts.some((part) => 'literal' in part && /[{}]/.test(part.literal));
  if (stray) return { problem: `unbalanced '{' or '}' in '${text}'` };
  return { text, parts, fields };
}

/** A UTF-16 surrogate without its pair (JSON allows `"\ud800"`): no URI can hold it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Keeps the characters a URN or URL path segment allows as they are; encodes the rest, and
 * `separator` too: the value is then followed by another placeholder after that character,
 * and `{a}:{b}` must not give `a:b:c` for both ("a:b", "c") and ("a", "b:c").
 */
export function encodeIdValue(value: string, separator?: string): string {
  const encoded = encodeURIComponent(value).replace(/%(3A|40|24|2B|2C|3B|3D)/gi, (escape) =>
    decodeURIComponent(escape),
  );
  if (separator === undefined || !encoded.includes(separator)) return encoded;
  // Token by token, so that the hex digits of an escape are never taken for the separator.
  return encoded.replace(/%[0-9A-F]{2}|[^%]/g, (token) =>
    token === separator
      ? `%${separator.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
      : token,
  );
}

export type TemplateResult = { value: string } | { emptyField: string } | { invalidField: string };

/**
 * Fills the placeholders with `lookup(field)`; an empty or missing value is reported rather
 * than rendered, since `urn:ngsi-ld:ParkingSpot:` would merge unrelated rows into one entity.
 * When encoding (ids, Relationship targets), distinct values always give distinct URIs,
 * provided placeholders are separated by text (the mapping parser checks it).
 */
export function renderTemplate(
  template: Template,
  lookup: (field: string) => string | undefined,
  encode: boolean,
): TemplateResult {
  let value = '';
  for (const [index, part] of template.parts.entries()) {
    if ('literal' in part) {
      value += part.literal;
      continue;
    }
    const raw = lookup(part.field);
    if (raw === undefined || raw.trim() === '') return { emptyField: part.field };
    if (!encode) {
      value += raw;
      continue;
    }
    if (LONE_SURROGATE.test(raw)) return { invalidField: part.field };
    value += encodeIdValue(raw.trim(), separatorAfter(template, index));
  }
  return { value };
}

/** The first character after placeholder `index`, when another placeholder follows it. */
function separatorAfter(template: Template, index: number): string | undefined {
  const later = template.parts.slice(index + 1).some((part) => 'field' in part);
  const next = template.parts[index + 1];
  return later && next && 'literal' in next ? next.literal[0] : undefined;
}

/** Placeholders with nothing between them (`{a}{b}`): their values cannot be told apart. */
export function hasAdjacentPlaceholders(template: Template): boolean {
  return template.parts.some(
    (part, index) => 'field' in part && 'field' in (template.parts[index + 1] ?? {}),
  );
}
