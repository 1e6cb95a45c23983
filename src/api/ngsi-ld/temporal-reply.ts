/**
 * Answers of the temporal reads: rendered EntityTemporal objects, and 206 Partial Content
 * with `Content-Range` when an attribute had more instances (or aggregation periods) than
 * one answer holds (as Stellio does; temporal.md §3 leaves it to implementations). The
 * range names the times the answer covers completely: the client asks for the rest with
 * timerel=after (or before, for lastN) and timeAt set to the range's end (or start).
 */
import type { JsonLdContext } from '../../ngsi-ld/context/json-ld-context.js';
import type { EntityHistory } from '../../ngsi-ld/temporal/temporal-model.js';
import {
  renderTemporalEntity,
  timestampOf,
  type TemporalRenderOptions,
} from '../../ngsi-ld/temporal/temporal-renderer.js';

export interface RenderedTemporal {
  bodies: Array<Record<string, unknown>>;
  /** Set when some attribute was cut. */
  contentRange?: string;
}

export function renderTemporalEntities(
  list: readonly EntityHistory[],
  context: JsonLdContext,
  render: TemporalRenderOptions,
  newestFirst: boolean,
): RenderedTemporal {
  const bodies = list.map((history) => renderTemporalEntity(history, context, render));
  let start: string | undefined;
  let end: string | undefined;
  // Complete coverage: the narrowest range over every cut attribute.
  const cover = (from: string, to: string, latestFirst: boolean) => {
    if (latestFirst) {
      if (start === undefined || from > start) start = from;
      if (end === undefined || to > end) end = to;
    } else {
      if (start === undefined || from < start) start = from;
      if (end === undefined || to < end) end = to;
    }
  };
  for (const history of list) {
    for (const attribute of Object.values(history.attrs)) {
      if (!attribute.truncated) continue;
      const first = attribute.instances[0];
      const last = attribute.instances[attribute.instances.length - 1];
      if (first === undefined || last === undefined) continue;
      cover(
        timestampOf(first, render.timeproperty),
        timestampOf(last, render.timeproperty),
        newestFirst,
      );
    }
    // Aggregated periods come oldest first: a cut attribute covers its whole periods.
    for (const series of Object.values(history.aggregated ?? {})) {
      if (!series.some((one) => one.truncated)) continue;
      const periods = series.flatMap((one) => one.periods);
      const from = periods.reduce((min, p) => (p.start < min ? p.start : min), '\uffff');
      const to = periods.reduce((max, p) => (p.end > max ? p.end : max), '');
      if (periods.length > 0) cover(from, to, false);
    }
  }
  return start === undefined || end === undefined
    ? { bodies }
    : { bodies, contentRange: `date-time ${start}-${end}/*` };
}
