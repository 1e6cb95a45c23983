/**
 * A Mosquitto of the bench's own for the external-broker ingest run: a child process on a
 * free port, configured as docs/mqtt-and-commands.md recommends for a city (in-flight window
 * and queue raised, so that it neither caps Civis at 20 messages in flight nor drops what
 * Civis has not taken yet), without persistence. Needs the `mosquitto` binary (Debian's
 * package; not needed by the tests).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/support/free-port.js';

export interface BenchMosquitto {
  url: string;
  /** Of the mosquitto process, for its CPU time (bench/cpu-meter.ts). */
  pid: number;
  stop(): Promise<void>;
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startBenchMosquitto(): Promise<BenchMosquitto> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'civis-bench-mosquitto-'));
  const config = join(dir, 'mosquitto.conf');
  writeFileSync(
    config,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      'max_connections -1',
      'max_inflight_messages 1000',
      'max_queued_messages 1000000',
      'log_dest stderr',
      'log_type error',
      '',
    ].join('\n'),
  );
  const child = spawn('mosquitto', ['-c', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const failed = new Promise<never>((_, reject) =>
    child.once('error', (error) =>
      reject(new Error(`mosquitto could not start: ${error.message}`)),
    ),
  );
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (await Promise.race([accepts(port), failed])) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`mosquitto did not listen on ${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
