/**
 * Local time in the simulated city (time zone of city.json) and daylight, which drive the
 * daily and weekly patterns. Intl is slow for tens of thousands of calls a second, so the
 * local time is computed once per minute and reused.
 */

export interface CityTime {
  /** The instant. */
  at: Date;
  /** Local hour of day with its fraction, in [0, 24). */
  hour: number;
  /** Local day of the week, 0 = Monday … 6 = Sunday. */
  weekday: number;
  /** Local day of the year, 1 … 366. */
  dayOfYear: number;
  /** Local calendar day as a day number (days since 1970-01-01), to key daily events. */
  day: number;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export function createCityClock(timeZone: string): (at: Date) => CityTime {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    weekday: 'short',
  });
  let cachedMinute = Number.NaN;
  let cached: Omit<CityTime, 'at' | 'hour'> & { minuteOfDay: number } = {
    weekday: 0,
    dayOfYear: 1,
    day: 0,
    minuteOfDay: 0,
  };
  return (at) => {
    const ms = at.getTime();
    const minute = Math.floor(ms / 60_000);
    if (minute !== cachedMinute) {
      const parts: Record<string, string> = {};
      for (const part of format.formatToParts(at)) parts[part.type] = part.value;
      const year = Number(parts['year']);
      const month = Number(parts['month']);
      const date = Number(parts['day']);
      const day = Math.floor(Date.UTC(year, month - 1, date) / 86_400_000);
      cached = {
        weekday: Math.max(0, WEEKDAYS.indexOf(parts['weekday'] ?? 'Mon')),
        dayOfYear: day - Math.floor(Date.UTC(year, 0, 1) / 86_400_000) + 1,
        day,
        minuteOfDay: Number(parts['hour']) * 60 + Number(parts['minute']),
      };
      cachedMinute = minute;
    }
    const secondsIntoMinute = (ms - minute * 60_000) / 1000;
    const hour = (cached.minuteOfDay + secondsIntoMinute / 60) / 60;
    return { at, hour, weekday: cached.weekday, dayOfYear: cached.dayOfYear, day: cached.day };
  };
}

/**
 * Sunrise and sunset in UTC hours for a place and day of the year (solar declination and
 * hour angle; the equation of time, a quarter of an hour at most, is left out).
 */
export function sunTimesUtc(
  dayOfYear: number,
  lat: number,
  lon: number,
): { sunrise: number; sunset: number } {
  const rad = Math.PI / 180;
  const declination = 23.44 * Math.sin(((2 * Math.PI) / 365) * (284 + dayOfYear));
  const cosH = -Math.tan(lat * rad) * Math.tan(declination * rad);
  const noon = 12 - lon / 15;
  if (cosH >= 1) return { sunrise: noon, sunset: noon }; // polar night
  if (cosH <= -1) return { sunrise: noon - 12, sunset: noon + 12 }; // midnight sun
  const half = Math.acos(cosH) / rad / 15;
  return { sunrise: noon - half, sunset: noon + half };
}

/** True between sunset and sunrise at that place. */
export function isDark(at: Date, dayOfYear: number, lat: number, lon: number): boolean {
  const { sunrise, sunset } = sunTimesUtc(dayOfYear, lat, lon);
  const utcHour = (at.getTime() % 86_400_000) / 3_600_000;
  const wrap = (h: number) => ((h % 24) + 24) % 24;
  const rise = wrap(sunrise);
  const set = wrap(sunset);
  return rise < set ? utcHour < rise || utcHour >= set : utcHour >= set && utcHour < rise;
}
