import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createOrderedAcks } from './mqtt-ordered-acks.js';

function setUp() {
  const sent: number[] = [];
  let failures = 0;
  let progress = 0;
  const acks = createOrderedAcks({
    onFailure: () => failures++,
    onProgress: () => progress++,
  });
  const send = (id: number) => () => sent.push(id);
  return { acks, sent, send, failures: () => failures, progress: () => progress };
}

describe('ordered PUBACKs', () => {
  it('sends a PUBACK once its message is handled and every earlier one acknowledged', () => {
    const { acks, sent, send } = setUp();
    const first = acks.received(7);
    const second = acks.received(3);
    assert.equal(acks.hold(3, send(3)), true);
    second.handled();
    assert.deepEqual(sent, [], 'the second waits for the first');
    assert.equal(acks.hold(7, send(7)), true);
    assert.deepEqual(sent, [], 'the first is not handled yet');
    first.handled();
    assert.deepEqual(sent, [7, 3]);
    assert.equal(acks.pending, 0);
  });

  it('holds a PUBACK the library sends before the message is handled', () => {
    const { acks, sent, send, progress } = setUp();
    const ticket = acks.received(1);
    assert.equal(acks.hold(1, send(1)), true);
    assert.equal(acks.pending, 1);
    ticket.handled();
    assert.deepEqual(sent, [1]);
    assert.equal(progress(), 1);
  });

  it('does not hold a PUBACK no message waits for', () => {
    const { acks, send } = setUp();
    assert.equal(acks.hold(9, send(9)), false);
    const ticket = acks.received(9);
    assert.equal(acks.hold(9, send(9)), true);
    ticket.handled();
    assert.equal(acks.hold(9, send(9)), false, 'already sent');
  });

  it('acknowledges nothing after a failed message, until reset', () => {
    const { acks, sent, send, failures } = setUp();
    const first = acks.received(1);
    const second = acks.received(2);
    const third = acks.received(3);
    for (const id of [1, 2, 3]) acks.hold(id, send(id));
    first.handled();
    second.failed();
    second.failed();
    third.handled();
    assert.deepEqual(sent, [1]);
    assert.equal(failures(), 1);

    acks.reset();
    assert.equal(acks.pending, 0);
    third.handled(); // of the closed connection: ignored
    const fresh = acks.received(2);
    acks.hold(2, send(2));
    fresh.handled();
    assert.deepEqual(sent, [1, 2]);
  });

  it('a reset forgets held PUBACKs: they are never sent', () => {
    const { acks, sent, send } = setUp();
    const ticket = acks.received(5);
    acks.hold(5, send(5));
    acks.reset();
    ticket.handled();
    assert.deepEqual(sent, []);
  });

  it('keeps its memory small over a long stream, with messages pending across compactions', () => {
    const { acks, sent, send } = setUp();
    // Twenty messages in flight at a time, as a broker's window would send them.
    const window: Array<{ id: number; handled(): void }> = [];
    for (let id = 0; id < 10_000; id++) {
      const ticket = acks.received(id);
      acks.hold(id, send(id));
      window.push({ id, handled: () => ticket.handled() });
      if (window.length === 20) window.shift()?.handled();
    }
    for (const ticket of window.splice(0)) ticket.handled();
    assert.deepEqual(
      sent,
      Array.from({ length: 10_000 }, (_, id) => id),
    );
    assert.equal(acks.pending, 0);
  });
});
