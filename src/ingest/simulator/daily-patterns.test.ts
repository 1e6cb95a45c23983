import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CityTime } from './city-clock.js';
import {
  bump,
  chargingDemand,
  energyLoad,
  parkingOccupancy,
  summerness,
  trafficLevel,
  waterDemand,
} from './daily-patterns.js';
import { DISTRICT_KINDS } from './demo-city.model.js';

const at = (hour: number, weekday = 1, dayOfYear = 100): CityTime => ({
  at: new Date(0),
  hour,
  weekday,
  dayOfYear,
  day: 0,
});

describe('daily patterns', () => {
  it('every curve stays within [0, 1] at every hour of the week', () => {
    for (let weekday = 0; weekday < 7; weekday++) {
      for (let hour = 0; hour < 24; hour += 0.25) {
        const t = at(hour, weekday);
        const levels = [trafficLevel(t), waterDemand(t), summerness(t)];
        for (const kind of DISTRICT_KINDS)
          levels.push(parkingOccupancy(kind, t), energyLoad(kind, t), chargingDemand(kind, t));
        for (const level of levels) assert.ok(level >= 0 && level <= 1, `${level} at ${hour}`);
      }
    }
  });

  it('bump wraps around midnight', () => {
    assert.equal(bump(23.5, 0.5, 1), bump(1.5, 0.5, 1));
    assert.equal(bump(8, 8, 1), 1);
  });

  it('trafficLevel peaks at 8:00 and 17:30 on weekdays, lower at the weekend', () => {
    const weekday = (h: number) => trafficLevel(at(h));
    assert.ok(weekday(8) > 0.9 && weekday(17.5) > 0.85);
    assert.ok(weekday(8) > weekday(11) && weekday(17.5) > weekday(14));
    assert.ok(weekday(3) < 0.1);
    assert.ok(trafficLevel(at(8, 6)) < 0.3);
  });

  it('parkingOccupancy: homes full at night, shops by day', () => {
    assert.ok(parkingOccupancy('residential', at(2)) > parkingOccupancy('residential', at(12)));
    assert.ok(parkingOccupancy('commercial', at(14)) > 0.8);
    assert.ok(parkingOccupancy('commercial', at(3)) < 0.2);
    assert.ok(parkingOccupancy('industrial', at(12, 6)) < 0.2);
  });

  it('waterDemand: morning and evening peaks, near nothing at night', () => {
    assert.ok(waterDemand(at(7)) > 0.8);
    assert.ok(waterDemand(at(20)) > 0.6);
    assert.ok(waterDemand(at(3)) < 0.05);
  });

  it('energyLoad: offices by day on workdays, homes in the evening', () => {
    assert.ok(energyLoad('commercial', at(13)) > 3 * energyLoad('commercial', at(2)));
    assert.ok(energyLoad('residential', at(20)) > energyLoad('residential', at(13)));
  });

  it('summerness is low in January and high in July', () => {
    assert.ok(summerness(at(12, 0, 15)) < 0.01);
    assert.ok(summerness(at(12, 0, 197)) > 0.99);
  });
});
