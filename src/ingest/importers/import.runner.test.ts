import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serviceUnavailable } from '../../ngsi-ld/problem-details.js';
import { parseEntityMapping } from './import-mapping.parser.js';
import { runImport, type RejectsSink } from './import.runner.js';
import type {
  EntityUpserter,
  ImportSource,
  NormalizedEntity,
  SourceRecord,
  UpsertOutcome,
} from './import.types.js';

const mapping = parseEntityMapping(
  {
    type: 'Streetlight',
    id: 'urn:ngsi-ld:Streetlight:{code}',
    attributes: [{ name: 'power', column: 'watts', type: 'number', unitCode: 'WTT' }],
    skip: [{ column: 'status', equals: 'removed' }],
  },
  'lights.json',
);

function source(
  rows: Array<Record<string, string>>,
  fields = ['code', 'watts', 'status'],
): ImportSource & { closed: boolean } {
  const records: SourceRecord[] = rows.map((fieldValues, i) => ({
    at: `line ${i + 2}`,
    fields: fieldValues,
    raw: fields.map((field) => fieldValues[field] ?? ''),
  }));
  let done = 0;
  const result = {
    name: 'lights.csv',
    mapping,
    fields,
    rejectColumns: fields,
    closed: false,
    position: () => ({ done, total: records.length }),
    async *records() {
      for (const record of records) {
        done += 1;
        yield record;
      }
    },
    close: async () => {
      result.closed = true;
    },
  };
  return result;
}

/** Records batches; answers with `reply` (default: all created). */
function upserter(reply?: (entities: NormalizedEntity[]) => UpsertOutcome) {
  const batches: NormalizedEntity[][] = [];
  const fake: EntityUpserter = {
    async upsert(entities) {
      batches.push(entities);
      return reply
        ? reply(entities)
        : { succeeded: entities.length, created: entities.map((e) => e.id), errors: [] };
    },
  };
  return { fake, batches };
}

describe('runImport', () => {
  it('sends records in batches and counts imported, skipped and rejected records', async () => {
    const rows = [
      { code: '1', watts: '60', status: 'on' },
      { code: '2', watts: 'sixty', status: 'on' },
      { code: '3', watts: '40', status: 'removed' },
      { code: '4', watts: '70', status: 'on' },
      { code: '5', watts: '80', status: 'on' },
    ];
    const { fake, batches } = upserter();
    const lights = source(rows);
    const summary = await runImport({ sources: [lights], upserter: fake, batchSize: 2 });
    assert.deepEqual(
      batches.map((b) => b.map((e) => e.id)),
      [['urn:ngsi-ld:Streetlight:1', 'urn:ngsi-ld:Streetlight:4'], ['urn:ngsi-ld:Streetlight:5']],
    );
    assert.equal(summary.read, 5);
    assert.equal(summary.imported, 3);
    assert.equal(summary.created, 3);
    assert.equal(summary.skipped, 1);
    assert.equal(summary.rejected, 1);
    assert.deepEqual(summary.rejections, [
      {
        source: 'lights.csv',
        at: 'line 3',
        reason: "power (column 'watts'): 'sixty' is not a number",
      },
    ]);
    assert.equal(summary.fatal, undefined);
    assert.ok(lights.closed);
  });

  it('gives each 207 error to the record of that entity, with its line', async () => {
    const { fake } = upserter((entities) => ({
      succeeded: entities.length - 1,
      created: undefined,
      errors: [{ entityId: 'urn:ngsi-ld:Streetlight:2', reason: 'refused by the server' }],
    }));
    const written: Array<[string, readonly string[]]> = [];
    const rejects: RejectsSink = {
      async write(rejection, _source, raw) {
        written.push([rejection.at, raw]);
      },
    };
    const summary = await runImport({
      sources: [
        source([
          { code: '1', watts: '1' },
          { code: '2', watts: '2' },
          { code: '3', watts: '3' },
        ]),
      ],
      upserter: fake,
      batchSize: 10,
      rejects,
    });
    assert.equal(summary.imported, 2);
    assert.equal(summary.unconfirmed, 2);
    assert.deepEqual(summary.rejections, [
      { source: 'lights.csv', at: 'line 3', reason: 'refused by the server' },
    ]);
    assert.deepEqual(written, [['line 3', ['2', '2', '']]]);
  });

  it('sends nothing when a mapped column is missing from the header', async () => {
    const { fake, batches } = upserter();
    const summary = await runImport({
      sources: [source([{ code: '1' }], ['code', 'wats', 'status'])],
      upserter: fake,
      batchSize: 10,
    });
    assert.deepEqual(batches, []);
    assert.equal(summary.read, 0);
    assert.match(
      summary.fatal ?? '',
      /Nothing was imported:\n {2}- lights\.csv: the mapping reads 'watts', missing from the file \(it has: code, wats, status\)/,
    );
  });

  it('refuses a header that repeats a mapped column', async () => {
    const { fake } = upserter();
    const summary = await runImport({
      sources: [source([], ['code', 'watts', 'status', 'watts'])],
      upserter: fake,
      batchSize: 10,
    });
    assert.match(summary.fatal ?? '', /'watts' appear more than once in the header/);
  });

  it('stops at a fatal error and keeps what was imported before', async () => {
    let calls = 0;
    const fake: EntityUpserter = {
      async upsert(entities) {
        calls += 1;
        if (calls === 2) throw serviceUnavailable('Cannot reach Civis at http://x (ECONNRESET)');
        return { succeeded: entities.length, created: [], errors: [] };
      },
    };
    const lights = source([
      { code: '1', watts: '1' },
      { code: '2', watts: '2' },
      { code: '3', watts: '3' },
    ]);
    const summary = await runImport({ sources: [lights], upserter: fake, batchSize: 1 });
    assert.equal(summary.imported, 1);
    assert.equal(summary.updated, 1);
    assert.match(summary.fatal ?? '', /ECONNRESET/);
    assert.ok(lights.closed);
  });

  it('keeps only the first rejections in the summary but counts them all', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ code: String(i), watts: 'x' }));
    const { fake } = upserter();
    const summary = await runImport({
      sources: [source(rows)],
      upserter: fake,
      batchSize: 10,
      reportLimit: 5,
    });
    assert.equal(summary.rejected, 30);
    assert.equal(summary.rejections.length, 5);
  });

  it('reports progress for every record and once at the end', async () => {
    const updates: number[] = [];
    const finished: number[] = [];
    const { fake } = upserter();
    await runImport({
      sources: [
        source([
          { code: '1', watts: '1' },
          { code: '2', watts: '2' },
        ]),
      ],
      upserter: fake,
      batchSize: 10,
      progress: {
        update: (s) => updates.push(s.read),
        finish: (s) => finished.push(s.imported),
      },
    });
    assert.deepEqual(updates, [1, 2]);
    assert.deepEqual(finished, [2]);
  });
});
