import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCityClock } from './city-clock.js';
import { createReader, daysSinceCollection } from './device-readings.js';
import { KIND_NAMES, type KindName } from './device-kinds.js';
import { testFleet } from './fleet.fixtures.js';
import type { SimulatedDevice } from './fleet.js';

const clock = createCityClock('Europe/Paris');
const fleet = testFleet({ devices: 3000, kinds: KIND_NAMES });
const devicesOf = (kind: KindName) => fleet.devices.filter((d) => d.kind.name === kind);
/** A local time in Lindmere (Europe/Paris, UTC+1 in January). */
const local = (iso: string) => clock(new Date(`${iso}+01:00`));
const HOUR = 3_600_000;

describe('device readings', () => {
  it('every kind reports each of its attributes with a value of the declared type', () => {
    for (const kind of KIND_NAMES) {
      const device = devicesOf(kind)[0]!;
      const read = createReader(device);
      for (let h = 0; h < 48; h++) {
        const reading = read(clock(new Date(Date.UTC(2026, 0, 5) + h * HOUR)));
        assert.deepEqual(
          Object.keys(reading).sort(),
          device.kind.attributes.map((a) => a.object_id).sort(),
          kind,
        );
        for (const attribute of device.kind.attributes) {
          const value = reading[attribute.object_id!];
          if (attribute.type === 'Text') assert.equal(typeof value, 'string', attribute.name);
          if (attribute.type === 'Integer') assert.ok(Number.isInteger(value), attribute.name);
          if (attribute.type === 'Number')
            assert.ok(typeof value === 'number' && Number.isFinite(value), attribute.name);
        }
      }
    }
  });

  it('readings repeat for the same device and times', () => {
    const device = devicesOf('air')[0]!;
    const times = [0, 1, 2].map((h) => clock(new Date(Date.UTC(2026, 0, 5) + h * HOUR)));
    const a = createReader(device);
    const b = createReader(device);
    assert.deepEqual(times.map(a), times.map(b));
  });

  it('streetlights are on at night, dimmed after 23:00 and off by day', () => {
    for (const device of devicesOf('streetlight').slice(0, 20)) {
      const read = createReader(device);
      const night = read(local('2026-01-06T21:00:00'));
      const late = read(local('2026-01-07T02:00:00'));
      const day = read(local('2026-01-07T12:00:00'));
      assert.deepEqual(day, { p: 'off', l: 0, w: 0.5 });
      if (night['p'] === 'off') continue; // a defective lamp
      assert.equal(night['l'], 1);
      assert.equal(late['l'], 0.5);
      assert.ok((night['w'] as number) > (late['w'] as number));
    }
  });

  it('parking spots are free or occupied, fuller in shopping streets by day than at night', () => {
    const spots = devicesOf('parking').filter((d) => d.placement.district.kind === 'commercial');
    const share = (iso: string) => {
      let occupied = 0;
      for (const spot of spots) {
        const read = createReader(spot);
        let status = '';
        for (let i = 0; i < 20; i++) status = String(read(local(iso))['s']);
        assert.ok(status === 'free' || status === 'occupied');
        if (status === 'occupied') occupied++;
      }
      return occupied / spots.length;
    };
    assert.ok(share('2026-01-07T14:00:00') > share('2026-01-07T03:00:00') + 0.4);
  });

  it('waste containers fill between collections and are emptied on collection day', () => {
    const device = devicesOf('waste').find((d) => d.placement.district.kind === 'residential')!;
    const read = createReader(device);
    // Residential collections on Monday and Thursday at 6:00 (2026-01-05 is a Monday).
    const monday = read(local('2026-01-05T07:00:00'))['f'] as number;
    const wednesday = read(local('2026-01-07T20:00:00'))['f'] as number;
    const thursday = read(local('2026-01-08T07:00:00'))['f'] as number;
    assert.ok(wednesday > monday + 0.2, `${monday} → ${wednesday}`);
    assert.ok(thursday < 0.1, String(thursday));
  });

  it('daysSinceCollection counts back to the last collection at 6:00', () => {
    const at = (weekday: number, hour: number) => ({
      at: new Date(0),
      weekday,
      hour,
      dayOfYear: 1,
      day: 0,
    });
    assert.equal(daysSinceCollection(at(0, 6), [0, 3]), 0);
    assert.equal(daysSinceCollection(at(0, 5), [0, 3]), 4 - 1 / 24);
    assert.equal(daysSinceCollection(at(2, 18), [0, 3]), 2.5);
    assert.equal(daysSinceCollection(at(2, 18), []), 7);
  });

  it('water meters count up, and some leak at night now and then', () => {
    const meters = devicesOf('water').slice(0, 100);
    let leakingNights = 0;
    for (const meter of meters) {
      const read = createReader(meter);
      let previous = -1;
      for (let day = 0; day < 20; day++) {
        const base = Date.parse('2026-01-05T00:00:00+01:00') + day * 24 * HOUR;
        for (const hour of [3, 7, 12, 20]) {
          const reading = read(clock(new Date(base + hour * HOUR)));
          const total = reading['c'] as number;
          assert.ok(total >= previous);
          previous = total;
          // Use at 3:00 is at most 2 % of a 900 L/h peak, plus noise: more is a leak.
          if (hour === 3 && (reading['f'] as number) > 29) leakingNights++;
        }
      }
    }
    const share = leakingNights / (100 * 20);
    assert.ok(share > 0.02 && share < 0.09, String(share));
  });

  it('EV charging stations never report more free points than they have', () => {
    for (const station of devicesOf('ev')) {
      const capacity = station.staticAttributes.find((a) => a.name === 'capacity')?.value as number;
      const read = createReader(station);
      for (let h = 0; h < 72; h++) {
        const reading = read(clock(new Date(Date.UTC(2026, 0, 5) + h * HOUR)));
        const free = reading['a'] as number;
        assert.ok(free >= 0 && free <= capacity);
        const status = reading['st'];
        if (free === capacity && status !== 'outOfService') assert.equal(status, 'empty');
        if (status === 'full') assert.equal(free, 0);
      }
    }
  });

  it('air quality: more NO2 at rush hour than at night', () => {
    const stations = devicesOf('air');
    const mean = (iso: string) =>
      stations.reduce((s, d) => s + (createReader(d)(local(iso))['no2'] as number), 0) /
      stations.length;
    assert.ok(mean('2026-01-07T08:00:00') > 2 * mean('2026-01-07T03:00:00'));
  });

  it('energy meters add up their power over time', () => {
    const device = devicesOf('energy')[0]!;
    const read = createReader(device);
    const first = read(clock(new Date(Date.UTC(2026, 0, 5, 12))));
    const second = read(clock(new Date(Date.UTC(2026, 0, 5, 13))));
    const added = (second['e'] as number) - (first['e'] as number);
    const expected = (second['p'] as number) / 1000;
    assert.ok(Math.abs(added - expected) < 0.02 + expected * 0.001, `${added} vs ${expected}`);
  });

  it('benchmark sensors number their messages from 1', () => {
    const read = createReader(devicesOf('benchmark')[0] as SimulatedDevice);
    const t = local('2026-01-07T12:00:00');
    assert.deepEqual([read(t)['n'], read(t)['n'], read(t)['n']], [1, 2, 3]);
  });
});
