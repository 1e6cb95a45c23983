import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Entity } from '../../ngsi-ld/model.js';
import { isProblemDetails } from '../../ngsi-ld/problem-details.js';
import { entityDoc } from '../sql/entity-doc.js';
import { createSqliteChangeLog } from './sqlite-change-log.js';
import { openSqliteDatabase } from './sqlite-database.js';
import { historyFilePath, openSqliteHistoryDatabase } from './sqlite-history-database.js';
import {
  startSqliteHistoryProjection,
  type SqliteHistoryProjectionOptions,
} from './sqlite-history-projection.js';
import { createSqliteHistoryWriter } from './sqlite-history-writer.js';
import { createSqliteStores } from './sqlite-stores.js';

const directory = mkdtempSync(join(tmpdir(), 'civis-projection-'));
after(() => rmSync(directory, { recursive: true, force: true }));

const SPEED = 'https://example.org/speed';
const T = '2026-01-01T00:00:00.000Z';

function car(id: string, speed: number, at = T): Entity {
  return {
    id,
    type: ['https://example.org/Car'],
    createdAt: at,
    modifiedAt: at,
    attrs: { [SPEED]: [{ type: 'Property', value: speed, createdAt: at, modifiedAt: at }] },
  };
}

const put = (next: Entity) => ({ id: next.id, apply: () => ({ next, report: undefined }) });
const count = (db: Database.Database, table: string) =>
  db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

