/**
 * What else the machine was doing while a figure was measured: the 1-minute load average at its
 * start (flagged above LOAD_WARN), and the CPU used during it by processes outside the bench.
 *
 * The load average alone cannot tell the bench's own work from someone else's: on 2 cores the
 * bench itself keeps it around 1-2, so a figure that follows a busy case starts above the flag.
 * The second number can: it is the machine's busy time (/proc/stat) minus the CPU of every bench
 * process (this one and its children, all threads, /proc/<pid>/stat) over the same interval.
 * Interrupt and softirq time is left out of the machine's side, as the kernel charges it to no
 * process (loopback traffic would otherwise show up as somebody else's work).
 */
import fs from 'node:fs';
import os from 'node:os';
import { children } from './ipc.js';
import { round } from './numbers.js';

export interface Conditions {
  /** 1-minute load average when the figure started. */
  load: number;
  /** CPUs' worth of work done by processes outside the bench during the figure (Linux only). */
  otherCpus?: number;
}

export const CPUS = os.availableParallelism();
/** Above this load average at a figure's start, the figure is flagged as unreliable. */
export const LOAD_WARN = round(0.7 * CPUS, 2);
/** Above this much foreign CPU during a figure, it is flagged too. */
export const OTHER_WARN = 0.2;

/** /proc/stat and /proc/<pid>/stat count in USER_HZ ticks, 100 a second on Linux. */
const TICK_MS = 10;

function machineBusyTicks(): number | undefined {
  try {
    const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user, nice, system (irq, softirq, steal, guest left out; guest is already inside user).
    return cpu[0]! + cpu[1]! + cpu[2]!;
  } catch {
    return undefined;
  }
}

function processTicks(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces): state is the 3rd field, utime the 14th, stime the 15th.
    const rest = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop()!.split(' ');
    return Number(rest[11]) + Number(rest[12]);
  } catch {
    return 0;
  }
}

const benchTicks = (pids: number[]) => pids.reduce((sum, pid) => sum + processTicks(pid), 0);

/**
 * Starts watching; call the function it returns at the figure's end. Start it once every process
 * of the figure is up (a process started later would count as foreign until it is in `children`).
 */
export function watchConditions(): () => Conditions {
  const load = round(os.loadavg()[0]!, 2);
  const pids = () => [process.pid, ...[...children].map((c) => c.pid).filter((p): p is number => p !== undefined)];
  const started = pids();
  const m0 = machineBusyTicks();
  const own0 = benchTicks(started);
  const t0 = Date.now();
  return () => {
    const m1 = machineBusyTicks();
    // The same processes as at the start: one that exited in between is not counted on either side.
    const alive = started.filter((p) => fs.existsSync(`/proc/${p}`));
    const own1 = benchTicks(alive);
    const ms = Date.now() - t0;
    if (m0 === undefined || m1 === undefined || ms <= 0 || alive.length !== started.length) return { load };
    const other = ((m1 - m0 - (own1 - own0)) * TICK_MS) / ms;
    return { load, otherCpus: round(Math.max(0, other), 2) };
  };
}

/** '!' when the figure is unreliable by either measure, '' otherwise. */
export const warnMark = (c: Conditions | undefined): string => (c && (c.load > LOAD_WARN || (c.otherCpus ?? 0) > OTHER_WARN) ? '!' : '');

/** Over several runs: the highest load and foreign CPU seen, so a flag on any run shows. */
export function worstOf(cs: Conditions[]): Conditions {
  const others = cs.map((c) => c.otherCpus).filter((x): x is number => x !== undefined);
  return { load: Math.max(...cs.map((c) => c.load)), ...(others.length ? { otherCpus: Math.max(...others) } : {}) };
}
