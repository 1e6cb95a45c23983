/**
 * Declarative value expressions of attribute mappings (device.model.ts ValueExpression):
 * a named unit conversion, then multiply, add, round, min/max — in that order. Never eval:
 * the conversions are a fixed, documented list (docs/ingest.md).
 */
import type { ValueExpression } from '../devices/device.model.js';

/** The named conversions `convert` may use (docs/ingest.md lists them). */
export const VALUE_CONVERSIONS: Readonly<Record<string, (value: number) => number>> = {
  fahrenheitToCelsius: (f) => ((f - 32) * 5) / 9,
  celsiusToFahrenheit: (c) => (c * 9) / 5 + 32,
  kelvinToCelsius: (k) => k - 273.15,
  celsiusToKelvin: (c) => c + 273.15,
  mphToKmh: (v) => v * 1.609344,
  kmhToMph: (v) => v / 1.609344,
  msToKmh: (v) => v * 3.6,
  kmhToMs: (v) => v / 3.6,
  knotsToKmh: (v) => v * 1.852,
  whToKwh: (v) => v / 1000,
  kwhToWh: (v) => v * 1000,
  paToHpa: (v) => v / 100,
  hpaToPa: (v) => v * 100,
  inHgToHpa: (v) => v * 33.8638866667,
  psiToKpa: (v) => v * 6.894757293168,
  inchToMm: (v) => v * 25.4,
  mmToInch: (v) => v / 25.4,
  feetToMeters: (v) => v * 0.3048,
  metersToFeet: (v) => v / 0.3048,
  milesToKm: (v) => v * 1.609344,
  kmToMiles: (v) => v / 1.609344,
  gallonsToLiters: (v) => v * 3.785411784,
  litersToGallons: (v) => v / 3.785411784,
  ratioToPercent: (v) => v * 100,
  percentToRatio: (v) => v / 100,
};

const MAX_ROUND_DECIMALS = 10;
const MEMBERS = new Set(['convert', 'multiply', 'add', 'round', 'min', 'max']);

/**
 * Checks an expression as provisioned (unknown → ValueExpression); returns the problems
 * found, empty when it is valid. The provisioning API and the mapper both use it.
 */
export function valueExpressionProblems(expression: unknown): string[] {
  if (typeof expression !== 'object' || expression === null || Array.isArray(expression))
    return ['expression must be an object'];
  const problems: string[] = [];
  for (const [member, value] of Object.entries(expression)) {
    if (!MEMBERS.has(member)) {
      problems.push(`expression.${member} is not a known member (${[...MEMBERS].join(', ')})`);
    } else if (member === 'convert') {
      if (typeof value !== 'string' || !Object.hasOwn(VALUE_CONVERSIONS, value))
        problems.push(
          `expression.convert must be one of ${Object.keys(VALUE_CONVERSIONS).join(', ')}`,
        );
    } else if (typeof value !== 'number' || !Number.isFinite(value)) {
      problems.push(`expression.${member} must be a finite number`);
    } else if (
      member === 'round' &&
      (!Number.isInteger(value) || value < 0 || value > MAX_ROUND_DECIMALS)
    ) {
      problems.push(`expression.round must be a whole number of decimals from 0 to 10`);
    }
  }
  const { min, max } = expression as ValueExpression;
  if (typeof min === 'number' && typeof max === 'number' && min > max)
    problems.push('expression.min must not exceed expression.max');
  return problems;
}

/** Applies a valid expression (see valueExpressionProblems); undefined when the result is not finite. */
export function applyValueExpression(
  value: number,
  expression: ValueExpression,
): number | undefined {
  let result = value;
  if (expression.convert !== undefined) {
    const conversion = VALUE_CONVERSIONS[expression.convert];
    if (conversion === undefined) return undefined;
    result = conversion(result);
  }
  if (expression.multiply !== undefined) result *= expression.multiply;
  if (expression.add !== undefined) result += expression.add;
  if (expression.round !== undefined) result = roundTo(result, expression.round);
  if (expression.min !== undefined && result < expression.min) result = expression.min;
  if (expression.max !== undefined && result > expression.max) result = expression.max;
  return Number.isFinite(result) ? result : undefined;
}

/** Rounds half away from zero at `decimals`, shifting through the decimal text so 1.005 → 1.01. */
function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  const shifted = Number(`${Math.abs(value)}e${decimals}`);
  const base = Number.isFinite(shifted) ? shifted : Math.abs(value) * factor;
  return Math.sign(value) * (Math.round(base) / factor) || 0;
}
