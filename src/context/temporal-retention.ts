/**
 * The retention policy of the attribute history (docs/temporal.md, Retention): the rules as
 * configured (`temporalRetention`), checked at start, and the periodic job that applies
 * them. Each rule covers a tenant (all when absent) and attributes (all when absent):
 *
 *   [{ "tenant": "valencia", "attrs": ["speed"], "maxAge": "P90D",
 *      "downsample": { "after": "P7D", "period": "PT1H" } }]
 *
 * Attribute names are IRIs, or terms of the NGSI-LD core @context (a name it does not
 * define expands under its default vocabulary, as with no Link header).
 */
import { CORE_JSON_LD_CONTEXT } from '../ngsi-ld/context/json-ld-context-impl.js';
import {
  isCalendarDuration,
  isZeroDuration,
  parseIsoDuration,
} from '../ngsi-ld/temporal/iso-duration.js';
import { isProblemDetails } from '../ngsi-ld/problem-details.js';
import type { HistoryStore, RetentionReport, RetentionRule } from './ports/history-store.port.js';

const RULE_MEMBERS = new Set(['tenant', 'attrs', 'maxAge', 'downsample']);

/** Reads the configured rules; throws an Error listing every problem. */
export function parseRetentionPolicy(raw: unknown): RetentionRule[] {
  if (raw === undefined) return [];
  const problems: string[] = [];
  if (!Array.isArray(raw)) throw new Error('must be an array of retention rules');
  const rules = raw.map((item: unknown, index) => {
    const where = `rule ${index + 1}`;
    const rule: RetentionRule = {};
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push(`${where} must be an object`);
      return rule;
    }
    const record = item as Record<string, unknown>;
    for (const key of Object.keys(record))
      if (!RULE_MEMBERS.has(key)) problems.push(`${where}: unknown member '${key}'`);
    const { tenant, attrs, maxAge, downsample } = record;
    if (tenant !== undefined) {
      if (typeof tenant === 'string') rule.tenant = tenant;
      else problems.push(`${where}: tenant must be a string`);
    }
    if (attrs !== undefined) {
      if (
        Array.isArray(attrs) &&
        attrs.length > 0 &&
        attrs.every((a) => typeof a === 'string' && a !== '')
      )
        rule.attrs = attrs.map((a: string) => CORE_JSON_LD_CONTEXT.expandTerm(a));
      else problems.push(`${where}: attrs must be a non-empty array of attribute names`);
    }
    const duration = (value: unknown, name: string, fixed: boolean) => {
      try {
        const parsed = parseIsoDuration(value, `${where}: ${name}`);
        if (isZeroDuration(parsed)) problems.push(`${where}: ${name} must not be zero`);
        else if (fixed && isCalendarDuration(parsed))
          problems.push(`${where}: ${name} must not use years or months`);
        return parsed;
      } catch (error) {
        problems.push(isProblemDetails(error) ? error.detail : String(error));
        return undefined;
      }
    };
    if (maxAge !== undefined) {
      const parsed = duration(maxAge, 'maxAge', false);
      if (parsed) rule.maxAge = parsed;
    }
    if (downsample !== undefined) {
      const d = downsample as Record<string, unknown> | null;
      if (typeof d !== 'object' || d === null || Array.isArray(d)) {
        problems.push(`${where}: downsample must be an object with after and period`);
      } else {
        const after = duration(d['after'], 'downsample.after', false);
        const period = duration(d['period'], 'downsample.period', true);
        if (after && period) rule.downsample = { after, period };
      }
    }
    if (maxAge === undefined && downsample === undefined)
      problems.push(`${where}: give maxAge, downsample or both`);
    return rule;
  });
  if (problems.length > 0) throw new Error(problems.join('; '));
  return rules;
}

export interface HistoryRetentionDeps {
  history: HistoryStore;
  rules: readonly RetentionRule[];
  clock: () => Date;
  intervalMs: number;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

/**
 * Runs the rules every `intervalMs` (the first run one interval after start), one run at a
 * time. `runOnce` runs them now (tests, and the last run before a shutdown is not needed).
 */
export function createHistoryRetention(deps: HistoryRetentionDeps) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<RetentionReport> | undefined;

  async function runOnce(): Promise<RetentionReport> {
    running ??= deps.history
      .applyRetention(deps.rules, deps.clock())
      .then((report) => {
        if (report.deleted + report.downsampled > 0)
          deps.log.info({ ...report }, 'history retention applied');
        return report;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  return {
    runOnce,
    start(): void {
      if (deps.rules.length === 0 || timer !== undefined) return;
      timer = setInterval(() => {
        runOnce().catch((error: unknown) =>
          deps.log.warn({ err: error }, 'history retention failed; retrying at the next run'),
        );
      }, deps.intervalMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}
