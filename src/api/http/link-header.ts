/** The JSON-LD context Link header (NGSI-LD 6.3.5): `<url>; rel="http://www.w3.org/ns/json-ld#context"`. */
import { badRequestData } from '../../ngsi-ld/problem-details.js';

export const JSON_LD_CONTEXT_REL = 'http://www.w3.org/ns/json-ld#context';

/** The context URL of the request's Link header, undefined when none is a JSON-LD context link. */
export function contextUrlFromLink(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const links = (Array.isArray(header) ? header : [header]).flatMap(splitLinks);
  const contextLinks = links.filter((link) => link.rel === JSON_LD_CONTEXT_REL);
  if (contextLinks.length > 1) throw badRequestData('Link: more than one JSON-LD @context link');
  const [link] = contextLinks;
  if (!link) return undefined;
  try {
    new URL(link.url);
  } catch {
    throw badRequestData(`Link: '${link.url}' is not an absolute URL`);
  }
  return link.url;
}

function splitLinks(header: string): Array<{ url: string; rel: string | undefined }> {
  const result: Array<{ url: string; rel: string | undefined }> = [];
  const pattern = /<([^>]*)>((?:\s*;\s*[^;,]+=(?:"[^"]*"|[^;,]*))*)/g;
  let matched = false;
  for (const match of header.matchAll(pattern)) {
    matched = true;
    const params = match[2] ?? '';
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]*))/i.exec(params);
    result.push({ url: (match[1] ?? '').trim(), rel: rel ? (rel[1] ?? rel[2]) : undefined });
  }
  if (!matched && header.trim() !== '')
    throw badRequestData(`Link: cannot parse '${header.slice(0, 200)}'`);
  return result;
}

export function linkHeaderFor(url: string): string {
  return `<${url}>; rel="${JSON_LD_CONTEXT_REL}"; type="application/ld+json"`;
}
