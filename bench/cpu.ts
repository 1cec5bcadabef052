/**
 * CPU and memory of a topology's processes by role, read from /proc: CPU as a percentage of one core over a
 * window (100 % = one core busy; this machine has two), so the bench can name the component that saturates.
 */
import fs from 'node:fs';
import type { Role, RunningTopology } from './topology';

/** clock ticks per second for /proc/<pid>/stat on Linux (USER_HZ is 100 on every mainstream build) */
const TICKS = 100;

function ticksOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the command name, which is in parentheses and may contain spaces
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[11]) + Number(rest[12]); // utime + stime
  } catch {
    return 0; // exited meanwhile
  }
}

/** resident memory in bytes, 0 for a process that has gone */
export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export type CpuByRole = Partial<Record<Role, number>>;

/**
 * Starts measuring; the returned function ends the window and gives each role's CPU (% of one core). Processes
 * are looked up at both ends, so one that started during the window counts from its start.
 */
export function measureCpu(topology: RunningTopology): () => CpuByRole {
  const t0 = Date.now();
  const before = new Map<number, number>();
  for (const pids of topology.processes().values()) for (const pid of pids) before.set(pid, ticksOf(pid));
  return () => {
    const seconds = (Date.now() - t0) / 1000;
    const out: CpuByRole = {};
    for (const [role, pids] of topology.processes()) {
      const ticks = pids.reduce((n, pid) => n + ticksOf(pid) - (before.get(pid) ?? 0), 0);
      out[role] = Math.round((ticks / TICKS / seconds) * 100);
    }
    return out;
  };
}

/** The role using the most CPU, and whether the machine as a whole was busy (2 cores). */
export function busiest(cpu: CpuByRole, cores = 2): { role: string; percent: number; machineBusy: boolean } {
  const entries = Object.entries(cpu).sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0));
  const total = entries.reduce((n, [, v]) => n + (v ?? 0), 0);
  const [role, percent] = entries[0] ?? ['none', 0];
  return { role, percent: percent ?? 0, machineBusy: total >= cores * 100 * 0.85 };
}

/** Summed RSS of a role's processes (bytes). */
export function roleRss(topology: RunningTopology, role: Role): number {
  return (topology.processes().get(role) ?? []).reduce((n, pid) => n + rssOf(pid), 0);
}
