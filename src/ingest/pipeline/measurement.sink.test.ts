import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CORE_JSON_LD_CONTEXT } from '../../ngsi-ld/context/json-ld-context-impl.js';
import type { ParsedEntity } from '../../ngsi-ld/entity/operations/index.js';
import {
  badRequestData,
  isProblemDetails,
  ldContextNotAvailable,
  type ProblemDetails,
} from '../../ngsi-ld/problem-details.js';
import type { ProvisionedDevice } from '../devices/device.model.js';
import type { Measurement, Rejection } from '../ingest.types.js';
import { createMeasurementSink, laneOf, type MeasurementSinkSettings } from './measurement.sink.js';

type Item = { id: string; input: ParsedEntity };

/** A strict fake of the entity service's batchUpsert: records calls, can hold or fail them. */
function fakeEntities() {
  const calls: Array<{ tenant: string; items: Item[] }> = [];
  const failing = new Map<string, ProblemDetails>();
  let held: Array<() => void> | undefined;
  let throwing: Error | undefined;
  return {
    calls,
    failing,
    hold: () => void (held = []),
    release: () => {
      const waiting = held ?? [];
      held = undefined;
      for (const go of waiting) go();
    },
    throwNext: (error: Error) => void (throwing = error),
    async batchUpsert(tenant: string, items: Item[], mode: 'replace' | 'update') {
      assert.equal(mode, 'update');
      calls.push({ tenant, items });
      if (held !== undefined) await new Promise<void>((resolve) => held?.push(resolve));
      if (throwing !== undefined) {
        const error = throwing;
        throwing = undefined;
        throw error;
      }
      const errors = items.flatMap((item) => {
        const error = failing.get(item.id);
        return error === undefined ? [] : [{ entityId: item.id, error }];
      });
      return {
        success: items.filter((i) => !failing.has(i.id)).map((i) => i.id),
        errors,
        created: [],
      };
    },
  };
}

function device(id: string, tenant = ''): ProvisionedDevice {
  return {
    device: {
      tenant,
      servicePath: '/',
      device_id: id,
      entity_name: `urn:ngsi-ld:Sensor:${id}`,
      entity_type: 'Sensor',
      apikey: 'key',
      createdAt: '2024-01-01T00:00:00Z',
      modifiedAt: '2024-01-01T00:00:00Z',
    },
    group: undefined,
    attributes: [{ object_id: 't', name: 'temperature', type: 'Number' }],
    static_attributes: [],
    commands: [],
    explicitAttrs: false,
  };
}

function measurement(
  d: ProvisionedDevice,
  values: Record<string, unknown> = { t: 1 },
): Measurement {
  return { device: d, values, receivedAt: '2024-05-01T00:00:00.000Z', transport: 'mqtt' };
}

function setup(
  settings: Partial<MeasurementSinkSettings> = {},
  resolveContext?: () => Promise<unknown>,
) {
  const entities = fakeEntities();
  const rejected: Array<Omit<Rejection, 'at'>> = [];
  const logged: unknown[] = [];
  const sink = createMeasurementSink({
    entities,
    contexts: {
      resolve: async () => {
        await resolveContext?.();
        return CORE_JSON_LD_CONTEXT;
      },
    },
    rejections: { record: (r) => void rejected.push(r), counts: () => ({}) as never },
    log: { warn: (o: unknown) => void logged.push(o), error: (o: unknown) => void logged.push(o) },
    settings: { capacity: 100, batchSize: 50, lingerMs: 1, ...settings },
  });
  return { entities, rejected, logged, sink };
}

async function rejection(promise: Promise<unknown>): Promise<ProblemDetails> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isProblemDetails(error), String(error));
    return error;
  }
  assert.fail('expected a rejection');
}

