/**
 * ChirpStack v4 HTTP integration events (JSON marshaler). ChirpStack names the event in the
 * `event` query parameter; an `up` event carries `deviceInfo.devEui`, `object` (the device
 * profile codec's output) and `time` (when the network server received the uplink). The
 * other events (join, status, ack, txack, log, location, integration) are acknowledged and
 * ignored.
 */
import { badRequestData } from '../../ngsi-ld/problem-details.js';
import {
  parseNetworkTime,
  requireDevEui,
  requireObject,
  requireValues,
  type LorawanMessage,
} from './lorawan-message.js';

const IGNORED_EVENTS = new Set([
  'join',
  'status',
  'ack',
  'txack',
  'log',
  'location',
  'integration',
]);

export function decodeChirpstackEvent(event: string | undefined, body: unknown): LorawanMessage {
  if (event === undefined) {
    throw badRequestData('The event query parameter is missing (ChirpStack sends ?event=up)');
  }
  if (event !== 'up') {
    if (IGNORED_EVENTS.has(event)) return { kind: 'ignored', what: event };
    throw badRequestData(
      `event=${event.slice(0, 32)} is not a ChirpStack v4 event (up, ${[...IGNORED_EVENTS].join(', ')})`,
    );
  }
  const message = requireObject(body, 'The body');
  const deviceInfo = requireObject(message.deviceInfo, 'deviceInfo');
  const devEui = requireDevEui(deviceInfo.devEui, 'deviceInfo.devEui');
  const values = requireValues(
    message.object,
    'object',
    'give the device profile a codec that decodes the payload',
  );
  const observedAt = parseNetworkTime(message.time, 'time');
  return { kind: 'uplink', devEui, values, ...(observedAt ? { observedAt } : {}) };
}
