/**
 * The notification endpoint of the subscription benchmarks: an HTTP server in the bench
 * process that answers 204 at once and hands every received Notification to a listener,
 * with the time it arrived.
 *
 * It speaks just the HTTP/1.1 a notifier sends (requests with a Content-Length body, on
 * kept-alive connections, pipelined or not) straight on `net` sockets, not through
 * `node:http`: at tens of thousands of notifications a second the full server cost the
 * bench process, which also runs the load generator, about 40 % more CPU per request. A
 * request it cannot read (no Content-Length) is answered 411 and its connection closed.
 */
import { createServer, type Server, type Socket } from 'node:net';
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

const NO_CONTENT = Buffer.from('HTTP/1.1 204 No Content\r\nKeep-Alive: timeout=60\r\n\r\n');
const LENGTH_REQUIRED = Buffer.from(
  'HTTP/1.1 411 Length Required\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
);
const HEAD_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)[ \t]*(?=\r\n|$)/i;

export async function startNotificationReceiver(): Promise<NotificationReceiver> {
  let count = 0;
  let listener: ((notification: ReceivedNotification, at: number) => void) | undefined;
  const sockets = new Set<Socket>();

  function handle(body: Buffer, at: number): void {
    count++;
    if (listener === undefined) return;
    try {
      listener(JSON.parse(body.toString('utf8')) as ReceivedNotification, at);
    } catch {
      // A body that is not JSON is counted but not timed.
    }
  }

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending: Buffer | undefined;
    socket.on('data', (chunk: Buffer) => {
      const data = pending === undefined ? chunk : Buffer.concat([pending, chunk]);
      let offset = 0;
      let answers = 0;
      for (;;) {
        const headEnd = data.indexOf(HEAD_END, offset);
        if (headEnd < 0) break;
        const length = CONTENT_LENGTH.exec(data.toString('latin1', offset, headEnd))?.[1];
        if (length === undefined) {
          socket.end(LENGTH_REQUIRED);
          return;
        }
        const bodyStart = headEnd + HEAD_END.length;
        const bodyEnd = bodyStart + Number(length);
        if (data.length < bodyEnd) break;
        const at = performance.now();
        answers++;
        handle(data.subarray(bodyStart, bodyEnd), at);
        offset = bodyEnd;
      }
      pending = offset < data.length ? data.subarray(offset) : undefined;
      // One write for every request read from this chunk (pipelined requests come together).
      if (answers === 1) socket.write(NO_CONTENT);
      else if (answers > 1) socket.write(Buffer.concat(Array<Buffer>(answers).fill(NO_CONTENT)));
    });
  });
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
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
