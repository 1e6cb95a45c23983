/**
 * The Things Stack v3 webhook messages (JSON format). An uplink carries
 * `end_device_ids.dev_eui`, `uplink_message.decoded_payload` (the application's or device's
 * payload formatter output) and `uplink_message.received_at` (when the network received it;
 * the message's own `received_at` when absent). Every other message kind of a webhook
 * (join_accept, downlink_*, location_solved, service_data…) is acknowledged and ignored,
 * so one webhook URL may be enabled for all of them.
 */
import { badRequestData } from '../../ngsi-ld/problem-details.js';
import {
  parseNetworkTime,
  requireDevEui,
  requireObject,
  requireValues,
  type LorawanMessage,
} from './lorawan-message.js';

/** The message kinds of TTS v3 webhooks other than uplinks (each names its body member). */
const IGNORED_KINDS = [
  'join_accept',
  'downlink_ack',
  'downlink_nack',
  'downlink_sent',
  'downlink_failed',
  'downlink_queued',
  'downlink_queue_invalidated',
  'location_solved',
  'service_data',
  'uplink_normalized',
] as const;

export function decodeTtsMessage(body: unknown): LorawanMessage {
  const message = requireObject(body, 'The body');
  if (!('uplink_message' in message)) {
    const kind = IGNORED_KINDS.find((k) => k in message);
    if (kind === undefined) {
      throw badRequestData(
        'The body is not a The Things Stack v3 message: it has no uplink_message nor any other known message member',
      );
    }
    return { kind: 'ignored', what: kind };
  }
  const ids = requireObject(message.end_device_ids, 'end_device_ids');
  const devEui = requireDevEui(ids.dev_eui, 'end_device_ids.dev_eui');
  const uplink = requireObject(message.uplink_message, 'uplink_message');
  const values = requireValues(
    uplink.decoded_payload,
    'uplink_message.decoded_payload',
    'give the device or application an uplink payload formatter',
  );
  const observedAt =
    parseNetworkTime(uplink.received_at, 'uplink_message.received_at') ??
    parseNetworkTime(message.received_at, 'received_at');
  return { kind: 'uplink', devEui, values, ...(observedAt ? { observedAt } : {}) };
}
