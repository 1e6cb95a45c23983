/**
 * The baseline of the ingest benchmark: a bare aedes broker (the one Civis embeds) that
 * accepts every client and acknowledges every message without writing anything. The same
 * publisher driven against it gives the ceiling of the publisher and broker on this machine.
 * Run as a child process by the bench.
 */
import { createServer, type AddressInfo } from 'node:net';
import { Aedes } from 'aedes';

const broker = await Aedes.createBroker({ maxClientsIdLength: 128 });
const server = createServer(broker.handle);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
process.stdout.write(
  `${JSON.stringify({ msg: 'Baseline broker is listening', url: `mqtt://127.0.0.1:${port}` })}\n`,
);
process.once('SIGTERM', () => {
  server.close();
  broker.close(() => process.exit(0));
});
