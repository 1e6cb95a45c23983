/**
 * How the context service reads request @context values and names stored entries: the user
 * entries of a request context, the `@context` member of a downloaded document, and the
 * deterministic ids of Cached and ImplicitlyCreated entries.
 */
import { createHash } from 'node:crypto';
import { isCoreContextUrl } from '../ngsi-ld/context/core-context.js';
import { isRecord } from '../ngsi-ld/context/local-context.js';
import { badRequestData, ldContextNotAvailable } from '../ngsi-ld/problem-details.js';

export type UserEntry = string | Readonly<Record<string, unknown>>;

/**
 * The user part of a request context: URLs and objects in order, core URLs dropped (the core
 * is always applied last, contexts.md §2) and everything before a `null` dropped (it resets).
 */
export function userEntries(raw: unknown): UserEntry[] {
  const elements: unknown[] = Array.isArray(raw) ? raw : [raw];
  let entries: UserEntry[] = [];
  for (const element of elements) {
    if (element === null) entries = [];
    else if (typeof element === 'string') {
      if (!isCoreContextUrl(element)) entries.push(element);
    } else if (isRecord(element)) entries.push(element);
    else {
      throw badRequestData(
        `@context: ${JSON.stringify(element)} is not a URL, an object or an array of these`,
      );
    }
  }
  return entries;
}

export function contextMember(document: unknown, url: string): unknown {
  if (!isRecord(document) || document['@context'] === undefined) {
    throw ldContextNotAvailable(`@context ${url} is not a JSON object with an "@context" member`);
  }
  return document['@context'];
}

export function isHttpUrl(value: string): boolean {
  return /^https?:\/\//i.test(value) && URL.canParse(value);
}

/** Cached entries are keyed by their (normalised) URL, so they can be found by it. */
export function cachedIdOf(url: string): string {
  return uuidFromHash(`Cached\n${new URL(url).href}`);
}

export function absoluteHttpUrl(reference: string, base: string | undefined): string {
  let url: URL | undefined;
  try {
    url = new URL(reference, base);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw badRequestData(`@context: ${reference} is not an absolute http or https URL`);
  }
  return url.href;
}

/**
 * The id of the ImplicitlyCreated entry for a context (its JSON text): derived from the text,
 * so each distinct context is minted once, even across restarts and instances.
 */
export function implicitIdOf(contextText: string): string {
  return uuidFromHash(`ImplicitlyCreated\n${contextText}`);
}

/** A UUID (RFC 9562 version 8) derived from `text`: the same text always gets the same id. */
function uuidFromHash(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
