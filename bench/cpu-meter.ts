/**
 * How much of the machine a measured run used: the CPU time of the bench process (the load
 * generator), of the server under test (every thread: a child process, read from
 * /proc/<pid>/stat), and of the whole machine (/proc/stat, which includes a database server
 * and anything else running), each divided by the wall time, so in cores. It tells whether
 * a rate was out of the server's reach or of the machine's: at 2 cores, a publisher and a
 * broker that writes nothing already using most of both leave no room for any store.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { round2 } from './stats.js';

export interface CpuUse {
  wallSec: number;
  /** Cores the bench process used (publisher, probes, counting). */
  benchCores: number;
  /** Cores the server process used, all its threads. */
  serverCores: number;
  /** Cores busy on the whole machine (of `machineCores`). */
  machineBusyCores: number;
  /**
   * Of which the kernel's interrupt work (softirq: the loopback network stack, mostly),
   * which no process is charged with.
   */
  machineSoftirqCores: number;
  machineCores: number;
}

export interface CpuMeter {
  stop(): CpuUse;
}

let clockTicks: number | undefined;

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux in practice). */
function ticksPerSecond(): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return clockTicks;
}

/** utime + stime of a process, all its threads, in seconds. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: fields count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the line, so 11 and 12 after the name.
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
}

/** Busy, softirq and total time of all cores since boot, in ticks (/proc/stat's first line). */
export function machineTicks(): { busy: number; softirq: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is counted in user already).
  const total = ticks.slice(0, 8).reduce((sum, n) => sum + n, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: total - idle, softirq: ticks[6] ?? 0, total };
}

/** Starts measuring now; `serverPid` is the child process under test. */
export function startCpuMeter(serverPid: number): CpuMeter {
  const started = performance.now();
  const bench = process.cpuUsage();
  const server = processCpuSeconds(serverPid);
  const machine = machineTicks();
  return {
    stop() {
      const wallSec = (performance.now() - started) / 1000;
      const benchUsage = process.cpuUsage(bench);
      const machineNow = machineTicks();
      const machineCores = cpus().length;
      const elapsedTicks = machineNow.total - machine.total || 1;
      const share = (key: 'busy' | 'softirq') => (machineNow[key] - machine[key]) / elapsedTicks;
      return {
        wallSec: round2(wallSec),
        benchCores: round2((benchUsage.user + benchUsage.system) / 1e6 / wallSec),
        serverCores: round2((processCpuSeconds(serverPid) - server) / wallSec),
        machineBusyCores: round2(share('busy') * machineCores),
        machineSoftirqCores: round2(share('softirq') * machineCores),
        machineCores,
      };
    },
  };
}
