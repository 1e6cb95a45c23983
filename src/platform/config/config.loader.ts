/**
 * Builds the configuration: defaults < civis.config.json < CIVIS_* environment < CLI flags.
 * The only module that reads process.env. Fails with every problem listed at once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SETTINGS, coerceSetting, type CivisConfig } from './config.schema.js';
import { redactUrlCredentials } from './redact-credentials.js';

/** The problems are shown to whoever starts Civis: URL credentials are hidden in them. */
export class ConfigError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    const shown = problems.map(redactUrlCredentials);
    super(`Invalid configuration:\n${shown.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = shown;
  }
}

export interface ConfigSources {
  /** Path of the config file; default ./civis.config.json when it exists. */
  configFile?: string;
  env?: NodeJS.ProcessEnv;
  /** Values from CLI flags, by setting key. */
  flags?: Partial<Record<keyof CivisConfig, unknown>>;
}

export function loadConfig(sources: ConfigSources = {}): CivisConfig {
  const env = sources.env ?? process.env;
  const problems: string[] = [];
  const values: Record<string, unknown> = Object.fromEntries(
    SETTINGS.map((s) => [s.key, s.default]),
  );
  const known = new Set<string>(SETTINGS.map((s) => s.key));

  const file = readConfigFile(sources.configFile, problems);
  for (const key of Object.keys(file)) {
    if (!known.has(key)) problems.push(`civis.config.json: unknown setting '${key}'`);
  }

  for (const spec of SETTINGS) {
    const layers: Array<[string, unknown]> = [
      ['civis.config.json', file[spec.key]],
      [spec.env, env[spec.env]],
      [`--${kebab(spec.key)}`, sources.flags?.[spec.key]],
    ];
    for (const [origin, raw] of layers) {
      if (raw === undefined || raw === '') continue;
      const result = coerceSetting(spec, raw);
      if ('error' in result)
        problems.push(`${origin}: ${spec.key} ${result.error} (got ${JSON.stringify(raw)})`);
      else values[spec.key] = result.value;
    }
  }
  const config = values as unknown as CivisConfig;
  if (config.defaultPageSize > config.maxPageSize) {
    problems.push(
      `defaultPageSize (${config.defaultPageSize}) must not exceed maxPageSize (${config.maxPageSize})`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function readConfigFile(path: string | undefined, problems: string[]): Record<string, unknown> {
  const file = resolve(path ?? 'civis.config.json');
  if (!existsSync(file)) {
    if (path !== undefined) problems.push(`config file ${file} does not exist`);
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      problems.push(`${file}: must hold a JSON object`);
      return {};
    }
    return parsed as Record<string, unknown>;
  } catch (error) {
    // V8 quotes the text around a syntax error, which may be part of a password.
    const reason = (error as Error).message.replace(/,? *(\.\.\.)?".*$/s, '');
    problems.push(`${file}: not valid JSON: ${reason}`);
    return {};
  }
}

export function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
