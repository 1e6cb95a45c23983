/** A fresh, empty store for each server under test, removed afterwards. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import type { Adapter } from './bench-options.js';

export interface BenchStorage {
  /** Arguments of `civis start` that select this store. */
  args: string[];
  dispose(): Promise<void>;
}

let databases = 0;

export async function createStorage(adapter: Adapter, postgresUrl: string): Promise<BenchStorage> {
  if (adapter === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'civis-bench-'));
    return {
      args: ['--data-dir', dir],
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `civis_bench_${process.pid}_${++databases}`;
  const admin = postgres(postgresUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return {
    args: ['--database-url', url.toString()],
    dispose: async () => {
      const sql = postgres(postgresUrl, { max: 1, onnotice: () => undefined });
      try {
        await sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await sql.end();
      }
    },
  };
}
