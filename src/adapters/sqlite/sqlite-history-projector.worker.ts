/**
 * The history projector, in a worker thread (started by sqlite-history-projection.ts):
 * reads the changes the main file's change log holds after the projection's position and
 * appends their attribute instances to the history file, a page of changes per
 * transaction that also moves the position, so that after a crash it resumes exactly where
 * its last commit left it. The change log keeps each change until it is projected (and
 * relayed), so nothing committed is missed.
 *
 * Messages in: a change sequence number (committed up to there: look again), 'stop'.
 * Messages out: { projected: seq } after each page; { failed: message } when a page could
 * not be written for a reason that may pass (a full disk, an I/O error, a lock held too
 * long: it is tried again after `retryMs`); { skipped: seq, error } for a change whose
 * history cannot be written at all (a defect, not a condition), so that one change does
 * not stop the history of every later one.
 *
 * The position only moves from where this worker read it: should a second projector write
 * the same history file, the slower one's page fails and it reads the position again,
 * instead of both appending every change.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { CHANGE_ROW_COLUMNS, changeOfRow, type ChangeRow } from '../sql/change-rows.js';
import { configureSqlite } from './sqlite-database.js';
import { createSqliteHistoryWriter } from './sqlite-history-writer.js';
import type { EntityChange } from '../../context/ports/change-log.port.js';

export interface HistoryProjectorData {
  mainPath: string;
  historyPath: string;
  /** Changes per transaction. */
  pageSize: number;
  /** Pause after a failed page, and between two looks at the log when nothing is said. */
  retryMs: number;
  pollMs: number;
}

export type HistoryProjectorMessage =
  { projected: number } | { failed: string } | { skipped: number; error: string };

const port = parentPort;
if (port === null) throw new Error('the history projector runs in a worker thread');
const settings = workerData as HistoryProjectorData;

const main = new Database(settings.mainPath, { readonly: true, fileMustExist: true });
main.pragma('busy_timeout = 5000');
const history = new Database(settings.historyPath, { fileMustExist: true });
configureSqlite(history);
// The worker appends: a quarter of the main connection's page cache is enough, and the
// server's memory holding a city (under 400 MiB with 100,000 entities, issue #2) is the
// limit: 64 MiB here took it from about 320 to about 400 MiB, with no faster projection.
history.pragma('cache_size = -16384');

const writer = createSqliteHistoryWriter(history);
const changesAfter = main.prepare<[number, number], ChangeRow>(
  `SELECT ${CHANGE_ROW_COLUMNS} FROM entity_changes WHERE seq > ? ORDER BY seq LIMIT ?`,
);
const position = history.prepare('SELECT seq FROM history_projection').pluck();
const move = history.prepare<[number, number]>(
  'UPDATE history_projection SET seq = ? WHERE seq = ?',
);

let projected = position.get() as number;
let timer: NodeJS.Timeout | undefined;
let immediate: NodeJS.Immediate | undefined;
let stopped = false;
let failing = false;

class PositionMoved extends Error {}

/** Appends `changes` (none for a skipped change) and moves the position past `last`. */
const projectPage = history.transaction((changes: EntityChange[], last: number) => {
  writer.append(changes);
  if (move.run(last, projected).changes !== 1) throw new PositionMoved();
});

/** Errors of the storage, which may pass; any other error is the change's own. */
const PASSING = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN|READONLY|NOMEM|INTERRUPT|PROTOCOL)/;
function mayPass(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && PASSING.test(code);
}

function moved(seq: number): void {
  projected = seq;
  port?.postMessage({ projected } satisfies HistoryProjectorMessage);
}

/** A page that failed, one change at a time: a change failing on its own is skipped. */
function projectOneByOne(rows: ChangeRow[]): void {
  for (const row of rows) {
    const seq = Number(row.seq);
    try {
      projectPage.immediate([changeOfRow(row)], seq);
    } catch (error) {
      if (mayPass(error) || error instanceof PositionMoved) throw error;
      projectPage.immediate([], seq);
      port?.postMessage({ skipped: seq, error: String(error) } satisfies HistoryProjectorMessage);
    }
    moved(seq);
  }
}

/** Projects one page; the next one gets its own turn, so that 'stop' is heard between. */
function catchUp(): void {
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
  immediate = undefined;
  if (stopped) return;
  let full = false;
  try {
    const rows = changesAfter.all(projected, settings.pageSize);
    const last = rows.at(-1);
    if (last !== undefined) {
      try {
        projectPage.immediate(rows.map(changeOfRow), Number(last.seq));
        moved(Number(last.seq));
      } catch (error) {
        if (mayPass(error) || error instanceof PositionMoved) throw error;
        projectOneByOne(rows);
      }
    }
    full = rows.length === settings.pageSize;
    failing = false;
  } catch (error) {
    if (error instanceof PositionMoved) {
      // Another projector wrote this page: go on from where it is.
      moved(position.get() as number);
      full = true;
    } else {
      failing = true;
      port?.postMessage({ failed: String(error) } satisfies HistoryProjectorMessage);
    }
  }
  if (full) immediate = setImmediate(catchUp);
  else timer = setTimeout(catchUp, failing ? settings.retryMs : settings.pollMs);
}

port.on('message', (message: number | 'stop') => {
  if (message === 'stop') {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    if (immediate !== undefined) clearImmediate(immediate);
    main.close();
    history.close();
    port.close();
    return;
  }
  // Not when already there, or when a look is due right away (after a failure, the retry
  // timer stays: a failing page is not hammered).
  if (message <= projected || immediate !== undefined || failing) return;
  immediate = setImmediate(catchUp);
});

// Where the file is may be ahead of where the main side thinks (another projector).
moved(projected);
catchUp();
