/**
 * The simulated fleet: which devices exist, of which kind, where each stands, how it talks
 * (MQTT or HTTP, JSON or UltraLight) and in which order they report. Everything follows
 * from the seed: the same options give the same fleet, and each device draws its position
 * and readings from its own stream, so adding devices does not move the others.
 */
import type { AttributeMapping, StaticAttribute } from '../devices/device.model.js';
import type { CityIndex, Placement } from './demo-city.model.js';
import { placeDevice } from './demo-city.model.js';
import { DEVICE_KINDS, apportionKinds, type DeviceKind, type KindName } from './device-kinds.js';
import { createRandom, deriveSeed } from './seeded-random.js';

export type TransportMode = 'mqtt' | 'http' | 'mixed';

/** Share of MQTT devices in a mixed fleet. */
const MIXED_MQTT_SHARE = 0.7;

export interface SimulatedDevice {
  /** Position in the fleet, 0 … n-1. */
  index: number;
  kind: DeviceKind;
  deviceId: string;
  entityId: string;
  apikey: string;
  transport: 'MQTT' | 'HTTP';
  placement: Placement;
  staticAttributes: StaticAttribute[];
  /** Seed of the device's own stream of readings. */
  seed: number;
}

/** A service group of the IoT Agent provisioning API: one per kind. */
export interface FleetGroup {
  kind: DeviceKind;
  apikey: string;
  entityType: string;
  protocol: DeviceKind['protocol'];
  resource: '/iot/json' | '/iot/d';
  attributes: AttributeMapping[];
}

export interface Fleet {
  devices: SimulatedDevice[];
  groups: FleetGroup[];
  /** Reporting order: message k goes to devices[order[k mod n]]. */
  order: Uint32Array;
}

export interface FleetOptions {
  seed: number;
  devices: number;
  kinds: readonly KindName[];
  transport: TransportMode;
  /** Prefix of device ids and apikeys (`sim` gives sim-parking-00001). */
  prefix: string;
  city: CityIndex;
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

export function apikeyOf(prefix: string, seed: number, kind: KindName): string {
  return `${prefix}-${kind}-${hex8(deriveSeed(seed, 'apikey', prefix, kind))}`;
}

function staticAttributes(
  kind: DeviceKind,
  placement: Placement,
  cityName: string,
  draw: () => number,
): StaticAttribute[] {
  const attributes: StaticAttribute[] = [
    {
      name: 'location',
      type: 'geo:json',
      value: { type: 'Point', coordinates: placement.location },
    },
    {
      name: 'address',
      type: 'StructuredValue',
      value: { streetAddress: placement.street.name, addressLocality: cityName },
    },
    {
      name: 'refDistrict',
      type: 'Relationship',
      value: `urn:ngsi-ld:District:${placement.district.id}`,
    },
  ];
  if (kind.name === 'streetlight')
    attributes.push({ name: 'lanternHeight', type: 'Number', value: 6 + Math.floor(draw() * 5) });
  if (kind.name === 'ev')
    attributes.push({ name: 'capacity', type: 'Integer', value: 2 + Math.floor(draw() * 3) });
  return attributes;
}

export function buildFleet(options: FleetOptions): Fleet {
  const { seed, prefix, city } = options;
  const counts = apportionKinds(options.devices, options.kinds);
  const devices: SimulatedDevice[] = [];
  const groups: FleetGroup[] = [];
  for (const name of options.kinds) {
    const kind = DEVICE_KINDS[name];
    const apikey = apikeyOf(prefix, seed, name);
    groups.push({
      kind,
      apikey,
      entityType: kind.entityType,
      protocol: kind.protocol,
      resource: kind.protocol === 'IoTA-UL' ? '/iot/d' : '/iot/json',
      attributes: kind.attributes,
    });
    const count = counts.get(name) ?? 0;
    for (let n = 1; n <= count; n++) {
      const random = createRandom(deriveSeed(seed, 'device', name, n));
      const placement = placeDevice(city, random, kind.districtWeights, kind.streetClasses);
      const deviceId = `${prefix}-${name}-${String(n).padStart(5, '0')}`;
      const mqtt =
        options.transport === 'mqtt' ||
        (options.transport === 'mixed' && random.next() < MIXED_MQTT_SHARE);
      devices.push({
        index: devices.length,
        kind,
        deviceId,
        entityId: `urn:ngsi-ld:${kind.entityType}:${deviceId}`,
        apikey,
        transport: mqtt ? 'MQTT' : 'HTTP',
        placement,
        staticAttributes: staticAttributes(kind, placement, city.city.name, random.next),
        seed: deriveSeed(seed, 'readings', name, n),
      });
    }
  }
  const order = new Uint32Array(devices.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const shuffle = createRandom(deriveSeed(seed, 'order'));
  for (let i = order.length - 1; i > 0; i--) {
    const j = shuffle.int(i + 1);
    const tmp = order[i]!;
    order[i] = order[j]!;
    order[j] = tmp;
  }
  return { devices, groups, order };
}
