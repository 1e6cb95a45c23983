/**
 * The Endpoint of NotificationParams (NGSI-LD 5.2.15, subscriptions.md §2–§3): a URI with a
 * scheme some sender handles, accept, receiverInfo/notifierInfo, timeout and cooldown. What a
 * sender would refuse at delivery is refused here (400), so that a subscription accepted can
 * be notified: receiverInfo entries that are not valid headers, MQTT URIs without a literal
 * topic or with unknown notifierInfo settings (7.2), and whatever the sender's own check says.
 */
import { assertUri } from '../entity/names.js';
import { badRequestData } from '../problem-details.js';
import { headerProblem, redactCredentials } from './endpoint-rules.js';
import {
  checkMemberNames,
  expectList,
  expectObject,
  expectString,
  expectWholeNumber,
} from './member-checks.js';
import { parseMqttEndpoint } from './mqtt-endpoint.js';
import {
  ENDPOINT_ACCEPTS,
  type EndpointAccept,
  type KeyValuePair,
  type SubscriptionEndpoint,
} from './subscription.js';

const ENDPOINT_MEMBERS = ['uri', 'accept', 'receiverInfo', 'notifierInfo', 'timeout', 'cooldown'];
/** Longest endpoint timeout and cooldown: one day, in milliseconds. */
export const MAX_ENDPOINT_MS = 86_400_000;
const MAX_INFO_KEY = 256;
const MAX_INFO_VALUE = 4_096;

export interface EndpointParseOptions {
  /** URI schemes the notification senders handle ('http', 'mqtt', …). */
  schemes: readonly string[];
  /**
   * Why the sender of the endpoint's scheme could never deliver to it (for example an
   * `urn:` that is no stream of Civis), or undefined; see NotificationSender.validate.
   */
  checkEndpoint?: (endpoint: SubscriptionEndpoint) => string | undefined;
}

export function parseEndpoint(value: unknown, options: EndpointParseOptions): SubscriptionEndpoint {
  const where = 'notification.endpoint';
  const input = expectObject(value, where);
  checkMemberNames(input, where, ENDPOINT_MEMBERS);
  if (input['uri'] === undefined) throw badRequestData(`${where}.uri is missing`);
  const uri = assertUri(expectString(input['uri'], `${where}.uri`), `${where}.uri`);
  const scheme = uri.slice(0, uri.indexOf(':')).toLowerCase();
  if (!options.schemes.includes(scheme))
    throw badRequestData(
      `${where}.uri: scheme '${scheme}' is not supported; use ${options.schemes.join(', ') || 'none available'}`,
    );
  if (/^(https?|mqtts?)$/.test(scheme) && !/^[a-z]+:\/\/[^/?#\s]+/i.test(uri))
    throw badRequestData(`${where}.uri '${redactCredentials(uri)}' has no host`);
  const endpoint: SubscriptionEndpoint = { uri, accept: parseAccept(input['accept']) };
  if (input['receiverInfo'] !== undefined)
    endpoint.receiverInfo = parseKeyValues(input['receiverInfo'], `${where}.receiverInfo`);
  if (input['notifierInfo'] !== undefined)
    endpoint.notifierInfo = parseKeyValues(input['notifierInfo'], `${where}.notifierInfo`);
  // Whole milliseconds up to a day: timers and database columns take nothing else.
  if (input['timeout'] !== undefined)
    endpoint.timeout = expectWholeNumber(input['timeout'], `${where}.timeout`, 1, MAX_ENDPOINT_MS);
  if (input['cooldown'] !== undefined)
    endpoint.cooldown = expectWholeNumber(
      input['cooldown'],
      `${where}.cooldown`,
      1,
      MAX_ENDPOINT_MS,
    );
  if (scheme === 'mqtt' || scheme === 'mqtts') {
    const mqtt = parseMqttEndpoint(endpoint);
    if ('problem' in mqtt) throw badRequestData(`${where}: ${mqtt.problem}`);
  }
  const problem = options.checkEndpoint?.(endpoint);
  if (problem !== undefined) throw badRequestData(`${where}: ${redactCredentials(problem)}`);
  return endpoint;
}

function parseAccept(value: unknown): EndpointAccept {
  if (value === undefined) return 'application/json';
  if (typeof value !== 'string' || !(ENDPOINT_ACCEPTS as readonly string[]).includes(value))
    throw badRequestData(
      `notification.endpoint.accept must be one of ${ENDPOINT_ACCEPTS.join(', ')}`,
    );
  return value as EndpointAccept;
}

/**
 * KeyValuePair[] (5.2.22): receiverInfo entries become HTTP headers or MQTT metadata, so both
 * lists must hold valid header fields (headerProblem, the rule the HTTP sender applies) and
 * may not set Content-Type, which the notifier sets itself.
 */
function parseKeyValues(value: unknown, where: string): KeyValuePair[] {
  return expectList(value, where).map((item, i) => {
    const pair = expectObject(item, `${where}[${i}]`);
    checkMemberNames(pair, `${where}[${i}]`, ['key', 'value']);
    const key = expectString(pair['key'], `${where}[${i}].key`);
    const text = pair['value'];
    if (typeof text !== 'string') throw badRequestData(`${where}[${i}].value must be a string`);
    if (key.length > MAX_INFO_KEY || text.length > MAX_INFO_VALUE)
      throw badRequestData(
        `${where}[${i}]: keys hold at most ${MAX_INFO_KEY} characters, values ${MAX_INFO_VALUE}`,
      );
    if (key.toLowerCase() === 'content-type')
      throw badRequestData(`${where}[${i}].key '${key}' is a header the notifier sets itself`);
    const problem = headerProblem(key, text);
    if (problem !== undefined) throw badRequestData(`${where}[${i}]: ${problem}`);
    return { key, value: text };
  });
}