describe('MeasurementSink', () => {
  it('submit coalesces measurements that arrive together into one write and resolves after it', async () => {
    const { sink, entities } = setup();
    const done = Array.from({ length: 10 }, (_, i) => sink.submit(measurement(device(`d${i}`))));
    assert.equal(sink.pending, 10);
    await Promise.all(done);
    assert.equal(entities.calls.length, 1);
    assert.equal(entities.calls[0]?.items.length, 10);
    assert.equal(sink.pending, 0);
  });

  it('submit writes at most batchSize measurements per write', async () => {
    const { sink, entities } = setup({ batchSize: 3 });
    await Promise.all(
      Array.from({ length: 7 }, (_, i) => sink.submit(measurement(device(`d${i}`)))),
    );
    assert.deepEqual(
      entities.calls.map((c) => c.items.length),
      [3, 3, 1],
    );
  });

  it('a store that answers at once still lets the event loop turn between two writes', async () => {
    // The fake resolves in microtasks, as better-sqlite3 does: only an explicit turn lets
    // other callbacks in while the queue is full. An immediate, not a timer: a 0 ms timer
    // waits for a whole millisecond, in which a fast machine finishes all ten writes.
    const { sink, entities } = setup({ batchSize: 10 });
    const done = Array.from({ length: 100 }, (_, i) => sink.submit(measurement(device(`d${i}`))));
    const writesSeenByTheLoop = await new Promise<number>((resolve) =>
      setImmediate(() => resolve(entities.calls.length)),
    );
    await Promise.all(done);
    assert.equal(entities.calls.length, 10);
    assert.ok(
      writesSeenByTheLoop < 10,
      `the event loop turned only after ${writesSeenByTheLoop} writes`,
    );
  });

  it('two measurements of one entity go to consecutive writes, in order, so history keeps both', async () => {
    const { sink, entities } = setup();
    const d = device('same');
    await Promise.all([
      sink.submit(measurement(d, { t: 1 })),
      sink.submit(measurement(device('other'))),
      sink.submit(measurement(d, { t: 2 })),
    ]);
    assert.equal(entities.calls.length, 2);
    const values = entities.calls.map((call) =>
      call.items.map((i) => Object.values(i.input.attrs)[0]?.[0]?.value),
    );
    assert.deepEqual(values, [[1, 1], [2]]);
  });

  it('each write holds one tenant', async () => {
    const { sink, entities } = setup();
    await Promise.all([
      sink.submit(measurement(device('a', 'north'))),
      sink.submit(measurement(device('b', 'south'))),
      sink.submit(measurement(device('c', 'north'))),
    ]);
    assert.deepEqual(
      entities.calls.map((c) => [c.tenant, c.items.length]),
      [
        ['north', 2],
        ['south', 1],
      ],
    );
  });

  it('submit refuses with 503 ingestSaturated and retryAfterSeconds when the queue is full', async () => {
    const { sink, entities, rejected } = setup({ capacity: 2, retryAfterSeconds: 3 });
    entities.hold();
    const accepted = [sink.submit(measurement(device('a'))), sink.submit(measurement(device('b')))];
    const problem = await rejection(sink.submit(measurement(device('c'))));
    assert.equal(problem.status, 503);
    assert.match(problem.type, /IngestSaturated$/);
    assert.equal(problem.extras?.['retryAfterSeconds'], 3);
    assert.equal(rejected.at(-1)?.reason, 'saturated');
    await new Promise((resolve) => setTimeout(resolve, 5));
    entities.release();
    await Promise.all(accepted);
    await sink.submit(measurement(device('c')));
  });

  it('whenAccepting waits, recording nothing, until a write frees room; first come first served', async () => {
    const { sink, entities, rejected } = setup({ capacity: 2 });
    entities.hold();
    const accepted = [sink.submit(measurement(device('a'))), sink.submit(measurement(device('b')))];
    const order: string[] = [];
    const first = sink.whenAccepting(1).then(() => void order.push('first'));
    const second = sink.whenAccepting(1).then(() => void order.push('second'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(order, [], 'no room while both are being written');
    entities.release();
    await Promise.all([...accepted, first, second]);
    assert.deepEqual(order, ['first', 'second']);
    assert.deepEqual(rejected, []);
    await sink.whenAccepting(1); // room: at once
    await sink.whenAccepting(10); // more than the queue holds: once it is empty
  });

  it('whenAccepting does not strand the waiters behind one that was woken but never submitted', async () => {
    const { sink, entities } = setup({ capacity: 1 });
    entities.hold();
    const accepted = sink.submit(measurement(device('a')));
    // The first waiter's connection ends: it is woken but submits nothing.
    const gone = sink.whenAccepting(1);
    const behind = sink.whenAccepting(1).then(() => sink.submit(measurement(device('b'))));
    entities.release();
    await Promise.all([accepted, gone]);
    let settled = false;
    void behind.then(() => (settled = true));
    for (let i = 0; i < 50 && !settled; i++) await new Promise((r) => setTimeout(r, 2));
    assert.equal(settled, true, 'the second waiter never got the room the first left unused');
  });

  it('whenAccepting lets every waiter go when the sink stops', async () => {
    const { sink, entities } = setup({ capacity: 1 });
    entities.hold();
    const accepted = sink.submit(measurement(device('a')));
    const waiting = sink.whenAccepting(1);
    const stopped = sink.stop();
    await waiting;
    entities.release();
    await Promise.all([accepted, stopped]);
  });

  it('submitAll admits a message whole or not at all', async () => {
    const { sink, entities } = setup({ capacity: 3 });
    entities.hold();
    const first = sink.submit(measurement(device('a')));
    const problem = await rejection(
      sink.submitAll([
        measurement(device('b')),
        measurement(device('c')),
        measurement(device('d')),
      ]),
    );
    assert.equal(problem.status, 503);
    assert.equal(sink.pending, 1);
    entities.release();
    await first;
    const mixed = sink.submitAll([measurement(device('b')), measurement(device('c'), { t: 'x' })]);
    assert.equal((await rejection(mixed)).status, 400);
    assert.equal(entities.calls.flatMap((c) => c.items).length, 1);
  });

  it('submit keeps the good attributes of a measurement and records the refused ones', async () => {
    const { sink, entities, rejected } = setup();
    await sink.submit(measurement(device('a'), { t: 'warm', h: 2 }));
    assert.equal(Object.keys(entities.calls[0]?.items[0]?.input.attrs ?? {}).length, 1);
    assert.equal(rejected.length, 1);
    assert.equal(rejected[0]?.reason, 'type-mismatch');
    assert.equal(rejected[0]?.deviceId, 'a');
  });

  it('submit refuses with 400 a measurement of which nothing can be written', async () => {
    const { sink, entities, rejected } = setup();
    const problem = await rejection(sink.submit(measurement(device('a'), { t: 'warm' })));
    assert.equal(problem.status, 400);
    assert.match(problem.detail, /expected a number, got 'warm'/);
    assert.equal(entities.calls.length, 0);
    assert.deepEqual(
      rejected.map((r) => r.reason),
      ['type-mismatch'],
    );
  });

  it('a failing entity fails alone: the other measurements of its write are written', async () => {
    const { sink, entities, rejected } = setup();
    entities.failing.set('urn:ngsi-ld:Sensor:bad', badRequestData('refused by the store'));
    const results = await Promise.allSettled([
      sink.submit(measurement(device('ok1'))),
      sink.submit(measurement(device('bad'))),
      sink.submit(measurement(device('ok2'))),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.equal(entities.calls.length, 1);
    assert.deepEqual(
      rejected.map((r) => [r.reason, r.deviceId]),
      [['write-failed', 'bad']],
    );
  });

  it('a write that throws fails its measurements with 503 and the sink goes on', async () => {
    const { sink, entities, logged } = setup();
    entities.throwNext(new Error('disk full'));
    const problem = await rejection(sink.submit(measurement(device('a'))));
    assert.equal(problem.status, 503);
    assert.equal(logged.length, 1);
    await sink.submit(measurement(device('a')));
  });

  it('onWritten listeners hear of written measurements only; a throwing listener harms nothing', async () => {
    const { sink, entities } = setup();
    entities.failing.set('urn:ngsi-ld:Sensor:bad', badRequestData('no'));
    const heard: string[] = [];
    sink.onWritten(() => {
      throw new Error('listener bug');
    });
    sink.onWritten((ms) => heard.push(...ms.map((m) => m.device.device.device_id)));
    await Promise.allSettled([
      sink.submit(measurement(device('a'))),
      sink.submit(measurement(device('bad'))),
    ]);
    assert.deepEqual(heard, ['a']);
  });

  it('stop writes everything accepted before it resolves, then refuses with 503', async () => {
    const { sink, entities } = setup({ lingerMs: 60_000 });
    const done = Array.from({ length: 5 }, (_, i) => sink.submit(measurement(device(`d${i}`))));
    await sink.stop();
    await Promise.all(done);
    assert.equal(entities.calls.flatMap((c) => c.items).length, 5);
    assert.equal((await rejection(sink.submit(measurement(device('late'))))).status, 503);
  });

  it('with writers: 2 two batches are written at once, each entity in one lane only', async () => {
    const { sink, entities } = setup({ writers: 2 });
    entities.hold();
    const ids = Array.from({ length: 20 }, (_, i) => `d${i}`);
    const done = ids.map((id) => sink.submit(measurement(device(id))));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(entities.calls.length, 2, 'both lanes write while the first write is held');
    const [first, second] = entities.calls.map((c) => c.items.map((item) => item.id));
    assert.equal(first?.filter((id) => second?.includes(id)).length, 0);
    assert.deepEqual(
      [...(first ?? []), ...(second ?? [])].sort(),
      ids.map((id) => `urn:ngsi-ld:Sensor:${id}`).sort(),
    );
    entities.release();
    await Promise.all(done);
  });

  it('with writers: 2 an entity keeps its order: its next measurement waits for its lane', async () => {
    const { sink, entities } = setup({ writers: 2 });
    entities.hold();
    const d = device('a');
    const first = sink.submit(measurement(d, { t: 1 }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = sink.submit(measurement(d, { t: 2 }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(entities.calls.length, 1, 'the second waits for the first write of its lane');
    entities.release();
    await first;
    await second;
    const values = entities.calls.map((call) =>
      call.items.map((i) => Object.values(i.input.attrs)[0]?.[0]?.value),
    );
    assert.deepEqual(values, [[1], [2]]);
  });

  it('with writers: 2 the capacity counts every lane; a write of either lane frees room', async () => {
    const { sink, entities } = setup({ writers: 2, capacity: 6, batchSize: 50 });
    entities.hold();
    const ids = Array.from({ length: 6 }, (_, i) => `d${i}`);
    const accepted = ids.map((id) => sink.submit(measurement(device(id))));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(entities.calls.length, 2, 'both lanes hold a write');
    assert.equal((await rejection(sink.submit(measurement(device('late'))))).status, 503);
    let room = false;
    const waiting = sink.whenAccepting(1).then(() => void (room = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(room, false);
    entities.release();
    await Promise.all(accepted);
    await waiting;
    assert.equal(room, true);
    await sink.submit(measurement(device('late')));
  });

  it('stop with writers: 3 writes every lane out', async () => {
    const { sink, entities } = setup({ writers: 3, lingerMs: 60_000 });
    const done = Array.from({ length: 30 }, (_, i) => sink.submit(measurement(device(`d${i}`))));
    await sink.stop();
    await Promise.all(done);
    assert.equal(entities.calls.flatMap((c) => c.items).length, 30);
  });

  it('laneOf spreads ids over the lanes, the same lane for the same id', () => {
    assert.equal(laneOf('urn:ngsi-ld:Sensor:a', 1), 0);
    const lanes = Array.from({ length: 1000 }, (_, i) => laneOf(`urn:ngsi-ld:Sensor:${i}`, 4));
    for (let lane = 0; lane < 4; lane++) {
      const share = lanes.filter((l) => l === lane).length;
      assert.ok(share > 200 && share < 300, `lane ${lane} holds ${share} of 1,000`);
    }
    assert.equal(laneOf('urn:ngsi-ld:Sensor:7', 4), lanes[7]);
  });

  it('a device whose @context cannot be resolved is refused and recorded', async () => {
    const { sink, rejected } = setup({}, async () => {
      throw ldContextNotAvailable('Cannot fetch @context');
    });
    const d = { ...device('a'), ldContext: 'https://example.org/ctx.jsonld' };
    assert.equal((await rejection(sink.submit(measurement(d)))).status, 504);
    assert.equal(rejected[0]?.reason, 'write-failed');
  });
});
