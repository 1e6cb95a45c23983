/**
 * Times that devices send (a `TimeInstant`/`timestamp` key, a UltraLight group's leading
 * element, the `t` query parameter): ISO 8601 date-times, normalised to the UTC form
 * NGSI-LD's observedAt takes (NGSI-LD 4.6.3). A time without an offset is UTC, as the FIWARE
 * IoT Agents read it.
 */

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** The UTC ISO form of `text` (milliseconds precision), or undefined when it is not a real date-time. */
export function parseMeasureTime(text: unknown): string | undefined {
  if (typeof text !== 'string' || text.length > 40) return undefined;
  const match = ISO_DATE_TIME.exec(text);
  if (match === null) return undefined;
  const [year, month, day, hour, minute] = match.slice(1, 6).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = Number(match[6] ?? '0');
  const millis = Number(((match[7] ?? '') + '000').slice(0, 3));
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const local = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const date = new Date(local);
  // Date.UTC rolls 30 February over into March: a real day maps back onto itself.
  if (date.getUTCFullYear() !== year || date.getUTCDate() !== day || year < 1900) return undefined;
  const offset = offsetMinutes(match[8]);
  if (offset === undefined) return undefined;
  return new Date(local - offset * 60_000).toISOString();
}

function offsetMinutes(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  if (hours > 14 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes);
}
