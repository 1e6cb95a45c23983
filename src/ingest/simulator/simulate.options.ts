/** The options of `civis simulate`, checked at the edge: every problem is listed at once. */
import { CITY_KINDS, KIND_NAMES, type KindName } from './device-kinds.js';
import type { TransportMode } from './fleet.js';
import type { MqttAuth } from './mqtt-publisher.js';
import { SimulatorError } from './simulator-error.js';

export interface SimulateOptions {
  url: string;
  mqttUrl: string;
  devices: number;
  rate: number;
  durationSec: number | undefined;
  seed: number;
  transport: TransportMode;
  kinds: KindName[];
  timeScale: number;
  tenant: string | undefined;
  prefix: string;
  provision: boolean;
  qos: 0 | 1;
  mqttAuth: MqttAuth;
  httpConnections: number;
  maxInFlight: number;
  cityDir: string | undefined;
}

/** Raw values as commander hands them over (strings, booleans, undefined). */
export type RawSimulateOptions = Partial<Record<string, string | boolean | undefined>>;

export const SIMULATE_DEFAULTS = {
  url: 'http://localhost:1026',
  mqttUrl: 'mqtt://localhost:1883',
  devices: 1000,
  seed: 1,
  transport: 'mixed',
  timeScale: 1,
  prefix: 'sim',
  qos: 1,
  mqttConnections: 8,
  httpConnections: 16,
  maxInFlight: 10_000,
} as const;

export function parseSimulateOptions(raw: RawSimulateOptions): SimulateOptions {
  const problems: string[] = [];
  const text = (key: string): string | undefined => {
    const value = raw[key];
    return typeof value === 'string' ? value.trim() : undefined;
  };
  const number = (
    key: string,
    flag: string,
    fallback: number | undefined,
    check: { min: number; max: number; integer?: boolean },
  ): number | undefined => {
    const value = text(key);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (
      value === '' ||
      !Number.isFinite(n) ||
      n < check.min ||
      n > check.max ||
      (check.integer && !Number.isInteger(n))
    ) {
      problems.push(
        `--${flag} must be ${check.integer ? 'a whole number' : 'a number'} from ${check.min} to ${check.max}, got '${value}'`,
      );
      return fallback;
    }
    return n;
  };
  const url = (key: string, flag: string, fallback: string, protocols: string[]): string => {
    const value = text(key) ?? fallback;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol) || parsed.hostname === '') throw new Error();
    } catch {
      problems.push(
        `--${flag} must be a ${protocols.map((p) => `${p}//`).join(' or ')} URL, got '${value}'`,
      );
    }
    return value;
  };

  const devices = number('devices', 'devices', SIMULATE_DEFAULTS.devices, {
    min: 1,
    max: 1_000_000,
    integer: true,
  })!;
  const rate =
    number('rate', 'rate', undefined, { min: 0.001, max: 1_000_000 }) ?? Math.max(1, devices / 10);
  const durationSec = number('duration', 'duration', undefined, { min: 0.1, max: 31_536_000 });
  const seed = number('seed', 'seed', SIMULATE_DEFAULTS.seed, {
    min: 0,
    max: 4_294_967_295,
    integer: true,
  })!;
  const timeScale = number('timeScale', 'time-scale', SIMULATE_DEFAULTS.timeScale, {
    min: 0.001,
    max: 100_000,
  })!;
  const httpConnections = number(
    'httpConnections',
    'http-connections',
    SIMULATE_DEFAULTS.httpConnections,
    { min: 1, max: 1024, integer: true },
  )!;
  const mqttConnections = number(
    'mqttConnections',
    'mqtt-connections',
    SIMULATE_DEFAULTS.mqttConnections,
    { min: 1, max: 10_000, integer: true },
  )!;
  const maxInFlight = number('maxInFlight', 'max-in-flight', SIMULATE_DEFAULTS.maxInFlight, {
    min: 1,
    max: 1_000_000,
    integer: true,
  })!;
  const qos = number('qos', 'qos', SIMULATE_DEFAULTS.qos, { min: 0, max: 1, integer: true }) as
    0 | 1;

  const transport = (text('transport') ?? SIMULATE_DEFAULTS.transport) as TransportMode;
  if (!['mqtt', 'http', 'mixed'].includes(transport))
    problems.push(`--transport must be mqtt, http or mixed, got '${transport}'`);

  let kinds: KindName[] = [...CITY_KINDS];
  const kindList = text('kinds');
  if (kindList !== undefined) {
    const names = kindList
      .split(',')
      .map((k) => k.trim())
      .filter((k) => k !== '');
    const unknown = names.filter((k) => !(KIND_NAMES as readonly string[]).includes(k));
    if (names.length === 0 || unknown.length > 0)
      problems.push(
        `--kinds must list some of ${KIND_NAMES.join(', ')}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`,
      );
    else kinds = [...new Set(names as KindName[])];
  }

  // Prefixes end up in device ids, apikeys, MQTT topics and URLs: keep them plain.
  const prefix = text('prefix') ?? SIMULATE_DEFAULTS.prefix;
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(prefix))
    problems.push(`--prefix must be 1–32 letters, digits, _ or -, got '${prefix}'`);
  const tenant = text('tenant');
  if (tenant !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(tenant))
    problems.push(`--tenant must be 1–64 letters, digits, _ or -, got '${tenant}'`);

  const username = text('mqttUsername');
  const password = text('mqttPassword');
  const authMode = text('mqttAuth') ?? (username === undefined ? 'device' : 'shared');
  if (authMode !== 'device' && authMode !== 'shared')
    problems.push(`--mqtt-auth must be device or shared, got '${authMode}'`);
  if (authMode === 'device' && (username !== undefined || password !== undefined))
    problems.push('--mqtt-username/--mqtt-password need --mqtt-auth shared');
  const mqttAuth: MqttAuth =
    authMode === 'shared'
      ? { mode: 'shared', connections: mqttConnections, username, password }
      : { mode: 'device' };

  const options: SimulateOptions = {
    url: url('url', 'url', SIMULATE_DEFAULTS.url, ['http:', 'https:']).replace(/\/+$/, ''),
    mqttUrl: url('mqttUrl', 'mqtt-url', SIMULATE_DEFAULTS.mqttUrl, [
      'mqtt:',
      'mqtts:',
      'ws:',
      'wss:',
      'tcp:',
    ]),
    devices,
    rate,
    durationSec,
    seed,
    transport,
    kinds,
    timeScale,
    tenant,
    prefix,
    provision: raw['provision'] !== false,
    qos,
    mqttAuth,
    httpConnections,
    maxInFlight,
    cityDir: text('city'),
  };
  if (problems.length > 0)
    throw new SimulatorError(`Invalid options:\n${problems.map((p) => `  - ${p}`).join('\n')}`, 2);
  return options;
}
