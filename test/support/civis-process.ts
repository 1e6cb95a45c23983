/** Starts the real `civis start` command in a child process and finds the URL it listens on. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export interface CivisProcess {
  url: string;
  child: ChildProcess;
  /** Ends the process with SIGKILL (no shutdown hooks run). */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export function runCivis(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    // No demo city unless a test asks for it: its devices would mix with the test's data.
    // Nor the embedded MQTT broker on 1883 (Mosquitto may hold it): any free port.
    env: {
      ...process.env,
      CIVIS_LOG_LEVEL: 'info',
      CIVIS_DEMO: 'false',
      CIVIS_MQTT_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export async function startCivis(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 30_000,
): Promise<CivisProcess> {
  const child = runCivis(['start', '--port', '0', '--host', '127.0.0.1', ...args], env);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`civis did not start within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const line of output.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const record = JSON.parse(line) as { msg?: string; url?: string };
          if (record.msg === 'Civis is listening' && record.url) {
            clearTimeout(timer);
            resolve(record.url);
          }
        } catch {
          // a partial line; wait for more output
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`civis exited with ${code} before listening:\n${output}`));
    });
  });
  return {
    url,
    child,
    kill9: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
