/**
 * The notification endpoint of the subscription benchmarks: an HTTP server in the bench
 * process that answers 204 at once and hands every received Notification to a listener,
 * with the time it arrived.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface ReceivedNotification {
  subscriptionId: string;
  data: Array<Record<string, unknown>>;
}

export interface NotificationReceiver {
  url: string;
  received(): number;
  onNotification(listener: (notification: ReceivedNotification, at: number) => void): void;
  close(): Promise<void>;
}

export async function startNotificationReceiver(): Promise<NotificationReceiver> {
  let count = 0;
  let listener: ((notification: ReceivedNotification, at: number) => void) | undefined;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const at = performance.now();
      response.writeHead(204).end();
      count++;
      try {
        listener?.(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReceivedNotification, at);
      } catch {
        // A body that is not JSON is counted but not timed.
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => count,
    onNotification: (next) => {
      listener = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
