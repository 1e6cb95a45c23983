/**
 * The MQTT topics of the FIWARE IoT Agent conventions (IoTA-JSON, IoTA-UL), which devices
 * already speak:
 *
 *   [/][json/|ul/]<apikey>/<device_id>/attrs           measurements (several attributes)
 *   [/][json/|ul/]<apikey>/<device_id>/attrs/<attr>    one attribute, the payload is its value
 *   [/][json/|ul/]<apikey>/<device_id>/cmdexe          command results from the device
 *   [/][json/|ul/]<apikey>/<device_id>/cmd             commands to the device
 *
 * The prefix fixes the payload format; without one the device's protocol decides. Pure.
 */

export type PayloadFormat = 'json' | 'ul';

export type DeviceTopicKind = 'attrs' | 'cmdexe' | 'cmd';

export interface DeviceTopic {
  kind: DeviceTopicKind;
  apikey: string;
  deviceId: string;
  /** From the `/json` or `/ul` prefix; undefined when the topic has none. */
  format: PayloadFormat | undefined;
  /** The attribute of a single-value topic (`…/attrs/<attr>`). */
  attribute?: string;
}

const KINDS = new Set<string>(['attrs', 'cmdexe', 'cmd']);
const PREFIXES = new Set<string>(['json', 'ul']);

/** Reads a topic of the conventions; undefined when it is not one (topic-not-in-convention). */
export function parseDeviceTopic(topic: string): DeviceTopic | undefined {
  const levels = (topic.startsWith('/') ? topic.slice(1) : topic).split('/');
  // An apikey literally named "json" or "ul" stays readable: the prefixed reading is tried
  // first and the unprefixed one when the rest does not fit.
  const first = levels[0];
  if (first !== undefined && PREFIXES.has(first)) {
    const prefixed = readLevels(levels.slice(1), first as PayloadFormat);
    if (prefixed) return prefixed;
  }
  return readLevels(levels, undefined);
}

function readLevels(levels: string[], format: PayloadFormat | undefined): DeviceTopic | undefined {
  const [apikey, deviceId, kind, attribute, ...rest] = levels;
  if (rest.length > 0 || apikey === undefined || deviceId === undefined || kind === undefined)
    return undefined;
  if (!validLevel(apikey) || !validLevel(deviceId) || !KINDS.has(kind)) return undefined;
  if (attribute === undefined) return { kind: kind as DeviceTopicKind, apikey, deviceId, format };
  if (kind !== 'attrs' || !validLevel(attribute)) return undefined;
  return { kind: 'attrs', apikey, deviceId, format, attribute };
}

/** Non-empty and free of the MQTT wildcards (a topic name never holds them; a filter may). */
function validLevel(level: string): boolean {
  return level.length > 0 && !level.includes('+') && !level.includes('#');
}

/** The topic Civis publishes a device's commands to. */
export function commandTopic(apikey: string, deviceId: string): string {
  return `/${apikey}/${deviceId}/cmd`;
}

/**
 * The topic filters an MQTT client subscribes to in order to receive every device message
 * of the conventions (measurements and command results), in each accepted spelling.
 * `sharedGroup` makes them shared subscriptions (`$share/<group>/…`, MQTT 5 and Mosquitto
 * ≥ 1.6 with 3.1.1) so that several Civis instances split the messages between them.
 */
export function deviceMessageFilters(sharedGroup: string | undefined): string[] {
  const filters: string[] = [];
  for (const prefix of ['', 'json/', 'ul/']) {
    for (const suffix of ['attrs', 'attrs/+', 'cmdexe']) {
      for (const slash of ['/', '']) filters.push(`${slash}${prefix}+/+/${suffix}`);
    }
  }
  return sharedGroup ? filters.map((filter) => `$share/${sharedGroup}/${filter}`) : filters;
}
