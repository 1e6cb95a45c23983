/**
 * External services that some suites need (PostgreSQL now; NATS and MQTT brokers later).
 * Locally an unreachable service skips the suite with a clear message; under CI=true it
 * fails the run, so CI never passes by skipping (STYLE.md, Tests).
 */
export type ServiceAvailability = { available: true } | { available: false; reason: string };

export interface RequireServiceOptions {
  /** Where the service was looked for, for the message (`127.0.0.1:5432`). */
  at?: string;
  /** Give up on the probe after this long; default 3 s. */
  timeoutMs?: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs `probe`; resolves `{ available: true }` when it succeeds. When it fails: under
 * CI=true, rejects (the test file fails); otherwise resolves the reason, for `t.skip()`.
 */
export async function requireService(
  name: string,
  probe: () => Promise<unknown>,
  options: RequireServiceOptions = {},
): Promise<ServiceAvailability> {
  try {
    await withTimeout(probe(), options.timeoutMs ?? 3_000);
    return { available: true };
  } catch (error) {
    const where = options.at === undefined ? '' : ` at ${options.at}`;
    const reason = `${name} not reachable${where}: ${error instanceof Error ? error.message : String(error)}`;
    if (process.env['CI'] === 'true')
      throw new Error(`${reason} (CI=true: the service is required)`, { cause: error });
    return { available: false, reason };
  }
}
