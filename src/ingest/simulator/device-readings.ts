/**
 * What each simulated device reports: a reading per message, from the daily and weekly
 * curves of its kind and district, the device's own traits (drawn once from its seed) and
 * noise. Meters integrate their flow between two messages; a few water meters leak at night.
 * Values are keyed by the payload keys (object_id) of the kind's attributes.
 */
import { isDark, type CityTime } from './city-clock.js';
import {
  bump,
  chargingDemand,
  energyLoad,
  parkingOccupancy,
  summerness,
  trafficLevel,
  waterDemand,
} from './daily-patterns.js';
import type { DistrictKind } from './demo-city.model.js';
import type { SimulatedDevice } from './fleet.js';
import { createRandom, deriveSeed, type Random } from './seeded-random.js';

export type Reading = Record<string, string | number>;
export type ReadDevice = (t: CityTime) => Reading;

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
const clamp = (x: number, min: number, max: number) => Math.min(max, Math.max(min, x));

/** Local weekdays (0 = Monday) on which containers are emptied, at 6:00. */
const COLLECTION_DAYS: Record<DistrictKind, readonly number[]> = {
  residential: [0, 3],
  commercial: [0, 1, 2, 3, 4, 5],
  mixed: [1, 4],
  industrial: [2],
};

/** Days since the last collection (fractional), looking back at most a week. */
export function daysSinceCollection(t: CityTime, days: readonly number[]): number {
  for (let back = 0; back <= 7; back++) {
    const weekday = (((t.weekday - back) % 7) + 7) % 7;
    if (!days.includes(weekday)) continue;
    if (back === 0 && t.hour < 6) continue;
    return back + (t.hour - 6) / 24;
  }
  return 7;
}

/** Hours elapsed since the previous reading (0 for the first). */
function hoursSince(previous: { at: number }, t: CityTime): number {
  const now = t.at.getTime();
  const hours = previous.at === 0 ? 0 : Math.max(0, (now - previous.at) / 3_600_000);
  previous.at = now;
  return hours;
}

function parking(device: SimulatedDevice, random: Random): ReadDevice {
  const district = device.placement.district.kind;
  const bias = random.between(-0.1, 0.1);
  let occupied = random.chance(0.5);
  return (t) => {
    // A spot changes now and then: re-drawn on a quarter of the messages.
    if (random.chance(0.25))
      occupied = random.chance(clamp(parkingOccupancy(district, t) + bias, 0, 1));
    return { s: occupied ? 'occupied' : 'free' };
  };
}

function waste(device: SimulatedDevice, random: Random): ReadDevice {
  const district = device.placement.district.kind;
  const perDay =
    district === 'commercial'
      ? random.between(0.4, 1)
      : district === 'industrial'
        ? random.between(0.08, 0.18)
        : random.between(0.1, 0.32);
  return (t) => {
    const level = perDay * daysSinceCollection(t, COLLECTION_DAYS[district]);
    const temperature = 4 + 16 * summerness(t) + 5 * bump(t.hour, 15, 4) + random.gaussian();
    return {
      f: round(clamp(level + 0.01 * random.gaussian(), 0, 1), 2),
      t: round(temperature, 1),
    };
  };
}

function streetlight(device: SimulatedDevice, random: Random): ReadDevice {
  const [lon, lat] = device.placement.location;
  const ratedW = random.pick([40, 60, 90, 120, 150]);
  const defective = random.chance(0.01);
  return (t) => {
    const dark = isDark(t.at, t.dayOfYear, lat, lon);
    // Dimmed to half between 23:00 and 5:00.
    const level = !dark || defective ? 0 : t.hour >= 23 || t.hour < 5 ? 0.5 : 1;
    const watts = level === 0 ? 0.5 : ratedW * level * (1 + 0.02 * random.gaussian());
    return { p: level === 0 ? 'off' : 'on', l: level, w: round(watts, 1) };
  };
}

function air(device: SimulatedDevice, random: Random): ReadDevice {
  const industrial = device.placement.district.kind === 'industrial' ? 1.4 : 1;
  const station = random.between(0.8, 1.25) * industrial;
  return (t) => {
    const traffic = trafficLevel(t);
    const winter = 1 - summerness(t);
    const heating = winter * bump(t.hour, 19.5, 2.5);
    const pm10 = station * (12 + 14 * traffic + 18 * heating) * (1 + 0.08 * random.gaussian());
    const no2 = station * (10 + 45 * traffic) * (1 + 0.1 * random.gaussian());
    const o3 =
      (15 + 85 * summerness(t) * bump(t.hour, 15, 3) - 8 * traffic) *
      (1 + 0.08 * random.gaussian());
    return {
      pm25: round(Math.max(0, pm10 * random.between(0.55, 0.7)), 1),
      pm10: round(Math.max(0, pm10), 1),
      no2: round(Math.max(0, no2), 1),
      o3: round(Math.max(0, o3), 1),
    };
  };
}

