/**
 * The history projector, in a worker thread (started by sqlite-history-projection.ts):
 * reads the changes the main file's change log holds after the projection's position and
 * appends their attribute instances to the history file, a page of changes per
 * transaction that also moves the position, so that after a crash it resumes exactly where
 * its last commit left it. The change log keeps each change until it is projected (and
 * relayed), so nothing committed is missed.
 *
 * Messages in: a change sequence number (committed up to there: look again), 'stop'.
 * Messages out: { projected: seq } after each page, { failed: message } when a page could
 * not be written (it is tried again after `retryMs`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { changeOfRow, type ChangeRow } from '../sql/change-rows.js';
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

export type HistoryProjectorMessage = { projected: number } | { failed: string };

const port = parentPort;
if (port === null) throw new Error('the history projector runs in a worker thread');
const settings = workerData as HistoryProjectorData;

const main = new Database(settings.mainPath, { readonly: true, fileMustExist: true });
main.pragma('busy_timeout = 5000');
const history = new Database(settings.historyPath, { fileMustExist: true });
configureSqlite(history);

const writer = createSqliteHistoryWriter(history);
const changesAfter = main.prepare<[number, number], ChangeRow>(
  `SELECT seq, tenant, entity_id, at, previous, current, subscriptions_version
   FROM entity_changes WHERE seq > ? ORDER BY seq LIMIT ?`,
);
const position = history.prepare('SELECT seq FROM history_projection').pluck();
const moveTo = history.prepare<[number]>('UPDATE history_projection SET seq = ?');
const projectPage = history.transaction((changes: EntityChange[], last: number) => {
  writer.append(changes);
  moveTo.run(last);
});

let projected = position.get() as number;
let timer: NodeJS.Timeout | undefined;
let immediate: NodeJS.Immediate | undefined;
let stopped = false;
let failing = false;

function catchUp(): void {
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
  immediate = undefined;
  if (stopped) return;
  try {
    for (;;) {
      const rows = changesAfter.all(projected, settings.pageSize);
      const last = rows.at(-1);
      if (last === undefined) break;
      const seq = Number(last.seq);
      projectPage.immediate(rows.map(changeOfRow), seq);
      projected = seq;
      port?.postMessage({ projected } satisfies HistoryProjectorMessage);
      if (rows.length < settings.pageSize) break;
    }
    failing = false;
    timer = setTimeout(catchUp, settings.pollMs);
  } catch (error) {
    failing = true;
    port?.postMessage({ failed: String(error) } satisfies HistoryProjectorMessage);
    timer = setTimeout(catchUp, settings.retryMs);
  }
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

catchUp();
