/**
 * A TCP port free on 127.0.0.1 at the time of the call, for a child process to listen on
 * (Civis' MQTT broker, Mosquitto): used by the end-to-end tests and the bench.
 */
import { createServer, type AddressInfo } from 'node:net';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
