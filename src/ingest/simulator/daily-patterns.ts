/**
 * The daily and weekly curves behind the simulated readings, as pure functions of the
 * city's local time: each returns a level in [0, 1] (or a small factor) that the device
 * readings scale and add noise to. Shapes follow common open data: traffic peaks at 8:00
 * and 17:30 on weekdays, water use at 7:00 and 20:00, offices by day, homes by evening.
 */
import type { CityTime } from './city-clock.js';
import type { DistrictKind } from './demo-city.model.js';

/** A bell of height 1 at `center` (hours), width `width` hours, wrapping around midnight. */
export function bump(hour: number, center: number, width: number): number {
  const d = Math.min(Math.abs(hour - center), 24 - Math.abs(hour - center));
  return Math.exp(-(d * d) / (2 * width * width));
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

const isWeekend = (t: CityTime) => t.weekday >= 5;

/** Road traffic relative to the weekday morning peak. */
export function trafficLevel(t: CityTime): number {
  const h = t.hour;
  if (isWeekend(t)) return clamp01(0.06 + 0.5 * bump(h, 13, 3.5) + 0.2 * bump(h, 19, 2));
  return clamp01(0.06 + 0.9 * bump(h, 8, 1.1) + 0.85 * bump(h, 17.5, 1.4) + 0.4 * bump(h, 13, 3));
}

/** Chance that an on-street parking spot is occupied, by district and hour. */
export function parkingOccupancy(kind: DistrictKind, t: CityTime): number {
  const h = t.hour;
  const weekend = isWeekend(t);
  const sunday = t.weekday === 6;
  const shops = bump(h, 14, 3.8);
  switch (kind) {
    case 'commercial':
      return clamp01(0.12 + (sunday ? 0.3 : weekend ? 0.8 : 0.75) * shops);
    case 'residential':
      return clamp01(0.88 - (weekend ? 0.15 : 0.45) * bump(h, 12.5, 3.5));
    case 'industrial':
      return clamp01(0.08 + (weekend ? 0.05 : 0.75) * bump(h, 12, 3.2));
    case 'mixed':
      return clamp01(0.5 + (weekend ? 0.1 : 0.3) * shops - 0.1 * bump(h, 3, 3));
  }
}

/** Household water demand relative to the morning peak (0.02 at night). */
export function waterDemand(t: CityTime): number {
  const h = t.hour;
  const morning = isWeekend(t) ? bump(h, 9, 1.5) : bump(h, 7, 1);
  return clamp01(0.02 + 0.9 * morning + 0.7 * bump(h, 20, 1.8) + 0.3 * bump(h, 13, 2));
}

/** Electrical load relative to the peak, by the kind of buildings in the district. */
export function energyLoad(kind: DistrictKind, t: CityTime): number {
  const h = t.hour;
  const workday = !isWeekend(t);
  const office = workday ? 0.15 + 0.85 * Math.min(1, 1.6 * bump(h, 13, 3.2)) : 0.2;
  const home = 0.25 + 0.35 * bump(h, 7.5, 1.2) + 0.75 * bump(h, 20, 2);
  switch (kind) {
    case 'industrial':
      return clamp01(workday ? 0.35 + 0.65 * Math.min(1, 1.8 * bump(h, 12, 4)) : 0.3);
    case 'commercial':
      return clamp01(office);
    case 'residential':
      return clamp01(home);
    case 'mixed':
      return clamp01((office + home) / 2);
  }
}

/** Share of EV charging points in use. */
export function chargingDemand(kind: DistrictKind, t: CityTime): number {
  const h = t.hour;
  if (kind === 'residential') return clamp01(0.15 + 0.65 * bump(h, 21, 3));
  return clamp01(0.05 + (isWeekend(t) ? 0.45 : 0.7) * bump(h, 12, 3.5));
}

/** 0 in midwinter, 1 in midsummer (northern hemisphere). */
export function summerness(t: CityTime): number {
  return 0.5 - 0.5 * Math.cos((2 * Math.PI * (t.dayOfYear - 15)) / 365);
}
