/**
 * Content negotiation for the NGSI-LD API (NGSI-LD 6.3.4, contexts.md §4): which response
 * media type an Accept header selects, and what a Content-Type header names.
 */
export const MEDIA_JSON = 'application/json';
export const MEDIA_JSON_LD = 'application/ld+json';
export const MEDIA_GEO_JSON = 'application/geo+json';
export const MEDIA_MERGE_PATCH = 'application/merge-patch+json';

export type ResponseMediaType = typeof MEDIA_JSON | typeof MEDIA_JSON_LD | typeof MEDIA_GEO_JSON;

interface AcceptRange {
  type: string;
  subtype: string;
  q: number;
  order: number;
}

function parseAccept(header: string): AcceptRange[] {
  return header
    .split(',')
    .map((part, order) => {
      const [range = '', ...params] = part.split(';').map((s) => s.trim());
      const [type = '', subtype = ''] = range.toLowerCase().split('/');
      let q = 1;
      for (const param of params) {
        const [name, value] = param.split('=').map((s) => s.trim());
        if (name === 'q' && value !== undefined) {
          const n = Number(value);
          q = Number.isFinite(n) ? Math.min(Math.max(n, 0), 1) : 0;
        }
      }
      return { type, subtype, q, order };
    })
    .filter((r) => r.type !== '' && r.subtype !== '');
}

function specificity(range: AcceptRange, candidate: string): number {
  const [type, subtype] = candidate.split('/');
  if (range.type === type && range.subtype === subtype) return 3;
  if (range.type === type && range.subtype === '*') return 2;
  if (range.type === '*' && range.subtype === '*') return 1;
  return 0;
}

/**
 * The candidate the Accept header prefers (q-weights honoured; wildcards pick the first
 * candidate), or undefined when none is acceptable. No header → the first candidate.
 */
export function negotiate(
  accept: string | undefined,
  candidates: readonly ResponseMediaType[],
): ResponseMediaType | undefined {
  if (accept === undefined || accept.trim() === '') return candidates[0];
  const ranges = parseAccept(accept);
  let best: { candidate: ResponseMediaType; q: number; rank: number } | undefined;
  candidates.forEach((candidate, rank) => {
    let match: { q: number; spec: number } | undefined;
    for (const range of ranges) {
      const spec = specificity(range, candidate);
      if (spec > 0 && (!match || spec > match.spec)) match = { q: range.q, spec };
    }
    if (match && match.q > 0 && (!best || match.q > best.q)) best = { candidate, q: match.q, rank };
  });
  return best?.candidate;
}

/** The bare media type of a Content-Type header, lower-cased, without parameters. */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const type = contentType.split(';')[0]?.trim().toLowerCase();
  return type === '' ? undefined : type;
}
