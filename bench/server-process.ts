/**
 * Servers under test run in child processes, so that the load generator (this process)
 * and the server each have their own event loop, and the server's memory can be read.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CIVIS_MAIN = fileURLToPath(new URL('../dist/src/main.js', import.meta.url));
const BASELINE_MAIN = fileURLToPath(new URL('./baseline-server.ts', import.meta.url));
const BASELINE_BROKER_MAIN = fileURLToPath(new URL('./baseline-mqtt-broker.ts', import.meta.url));
const START_TIMEOUT_MS = 60_000;

export interface ServerProcess {
  url: string;
  pid: number;
  /** Resident set size of the server process (VmRSS of /proc/<pid>/status), in MiB. */
  rssMiB(): number;
  /** SIGTERM, then waits for the exit (a --cpu-prof profile is written on exit). */
  stop(): Promise<void>;
}

/** The compiled `civis start` (run `npm run build` first). */
export function startCivisServer(
  storageArgs: string[],
  options: { profileDir?: string } = {},
): Promise<ServerProcess> {
  const nodeArgs = options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir] : [];
  // Listening is logged at info; request lines are debug, so info costs nothing under load.
  const args = ['start', '--port', '0', '--host', '127.0.0.1', '--log-level', 'info', '--no-demo'];
  args.push('--mqtt-port', '0');
  return startServer([...nodeArgs, CIVIS_MAIN, ...args, ...storageArgs], 'Civis is listening');
}

/** The minimal Fastify server that gives the ceiling of the HTTP stack (baseline-server.ts). */
export function startBaselineServer(): Promise<ServerProcess> {
  return startServer(['--import', 'tsx', BASELINE_MAIN], 'Baseline is listening');
}

/** A bare aedes MQTT broker that writes nothing (baseline-mqtt-broker.ts), for the ingest bench. */
export function startBaselineMqttBroker(): Promise<ServerProcess> {
  return startServer(['--import', 'tsx', BASELINE_BROKER_MAIN], 'Baseline broker is listening');
}

function startServer(args: string[], readyMessage: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise<ServerProcess>((resolve, reject) => {
    let output = '';
    let pending = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start within ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    };
    child.once('exit', onExit);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      if (output.length < 100_000) output += text;
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const url = listeningUrl(line, readyMessage);
        if (url === undefined) continue;
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve(serverProcess(child, url, exited));
      }
    });
  });
}

function listeningUrl(line: string, readyMessage: string): string | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const record = JSON.parse(line) as { msg?: unknown; url?: unknown };
    return record.msg === readyMessage && typeof record.url === 'string' ? record.url : undefined;
  } catch {
    return undefined;
  }
}

function serverProcess(child: ChildProcess, url: string, exited: Promise<void>): ServerProcess {
  const pid = child.pid;
  if (pid === undefined) throw new Error('server process has no pid');
  // Keep draining the pipes: a full pipe would block the server's writes.
  child.stdout?.resume();
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  return {
    url,
    pid,
    rssMiB: () => readRssMiB(pid),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export function readRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match?.[1]) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Math.round((Number(match[1]) / 1024) * 10) / 10;
}
