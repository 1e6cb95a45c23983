/**
 * The payloads of device commands in the FIWARE IoT Agent formats (pure):
 *
 *   JSON  command {"<cmd>": value}              result {"<cmd>": result}
 *   UL    command <device_id>@<cmd>|<value>     result <device_id>@<cmd>|<result>
 *
 * `<cmd>` is the command's object_id (its name by default).
 */
import { isPlainObject } from '../../ngsi-ld/entity/json-value.js';
import { invalidRequest } from '../../ngsi-ld/problem-details.js';
import type { ProvisionedDevice } from '../devices/device.model.js';
import { decodeUltralightCommandResult } from '../pipeline/ultralight.decoder.js';
import type { PayloadFormat } from '../mqtt/mqtt-topics.js';

/** UltraLight for the IoTA-UL protocols, JSON otherwise (IoTA-JSON is the default). */
export function devicePayloadFormat(device: ProvisionedDevice): PayloadFormat {
  const protocol = device.protocol ?? device.device.protocol ?? device.group?.protocol ?? '';
  return /ul|ultralight/i.test(protocol) ? 'ul' : 'json';
}

/** The payload key of a device's command: its object_id, else its name. */
export function commandKey(device: ProvisionedDevice, command: string): string {
  const mapping = device.commands.find((c) => c.name === command);
  return mapping?.object_id ?? command;
}

export function encodeCommand(
  format: PayloadFormat,
  deviceId: string,
  key: string,
  value: unknown,
): string {
  if (format === 'json') return JSON.stringify({ [key]: value ?? null });
  return `${deviceId}@${key}|${ulParameters(value)}`;
}

/** UL parameters: a scalar as text, a list `a|b`, an object `k=v|k2=v2` (IoTA-UL). */
function ulParameters(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(ulScalar).join('|');
  if (typeof value === 'object')
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${ulScalar(k)}=${ulScalar(v)}`)
      .join('|');
  return ulScalar(value);
}

/** UL has no escaping: a separator inside a value would smuggle in another command. */
const UL_SEPARATORS = /[|#\r\n]/;

function ulScalar(value: unknown): string {
  const text = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
  if (UL_SEPARATORS.test(text))
    throw invalidRequest(
      "An UltraLight command value cannot hold '|', '#' or line breaks (UL has no escaping)",
    );
  return text;
}

export interface CommandResult {
  /** The command's object_id as the device sent it. */
  key: string;
  result: unknown;
}

/**
 * Reads a device's command results (a JSON object may carry several); throws a
 * ProblemDetails (400) that says what was wrong when the payload is not one.
 */
export function parseCommandResults(
  format: PayloadFormat,
  deviceId: string,
  payload: string,
): CommandResult[] {
  if (format === 'ul') {
    const result = decodeUltralightCommandResult(payload);
    if (result.deviceId !== deviceId)
      throw invalidRequest(
        `The command result names device '${result.deviceId}', not '${deviceId}'`,
      );
    return [{ key: result.command, result: result.result }];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch (error) {
    throw invalidRequest(`The command result is not JSON: ${(error as Error).message}`);
  }
  if (!isPlainObject(parsed))
    throw invalidRequest('A command result must be a JSON object {"<command>": result}');
  const results = Object.entries(parsed).map(([key, result]) => ({ key, result }));
  if (results.length === 0) throw invalidRequest('The command result names no command');
  return results;
}
