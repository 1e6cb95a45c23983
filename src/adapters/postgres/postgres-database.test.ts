/**
 * The driver's sockets: TCP_NODELAY on, hosts tried in turn. The PostgreSQL part is skipped
 * locally when the server is unreachable, a failure under CI=true.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, test } from 'node:test';
import { openPostgresTestDatabase } from '../../../test/support/postgres-test-database.js';
import { connectPostgres, noDelaySockets } from './postgres-database.js';

async function listen(): Promise<{ port: number; accepted: Promise<net.Socket>; close(): void }> {
  const server = net.createServer();
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { port, accepted, close: () => server.close() };
}

test('noDelaySockets turns Nagle off and tries the hosts in turn', async (t) => {
  const [a, b] = [await listen(), await listen()];
  t.after(() => {
    a.close();
    b.close();
  });
  const noDelay = t.mock.method(net.Socket.prototype, 'setNoDelay');
  const socket = noDelaySockets();
  const target = { host: ['127.0.0.1', '127.0.0.1'], port: [a.port, b.port] };
  const first = socket(target);
  const second = socket(target);
  try {
    const [atA, atB] = await Promise.all([a.accepted, b.accepted]);
    assert.equal(atA.remotePort, first.localPort);
    assert.equal(atB.remotePort, second.localPort);
    assert.ok(noDelay.mock.calls.filter((call) => call.arguments[0] === true).length >= 2);
    atA.destroy();
    atB.destroy();
  } finally {
    first.destroy();
    second.destroy();
  }
});

const opened = await openPostgresTestDatabase();

if (!opened.available) {
  test('connectPostgres', (t) => t.skip(opened.reason));
} else {
  const { database } = opened;
  after(() => database.close());

  test('connectPostgres connects through sockets with Nagle off', async (t) => {
    const schema = await database.createSchema();
    const noDelay = t.mock.method(net.Socket.prototype, 'setNoDelay');
    const sql = connectPostgres(schema.url, 1);
    try {
      const [row] = await sql<Array<{ one: number }>>`SELECT 1 AS one`;
      assert.equal(row?.one, 1);
      assert.ok(noDelay.mock.calls.some((call) => call.arguments[0] === true));
    } finally {
      await sql.end({ timeout: 5 });
      await schema.drop();
    }
  });
}