function traffic(device: SimulatedDevice, random: Random): ReadDevice {
  // Vehicles counted over a five-minute observation period at the peak, and free-flow speed.
  const capacity = random.between(90, 180);
  const freeFlow = random.pick([30, 50, 50, 70]);
  return (t) => {
    const level = clamp(trafficLevel(t) * (1 + 0.1 * random.gaussian()), 0, 1.2);
    return {
      i: Math.max(0, Math.round(capacity * level)),
      v: round(Math.max(5, freeFlow * (1 - 0.55 * level * level) + 2 * random.gaussian()), 1),
      o: round(clamp(0.6 * level * level + 0.02 * random.gaussian(), 0, 1), 2),
    };
  };
}

function water(device: SimulatedDevice, random: Random): ReadDevice {
  const peakLitresPerHour = random.between(150, 900);
  const meter = { at: 0, m3: round(random.between(100, 5000), 3) };
  let leakDay = Number.NaN;
  let leakLitresPerHour = 0;
  return (t) => {
    if (t.day !== leakDay) {
      // About one night in twenty, a meter sees a leak from 1:00 to 5:00.
      const night = createRandom(deriveSeed(device.seed, 'leak', t.day));
      leakLitresPerHour = night.chance(0.05) ? night.between(30, 150) : 0;
      leakDay = t.day;
    }
    const leak = t.hour >= 1 && t.hour < 5 ? leakLitresPerHour : 0;
    const use = peakLitresPerHour * waterDemand(t) * Math.max(0, 1 + 0.25 * random.gaussian());
    const flow = use + leak;
    meter.m3 += (flow * hoursSince(meter, t)) / 1000;
    return { f: round(flow, 1), c: round(meter.m3, 3) };
  };
}

function energy(device: SimulatedDevice, random: Random): ReadDevice {
  const district = device.placement.district.kind;
  const peakW = random.between(5_000, district === 'industrial' ? 250_000 : 60_000);
  const meter = { at: 0, kwh: round(random.between(1_000, 500_000), 2) };
  return (t) => {
    const watts = peakW * energyLoad(district, t) * (1 + 0.05 * random.gaussian());
    meter.kwh += (Math.max(0, watts) / 1000) * hoursSince(meter, t);
    return { p: round(Math.max(0, watts), 0), e: round(meter.kwh, 2) };
  };
}

function ev(device: SimulatedDevice, random: Random): ReadDevice {
  const district = device.placement.district.kind;
  const capacityAttribute = device.staticAttributes.find((a) => a.name === 'capacity');
  const capacity = typeof capacityAttribute?.value === 'number' ? capacityAttribute.value : 2;
  const socketKw = random.pick([7.4, 11, 22]);
  let inUse = 0;
  let outOfServiceDay = Number.NaN;
  let outOfService = false;
  return (t) => {
    if (t.day !== outOfServiceDay) {
      outOfService = createRandom(deriveSeed(device.seed, 'fault', t.day)).chance(0.01);
      outOfServiceDay = t.day;
    }
    if (outOfService) return { st: 'outOfService', a: 0, p: 0 };
    const wanted = chargingDemand(district, t) * capacity;
    // Vehicles arrive and leave one at a time.
    if (random.chance(0.3))
      inUse = clamp(inUse + (random.next() < wanted - inUse + 0.5 ? 1 : -1), 0, capacity);
    const free = capacity - inUse;
    const status =
      free === 0 ? 'full' : inUse === 0 ? 'empty' : free === 1 ? 'almostFull' : 'working';
    const kw = inUse * socketKw * random.between(0.6, 1);
    return { st: status, a: free, p: round(kw, 1) };
  };
}

function benchmark(_device: SimulatedDevice, random: Random): ReadDevice {
  let sequence = 0;
  return (t) => ({
    n: ++sequence,
    t: round(12 + 8 * bump(t.hour, 15, 4) + random.gaussian(), 1),
    h: round(clamp(60 - 20 * bump(t.hour, 15, 4) + 3 * random.gaussian(), 0, 100), 1),
  });
}

const READERS = { parking, waste, streetlight, air, traffic, water, energy, ev, benchmark };

export function createReader(device: SimulatedDevice): ReadDevice {
  return READERS[device.kind.name](device, createRandom(device.seed));
}
