/**
 * Reads a city (city.json, districts.geojson, streets.geojson) from a folder: the demo city
 * in assets/demo-city/ at the package root by default, found from wherever this module runs
 * (src/ through tsx, or dist/src/ after the build).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDemoCity, type DemoCity } from './demo-city.model.js';
import { SimulatorError } from './simulator-error.js';

/** A city's files are small; anything larger is not a city folder. */
const MAX_FILE_BYTES = 20 * 1024 * 1024;

export function defaultCityDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'assets', 'demo-city');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new SimulatorError('assets/demo-city not found above ' + fileURLToPath(import.meta.url));
}

function readJson(dir: string, file: string): unknown {
  const path = join(dir, file);
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new SimulatorError(`${path}: not found`);
  }
  if (size > MAX_FILE_BYTES)
    throw new SimulatorError(`${path}: ${size} bytes, more than the ${MAX_FILE_BYTES} allowed`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (error) {
    throw new SimulatorError(`${path}: not JSON (${(error as Error).message})`);
  }
}

export function loadDemoCity(dir: string = defaultCityDir()): DemoCity {
  return parseDemoCity({
    city: readJson(dir, 'city.json'),
    districts: readJson(dir, 'districts.geojson'),
    streets: readJson(dir, 'streets.geojson'),
  });
}
