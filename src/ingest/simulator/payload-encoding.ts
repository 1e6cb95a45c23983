/**
 * Southbound payloads as the IoT Agents define them: IoTA-JSON is an object of payload keys
 * (object_id) to values; UltraLight 2.0 is `key|value|key|value`, where `|` separates and
 * `#` starts a new measure group, so neither may occur in a key or a value.
 */
import type { PayloadProtocol } from './device-kinds.js';
import type { Reading } from './device-readings.js';

const UL_RESERVED = /[|#\r\n]/;

export function encodeUltraLight(reading: Reading): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(reading)) {
    const text = String(value);
    if (UL_RESERVED.test(key) || UL_RESERVED.test(text) || key === '')
      throw new RangeError(
        `UltraLight cannot carry ${JSON.stringify(key)}=${JSON.stringify(text)}`,
      );
    parts.push(key, text);
  }
  return parts.join('|');
}

export function encodePayload(protocol: PayloadProtocol, reading: Reading): string {
  return protocol === 'IoTA-UL' ? encodeUltraLight(reading) : JSON.stringify(reading);
}
