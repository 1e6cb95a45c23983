import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCityClock, isDark, sunTimesUtc } from './city-clock.js';

describe('createCityClock', () => {
  const clock = createCityClock('Europe/Paris');

  it('createCityClock gives the local hour and weekday in winter (UTC+1)', () => {
    const t = clock(new Date('2026-01-05T07:30:00Z'));
    assert.equal(t.weekday, 0); // Monday
    assert.equal(t.hour, 8.5);
    assert.equal(t.dayOfYear, 5);
  });

  it('createCityClock follows summer time (UTC+2) and local midnight', () => {
    const saturday = clock(new Date('2026-07-04T06:00:00Z'));
    assert.equal(saturday.weekday, 5);
    assert.equal(saturday.hour, 8);
    const sunday = clock(new Date('2026-07-04T22:15:00Z'));
    assert.equal(sunday.weekday, 6);
    assert.equal(sunday.hour, 0.25);
    assert.equal(sunday.day, saturday.day + 1);
  });

  it('createCityClock keeps the seconds within a cached minute', () => {
    const a = clock(new Date('2026-03-10T10:00:00Z'));
    const b = clock(new Date('2026-03-10T10:00:30Z'));
    assert.ok(Math.abs(b.hour - a.hour - 30 / 3600) < 1e-9);
  });
});

describe('daylight', () => {
  it('sunTimesUtc gives long summer days and short winter days at 46° N', () => {
    const summer = sunTimesUtc(172, 46.2, 2.6);
    const winter = sunTimesUtc(355, 46.2, 2.6);
    assert.ok(Math.abs(summer.sunset - summer.sunrise - 15.6) < 0.3);
    assert.ok(Math.abs(winter.sunset - winter.sunrise - 8.6) < 0.3);
  });

  it('sunTimesUtc handles polar night and midnight sun', () => {
    const night = sunTimesUtc(355, 80, 0);
    assert.equal(night.sunrise, night.sunset);
    const day = sunTimesUtc(172, 80, 0);
    assert.equal(day.sunset - day.sunrise, 24);
  });

  it('isDark is true at midnight and false at noon', () => {
    assert.equal(isDark(new Date('2026-06-21T00:00:00Z'), 172, 46.2, 2.6), true);
    assert.equal(isDark(new Date('2026-06-21T12:00:00Z'), 172, 46.2, 2.6), false);
    assert.equal(isDark(new Date('2026-12-21T16:45:00Z'), 355, 46.2, 2.6), true);
    assert.equal(isDark(new Date('2026-06-21T19:00:00Z'), 172, 46.2, 2.6), false);
  });
});