describe('SQLite history projection', () => {
  it('names the history file after the main one', () => {
    assert.equal(historyFilePath('/data/civis.db'), '/data/civis-history.db');
    assert.equal(historyFilePath('data/civis'), 'data/civis-history');
    assert.equal(historyFilePath('/data.d/civis'), '/data.d/civis-history');
  });

  it('writes the history of a file database into the history file, read back at once', async () => {
    const path = join(directory, 'own-file.db');
    const stores = createSqliteStores({ path });
    for (let i = 1; i <= 3; i++)
      await stores.entityStore.mutate('', [put(car('urn:ngsi-ld:Car:1', i))], {
        createTenant: false,
      });
    const history = await stores.historyStore.retrieveHistory('', 'urn:ngsi-ld:Car:1', {
      window: { timeproperty: 'modifiedAt' },
      maxInstances: 100,
    });
    assert.deepEqual(
      history?.attrs[SPEED]?.instances.map((i) => i.attribute.value),
      [1, 2, 3],
    );
    await stores.close();
    const main = new Database(path, { readonly: true });
    const own = new Database(historyFilePath(path), { readonly: true });
    try {
      assert.equal(count(main, 'attr_history'), 0);
      assert.equal(count(own, 'attr_history'), 3);
    } finally {
      main.close();
      own.close();
    }
  });

  it('moves the history of a database from before the history file, once, without doubling logged changes', async () => {
    const path = join(directory, 'legacy.db');
    // The layout of earlier versions: history in the main file, written with each change;
    // one change still in the log (not yet relayed) already has its history.
    const legacy = openSqliteDatabase(path);
    const writer = createSqliteHistoryWriter(legacy);
    const changes = [
      {
        seq: 1,
        tenant: '',
        entityId: 'urn:ngsi-ld:Car:1',
        at: T,
        previous: null,
        current: car('urn:ngsi-ld:Car:1', 7),
      },
    ];
    legacy.transaction(() => {
      writer.append(changes);
      legacy
        .prepare(
          'INSERT INTO entity_changes (tenant, entity_id, at, previous, current) VALUES (?, ?, ?, NULL, ?)',
        )
        .run('', 'urn:ngsi-ld:Car:1', T, entityDoc(changes[0]!.current));
    })();
    legacy.close();
    assert.equal(existsSync(historyFilePath(path)), false);

    for (let open = 0; open < 2; open++) {
      const stores = createSqliteStores({ path });
      // A new instance after the move: its number follows the moved ones.
      await stores.entityStore.mutate(
        '',
        [put(car('urn:ngsi-ld:Car:1', 8 + open, `2026-01-0${2 + open}T00:00:00.000Z`))],
        { createTenant: false },
      );
      const history = await stores.historyStore.retrieveHistory('', 'urn:ngsi-ld:Car:1', {
        window: { timeproperty: 'modifiedAt' },
        maxInstances: 100,
      });
      assert.deepEqual(
        history?.attrs[SPEED]?.instances.map((i) => i.attribute.value),
        open === 0 ? [7, 8] : [7, 8, 9],
      );
      await stores.close();
    }
    const main = new Database(path, { readonly: true });
    try {
      assert.equal(count(main, 'attr_history'), 0);
      assert.equal(count(main, 'history_entities'), 0);
    } finally {
      main.close();
    }
  });

  it('keeps a change relayed before it is projected, without listing it again, until projected', async () => {
    const db = openSqliteDatabase(':memory:');
    const log = createSqliteChangeLog(db, { projectedSeq: 0 });
    const [first, second] = db.transaction(() =>
      log.record('', [
        { op: 'insert', entity: car('urn:ngsi-ld:Car:1', 1) },
        { op: 'insert', entity: car('urn:ngsi-ld:Car:2', 2) },
      ]),
    )();
    await log.removeChanges([first!.seq, second!.seq]);
    assert.deepEqual(await log.pendingChanges(10), []);
    assert.equal(count(db, 'entity_changes'), 2);
    log.projected(first!.seq);
    assert.equal(count(db, 'entity_changes'), 1);
    log.projected(second!.seq);
    assert.equal(count(db, 'entity_changes'), 0);
    // Projected first, relayed then: removed at once.
    const [third] = db.transaction(() =>
      log.record('', [{ op: 'insert', entity: car('urn:ngsi-ld:Car:3', 3) }]),
    )();
    log.projected(third!.seq);
    assert.equal(count(db, 'entity_changes'), 1);
    await log.removeChanges([third!.seq]);
    assert.equal(count(db, 'entity_changes'), 0);
    db.close();
  });

  it('answers 503 when the history cannot catch up, and keeps starting the worker again', async () => {
    const path = join(directory, 'broken.db');
    openSqliteDatabase(path).close();
    // A history file without the projection's tables: every worker fails at start.
    const broken = join(directory, 'broken-history.db');
    new Database(broken).close();
    const errors: unknown[] = [];
    const projection = startSqliteHistoryProjection({
      mainPath: path,
      historyPath: broken,
      committed: 5,
      projected: 0,
      onProjected: () => assert.fail('nothing can be projected'),
      onError: (error) => errors.push(error),
      waitTimeoutMs: 100,
      retryMs: 10,
    });
    const restarts = () => errors.filter((e) => String(e).includes('starting it again')).length;
    try {
      const error = await projection.caughtUp().then(
        () => assert.fail('expected a 503'),
        (e: unknown) => e,
      );
      assert.ok(isProblemDetails(error));
      assert.equal(error.status, 503);
      for (let waited = 0; restarts() < 2 && waited < 20_000; waited += 50)
        await new Promise((resolve) => setTimeout(resolve, 50));
      assert.ok(restarts() >= 2, `the worker was started again ${restarts()} times`);
    } finally {
      await projection.stop();
    }
  });

  describe('the worker', () => {
    /** A main file, its history file, and a way to log changes as the entity store does. */
    function files(name: string) {
      const mainPath = join(directory, `${name}.db`);
      const historyPath = historyFilePath(mainPath);
      const main = openSqliteDatabase(mainPath);
      openSqliteHistoryDatabase(main, historyPath).close();
      const insert = main
        .prepare<unknown[]>(
          'INSERT INTO entity_changes (tenant, entity_id, at, previous, current) VALUES (?, ?, ?, NULL, ?) RETURNING seq',
        )
        .pluck();
      return {
        mainPath,
        historyPath,
        log: (id: string, doc: string) => insert.get('', id, T, doc) as number,
        instances: () => {
          const history = new Database(historyPath, { readonly: true });
          try {
            return count(history, 'attr_history');
          } finally {
            history.close();
          }
        },
        /** Starts a projection of these files, reporting to `errors`. */
        project: (errors: unknown[], more: Partial<SqliteHistoryProjectionOptions> = {}) =>
          startSqliteHistoryProjection({
            mainPath,
            historyPath,
            committed: 0,
            projected: 0,
            onProjected: () => undefined,
            onError: (error: unknown) => errors.push(error),
            // No look at the log but when told: a missed wake-up shows as a timeout.
            pollMs: 600_000,
            waitTimeoutMs: 10_000,
            ...more,
          }),
        close: () => main.close(),
      };
    }

    it('projects a commit it is told of at once', async () => {
      const f = files('told');
      const errors: unknown[] = [];
      const projection = f.project(errors);
      try {
        for (let i = 1; i <= 3; i++) {
          projection.committed(
            f.log(`urn:ngsi-ld:Car:${i}`, entityDoc(car(`urn:ngsi-ld:Car:${i}`, i))),
          );
          await projection.caughtUp();
        }
        assert.equal(f.instances(), 3);
        assert.deepEqual(errors, []);
      } finally {
        await projection.stop();
        f.close();
      }
    });

    it('leaves out a change whose history cannot be written, says so, and goes on', async () => {
      const f = files('poison');
      const errors: unknown[] = [];
      const projection = f.project(errors);
      try {
        f.log('urn:ngsi-ld:Car:1', entityDoc(car('urn:ngsi-ld:Car:1', 1)));
        const broken = f.log('urn:ngsi-ld:Car:2', '{"id": "urn:ngsi-ld:Car:2", "attrs": ');
        projection.committed(f.log('urn:ngsi-ld:Car:3', entityDoc(car('urn:ngsi-ld:Car:3', 3))));
        await projection.caughtUp();
        assert.equal(f.instances(), 2);
        assert.equal(errors.length, 1);
        assert.match(String(errors[0]), new RegExp(`change ${broken} cannot be written`));
      } finally {
        await projection.stop();
        f.close();
      }
    });

    it('two projectors of one history file write each change once', async () => {
      const f = files('twice');
      const errors: unknown[] = [];
      const start = () => f.project(errors, { retryMs: 10 });
      const projections = [start(), start()];
      try {
        let last = 0;
        for (let i = 1; i <= 200; i++)
          last = f.log(`urn:ngsi-ld:Car:${i}`, entityDoc(car(`urn:ngsi-ld:Car:${i}`, i)));
        for (const projection of projections) projection.committed(last);
        await Promise.all(projections.map((p) => p.caughtUp()));
        assert.equal(f.instances(), 200);
      } finally {
        await Promise.all(projections.map((p) => p.stop()));
        f.close();
      }
    });
  });

  it("goes back to the main file's last change when the history file is ahead of it", async () => {
    const path = join(directory, 'restored.db');
    await createSqliteStores({ path }).close();
    // A copy of the main file before its first change, restored after one.
    copyFileSync(path, `${path}.copy`);
    const stores = createSqliteStores({ path });
    await stores.entityStore.mutate('', [put(car('urn:ngsi-ld:Car:1', 1))], {
      createTenant: false,
    });
    await stores.close();
    copyFileSync(`${path}.copy`, path);
    const errors: unknown[] = [];
    const reopened = createSqliteStores({ path, onBackgroundError: (e) => errors.push(e) });
    try {
      await reopened.entityStore.mutate('', [put(car('urn:ngsi-ld:Car:2', 2))], {
        createTenant: false,
      });
      assert.equal(await reopened.historyStore.hasEntity('', 'urn:ngsi-ld:Car:2'), true);
      assert.match(String(errors[0]), /restored from an older copy/);
    } finally {
      await reopened.close();
    }
  });
});
