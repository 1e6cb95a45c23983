/**
 * What an MQTT notification endpoint means (NGSI-LD 7.2, subscriptions.md §9): the broker,
 * credentials and topic of `mqtt[s]://[user[:pass]@]host[:port]/topic[/sub…]` and the
 * notifierInfo settings MQTT-QoS and MQTT-Version. The subscription parser refuses what this
 * refuses (400), and the MQTT sender connects with what it returns.
 */
import { redactCredentials } from './endpoint-rules.js';

export interface MqttTarget {
  protocol: 'mqtt' | 'mqtts';
  /** Without IPv6 brackets. */
  host: string;
  port: number;
  username: string | undefined;
  password: string | undefined;
  /** 4 = MQTT 3.1.1, 5 = MQTT 5.0. */
  protocolVersion: 4 | 5;
  topic: string;
  qos: 0 | 1 | 2;
}

const DEFAULT_PORTS = { mqtt: 1883, mqtts: 8883 } as const;
const VERSIONS: Record<string, 4 | 5> = { 'mqtt3.1.1': 4, 'mqtt5.0': 5 };
const QOS: Record<string, 0 | 1 | 2> = { '0': 0, '1': 1, '2': 2 };
/** MQTT 3.1.1 §1.5.3 / 5.0 §1.5.4: a UTF-8 string of at most 65,535 bytes. */
const MAX_TOPIC_BYTES = 65_535;

export function parseMqttEndpoint(endpoint: {
  uri: string;
  notifierInfo?: ReadonlyArray<{ key: string; value: string }>;
}): { target: MqttTarget } | { problem: string } {
  const shown = redactCredentials(endpoint.uri);
  let url: URL;
  try {
    url = new URL(endpoint.uri);
  } catch {
    return { problem: `${shown} is not a URI` };
  }
  const protocol = url.protocol.slice(0, -1);
  if (protocol !== 'mqtt' && protocol !== 'mqtts')
    return { problem: `${shown} is not an mqtt or mqtts URI` };
  if (url.hostname === '') return { problem: `${shown} names no broker host` };
  // A URL parser takes '#' (the multi-level wildcard) and '?' as the start of a fragment
  // or query, which would silently cut the topic short.
  if (/[?#]/.test(endpoint.uri))
    return {
      problem: `${shown}: a topic may not contain '#' or '?' (publish needs a literal topic)`,
    };
  const topic = decode(url.pathname.slice(1));
  if (topic === undefined) return { problem: `the topic of ${shown} is not valid UTF-8` };
  const topicProblem = checkTopic(topic);
  if (topicProblem !== undefined) return { problem: `${shown}: ${topicProblem}` };

  const settings = new Map((endpoint.notifierInfo ?? []).map(({ key, value }) => [key, value]));
  const version = settings.get('MQTT-Version') ?? 'mqtt5.0';
  const protocolVersion = VERSIONS[version];
  if (protocolVersion === undefined)
    return { problem: `notifierInfo MQTT-Version must be mqtt3.1.1 or mqtt5.0, not ${version}` };
  const qosText = settings.get('MQTT-QoS') ?? '0';
  const qos = QOS[qosText];
  if (qos === undefined)
    return { problem: `notifierInfo MQTT-QoS must be 0, 1 or 2, not ${qosText}` };

  return {
    target: {
      protocol,
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port === '' ? DEFAULT_PORTS[protocol] : Number(url.port),
      username: url.username === '' ? undefined : decode(url.username),
      password: url.password === '' ? undefined : decode(url.password),
      protocolVersion,
      topic,
      qos,
    },
  };
}

function checkTopic(topic: string): string | undefined {
  if (topic === '') return 'the URI path names no topic';
  if (/[+#]/.test(topic)) return 'a topic to publish to may not contain the wildcards + or #';
  if (topic.includes('\u0000')) return 'a topic may not contain U+0000';
  if (new TextEncoder().encode(topic).length > MAX_TOPIC_BYTES)
    return 'the topic is longer than 65,535 bytes';
  return undefined;
}

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
