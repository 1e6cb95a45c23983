/**
 * Import progress on stderr: a live bar (cli-progress) on a terminal — rows, rows/s,
 * rejections and, when the size is known, how much of the file is done — or, when stderr is
 * a file or a pipe (CI, cron), one plain line every `every` rows and one per finished source.
 */
import cliProgress from 'cli-progress';
import type { ImportProgress, ProgressSnapshot } from './import.runner.js';

export interface ProgressStream {
  write(text: string): boolean;
  isTTY?: boolean;
}

export interface ProgressOptions {
  /** Plain mode: a line every this many rows. */
  every: number;
  now?: () => number;
}

export function createImportProgress(
  stream: ProgressStream,
  options: ProgressOptions,
): ImportProgress {
  return stream.isTTY === true ? barProgress(stream, options) : lineProgress(stream, options);
}

function rate(read: number, startedAt: number, now: number): number {
  const seconds = (now - startedAt) / 1000;
  return seconds > 0 ? Math.round(read / seconds) : 0;
}

function percent(snapshot: ProgressSnapshot): string {
  if (snapshot.total === undefined || snapshot.total === 0) return '';
  return ` ${Math.min(100, Math.floor((snapshot.done / snapshot.total) * 100))}%`;
}

function lineProgress(stream: ProgressStream, options: ProgressOptions): ImportProgress {
  const now = options.now ?? Date.now;
  const started = new Map<string, number>();
  const line = (s: ProgressSnapshot, prefix: string) => {
    const startedAt = started.get(s.source) ?? now();
    stream.write(
      `${prefix}${s.source}: ${s.read} rows read, ${s.imported} imported, ${s.rejected} ` +
        `rejected (${rate(s.read, startedAt, now())} rows/s)${percent(s)}\n`,
    );
  };
  return {
    update(snapshot) {
      if (!started.has(snapshot.source)) started.set(snapshot.source, now());
      if (snapshot.read > 0 && snapshot.read % options.every === 0) line(snapshot, '');
    },
    finish(snapshot) {
      line(snapshot, 'done ');
    },
  };
}

function barProgress(stream: ProgressStream, options: ProgressOptions): ImportProgress {
  const now = options.now ?? Date.now;
  let bar: cliProgress.SingleBar | undefined;
  let current = '';
  let startedAt = 0;
  const payload = (s: ProgressSnapshot) => ({
    source: s.source,
    read: s.read,
    imported: s.imported,
    rejected: s.rejected,
    speed: rate(s.read, startedAt, now()),
  });
  const start = (s: ProgressSnapshot) => {
    current = s.source;
    startedAt = now();
    const sized = s.total !== undefined && s.total > 0;
    bar = new cliProgress.SingleBar({
      stream: stream as unknown as NodeJS.WritableStream,
      format: `{source} ${sized ? '[{bar}] {percentage}% | ' : ''}{read} rows | {speed} rows/s | {imported} imported | {rejected} rejected`,
      fps: 5,
    });
    bar.start(sized ? (s.total as number) : 1, s.done, payload(s));
  };
  return {
    update(snapshot) {
      if (bar === undefined || current !== snapshot.source) start(snapshot);
      bar?.update(snapshot.total ? snapshot.done : 0, payload(snapshot));
    },
    finish(snapshot) {
      if (bar === undefined || current !== snapshot.source) start(snapshot);
      bar?.update(snapshot.total ? snapshot.done : 0, payload(snapshot));
      bar?.stop();
      bar = undefined;
    },
  };
}
