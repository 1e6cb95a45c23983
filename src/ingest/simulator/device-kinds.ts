/**
 * The kinds of simulated devices: the Smart Data Models entity type each one feeds, the
 * attributes it measures (short payload keys mapped to the model's attribute names, with
 * UN/CEFACT unit codes), its payload protocol, where in the city it stands and its share of
 * the default fleet. Attribute names and types come from the Smart Data Models (CC BY 4.0,
 * Smart Data Models / FIWARE Foundation): see docs/simulator.md.
 */
import type { AttributeMapping } from '../devices/device.model.js';
import type { DistrictKind } from './demo-city.model.js';

export const KIND_NAMES = [
  'parking',
  'waste',
  'streetlight',
  'air',
  'traffic',
  'water',
  'energy',
  'ev',
  'benchmark',
] as const;
export type KindName = (typeof KIND_NAMES)[number];

export type PayloadProtocol = 'IoTA-JSON' | 'IoTA-UL';

export interface DeviceKind {
  name: KindName;
  /** Smart Data Models entity type. */
  entityType: string;
  protocol: PayloadProtocol;
  attributes: AttributeMapping[];
  /** Relative density per district kind (0: never there). */
  districtWeights: Partial<Record<DistrictKind, number>>;
  /** Only on streets of these classes (demo city: primary, residential, lane). */
  streetClasses?: readonly string[];
  /** Share of a default fleet (0: only when asked for by --kinds). */
  share: number;
}

const everywhere = { residential: 1, commercial: 1, industrial: 1, mixed: 1 };

export const DEVICE_KINDS: Record<KindName, DeviceKind> = {
  parking: {
    name: 'parking',
    entityType: 'ParkingSpot',
    protocol: 'IoTA-JSON',
    attributes: [{ object_id: 's', name: 'status', type: 'Text' }],
    districtWeights: { commercial: 3, mixed: 2, residential: 1.5, industrial: 0.5 },
    share: 0.3,
  },
  waste: {
    name: 'waste',
    entityType: 'WasteContainer',
    protocol: 'IoTA-JSON',
    attributes: [
      { object_id: 'f', name: 'fillingLevel', type: 'Number', unitCode: 'C62' },
      { object_id: 't', name: 'temperature', type: 'Number', unitCode: 'CEL' },
    ],
    districtWeights: { residential: 3, mixed: 2, commercial: 2, industrial: 1 },
    share: 0.14,
  },
  streetlight: {
    name: 'streetlight',
    entityType: 'Streetlight',
    protocol: 'IoTA-UL',
    attributes: [
      { object_id: 'p', name: 'powerState', type: 'Text' },
      { object_id: 'l', name: 'illuminanceLevel', type: 'Number', unitCode: 'C62' },
      { object_id: 'w', name: 'powerConsumption', type: 'Number', unitCode: 'WTT' },
    ],
    districtWeights: everywhere,
    share: 0.2,
  },
  air: {
    name: 'air',
    entityType: 'AirQualityObserved',
    protocol: 'IoTA-JSON',
    attributes: [
      { object_id: 'pm25', name: 'pm25', type: 'Number', unitCode: 'GQ' },
      { object_id: 'pm10', name: 'pm10', type: 'Number', unitCode: 'GQ' },
      { object_id: 'no2', name: 'no2', type: 'Number', unitCode: 'GQ' },
      { object_id: 'o3', name: 'o3', type: 'Number', unitCode: 'GQ' },
    ],
    districtWeights: { ...everywhere, industrial: 1.5 },
    streetClasses: ['primary', 'residential'],
    share: 0.03,
  },
  traffic: {
    name: 'traffic',
    entityType: 'TrafficFlowObserved',
    protocol: 'IoTA-JSON',
    attributes: [
      { object_id: 'i', name: 'intensity', type: 'Integer' },
      { object_id: 'v', name: 'averageVehicleSpeed', type: 'Number', unitCode: 'KMH' },
      { object_id: 'o', name: 'occupancy', type: 'Number', unitCode: 'C62' },
    ],
    districtWeights: everywhere,
    streetClasses: ['primary'],
    share: 0.05,
  },
  water: {
    name: 'water',
    entityType: 'WaterConsumptionObserved',
    protocol: 'IoTA-UL',
    attributes: [
      { object_id: 'f', name: 'flow', type: 'Number', unitCode: 'E32' },
      { object_id: 'c', name: 'waterConsumption', type: 'Number', unitCode: 'MTQ' },
    ],
    districtWeights: { residential: 3, mixed: 2, commercial: 1, industrial: 0.5 },
    share: 0.15,
  },
  energy: {
    name: 'energy',
    entityType: 'ThreePhaseAcMeasurement',
    protocol: 'IoTA-JSON',
    attributes: [
      { object_id: 'p', name: 'totalActivePower', type: 'Number', unitCode: 'WTT' },
      { object_id: 'e', name: 'totalActiveEnergyImport', type: 'Number', unitCode: 'KWH' },
    ],
    districtWeights: { industrial: 3, commercial: 2, mixed: 1.5, residential: 1 },
    share: 0.08,
  },
  ev: {
    name: 'ev',
    entityType: 'EVChargingStation',
    protocol: 'IoTA-JSON',
    attributes: [
      { object_id: 'st', name: 'status', type: 'Text' },
      { object_id: 'a', name: 'availableCapacity', type: 'Integer' },
      { object_id: 'p', name: 'powerConsumption', type: 'Number', unitCode: 'KWT' },
    ],
    districtWeights: { commercial: 2, mixed: 2, residential: 1, industrial: 0.5 },
    share: 0.05,
  },
  // The ingest benchmark's device: a sequence number to count and time every message.
  benchmark: {
    name: 'benchmark',
    entityType: 'BenchmarkSensor',
    protocol: 'IoTA-JSON',
    attributes: [
      { object_id: 'n', name: 'sequenceNumber', type: 'Integer' },
      { object_id: 't', name: 'temperature', type: 'Number', unitCode: 'CEL' },
      { object_id: 'h', name: 'relativeHumidity', type: 'Number', unitCode: 'P1' },
    ],
    districtWeights: everywhere,
    share: 0,
  },
};

/** The kinds of a default city fleet. */
export const CITY_KINDS: readonly KindName[] = KIND_NAMES.filter(
  (name) => DEVICE_KINDS[name].share > 0,
);

/**
 * Splits `devices` between kinds in proportion to their shares (largest remainder), every
 * kind getting at least one device when there are enough; deterministic.
 */
export function apportionKinds(devices: number, kinds: readonly KindName[]): Map<KindName, number> {
  const shares = kinds.map((k) => DEVICE_KINDS[k].share || 1);
  const total = shares.reduce((s, x) => s + x, 0);
  const exact = shares.map((s) => (s / total) * devices);
  const counts = exact.map(Math.floor);
  let left = devices - counts.reduce((s, x) => s + x, 0);
  const order = exact
    .map((x, i) => ({ i, rest: x - Math.floor(x) }))
    .sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left === 0) break;
    counts[i]! += 1;
    left--;
  }
  if (devices >= kinds.length) {
    // Kinds of a small share may have got none: take one from the largest.
    for (let i = 0; i < counts.length; i++) {
      if (counts[i] !== 0) continue;
      const largest = counts.indexOf(Math.max(...counts));
      counts[largest]! -= 1;
      counts[i] = 1;
    }
  }
  return new Map(kinds.map((k, i) => [k, counts[i]!]));
}
