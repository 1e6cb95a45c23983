/**
 * UltraLight 2.0 (the FIWARE IoT Agent UL protocol): `t|23.5|h|61` — pairs of key and value
 * separated by `|`. Several measure groups, each one measurement, are separated by `#` (or
 * by line breaks); a group may start with a timestamp element (`2016-06-13T00:35:30Z|t|23.5`)
 * that becomes its observedAt. A group `<device>@<command>|<result>` is a command result.
 *
 * The protocol has no escaping: `|`, `#` and line breaks cannot occur inside keys or values,
 * and values are text (an attribute mapping's type converts them). Empty keys or values,
 * an odd element count without a leading timestamp, and a payload with no group are errors.
 * Malformed input throws a ProblemDetails: 400, or 413 when it holds too many measures.
 */
import { invalidRequest, payloadTooLarge } from '../../ngsi-ld/problem-details.js';
import { MAX_MEASURES_PER_MESSAGE, type DecodedMeasure } from './json-measures.decoder.js';
import { parseMeasureTime } from './measure-time.js';

/** A device's answer to a command (`<device>@<command>|<result>`). */
export interface UltralightCommandResult {
  deviceId: string;
  command: string;
  result: string;
}

export interface UltralightPayload {
  measures: DecodedMeasure[];
  commandResults: UltralightCommandResult[];
}

const GROUP_SEPARATOR = /#|\r?\n/;
const COMMAND_HEAD = /^([^@|]+)@([^@|]+)$/;

export function decodeUltralight(text: string): UltralightPayload {
  const groups = text.split(GROUP_SEPARATOR).filter((group) => group.trim() !== '');
  if (groups.length === 0) throw invalidRequest('The UltraLight payload holds no measure group');
  if (groups.length > MAX_MEASURES_PER_MESSAGE)
    throw payloadTooLarge(
      `The UltraLight payload holds ${groups.length} groups; at most ${MAX_MEASURES_PER_MESSAGE} per message`,
    );
  const payload: UltralightPayload = { measures: [], commandResults: [] };
  groups.forEach((group, index) => {
    const elements = (group.startsWith('|') ? group.slice(1) : group).split('|');
    const head = elements[0] ?? '';
    const command = COMMAND_HEAD.exec(head);
    if (command !== null) {
      payload.commandResults.push({
        deviceId: command[1] as string,
        command: command[2] as string,
        result: elements.slice(1).join('|'),
      });
    } else {
      payload.measures.push(decodeGroup(elements, `group ${index + 1}`));
    }
  });
  return payload;
}

/** A command result published alone (MQTT `/<apikey>/<device_id>/cmdexe`). */
export function decodeUltralightCommandResult(text: string): UltralightCommandResult {
  const trimmed = text.trim();
  const separator = trimmed.indexOf('|');
  const head = separator === -1 ? trimmed : trimmed.slice(0, separator);
  const command = COMMAND_HEAD.exec(head);
  if (command === null)
    throw invalidRequest(
      `A command result must read <device>@<command>|<result>, got '${excerpt(trimmed)}'`,
    );
  return {
    deviceId: command[1] as string,
    command: command[2] as string,
    result: separator === -1 ? '' : trimmed.slice(separator + 1),
  };
}

function decodeGroup(elements: string[], where: string): DecodedMeasure {
  let start = 0;
  let observedAt: string | undefined;
  if (elements.length % 2 === 1) {
    observedAt = parseMeasureTime(elements[0]);
    if (observedAt === undefined)
      throw invalidRequest(
        `UltraLight ${where}: ${elements.length} elements, so the first must be an ISO 8601 timestamp, got '${excerpt(elements[0] ?? '')}'`,
      );
    start = 1;
  }
  if (elements.length - start > 2 * MAX_MEASURES_PER_MESSAGE)
    throw payloadTooLarge(
      `UltraLight ${where} holds more than ${MAX_MEASURES_PER_MESSAGE} measures`,
    );
  // No prototype: a key like `__proto__` is an ordinary measure name.
  const values = Object.create(null) as Record<string, unknown>;
  for (let i = start; i < elements.length; i += 2) {
    const key = (elements[i] as string).trim();
    const value = stripLineEnd(elements[i + 1] as string);
    if (key === '') throw invalidRequest(`UltraLight ${where}: empty key at element ${i + 1}`);
    if (value === '')
      throw invalidRequest(`UltraLight ${where}: measure '${excerpt(key)}' has an empty value`);
    values[key] = value;
  }
  if (start === elements.length) throw invalidRequest(`UltraLight ${where} holds no measures`);
  return observedAt === undefined ? { values } : { values, observedAt };
}

function stripLineEnd(value: string): string {
  return value.endsWith('\r') ? value.slice(0, -1) : value;
}

function excerpt(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
