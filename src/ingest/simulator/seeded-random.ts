/**
 * A small seeded pseudo-random generator (mulberry32) so that a simulated city is the same
 * on every run with the same --seed: the fleet, where each device stands, and each
 * device's own stream of readings. Not for anything secret.
 */

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** Normally distributed (Box–Muller), mean 0 and standard deviation 1. */
  gaussian(): number;
  pick<T>(items: readonly T[]): T;
}

/** Mixes a seed and any number of integers or strings into one 32-bit seed. */
export function deriveSeed(seed: number, ...parts: ReadonlyArray<number | string>): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  const mix = (x: number) => {
    h = Math.imul(h ^ x, 0x85ebca6b) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  };
  for (const part of parts) {
    if (typeof part === 'number') mix(part >>> 0);
    else for (let i = 0; i < part.length; i++) mix(part.charCodeAt(i));
    mix(0x7f4a7c15);
  }
  return h;
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    between: (min, max) => min + next() * (max - min),
    chance: (p) => next() < p,
    gaussian: () => {
      const u = 1 - next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[Math.floor(next() * items.length)] as T;
    },
  };
}
