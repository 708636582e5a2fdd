// CPU time of processes from Linux's /proc: the benchmark's own child processes, and the local
// Postgres and Redis servers (every process named `postgres` or `redis-server`).
import { readdirSync, readFileSync } from "node:fs";

/** Kernel clock ticks per second (USER_HZ), which /proc reports CPU times in; 100 on Linux. */
const CLOCK_TICKS = 100;

const SERVICE_NAMES = { postgres: "postgres", redis: "redis-server" } as const;
export type Service = keyof typeof SERVICE_NAMES;

interface ProcStat {
  name: string;
  /** user + system time of the process itself (all its threads), in ms. */
  ownMs: number;
  /** …plus that of its children that have exited and been waited for, in ms. */
  withReapedMs: number;
}

function readStat(pid: number | string): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    // Fields after the command name (which may contain spaces) start at field 3.
    const fields = stat
      .slice(stat.lastIndexOf(")") + 2)
      .split(" ")
      .map(Number);
    const [utime, stime, cutime, cstime] = [fields[11], fields[12], fields[13], fields[14]];
    if ([utime, stime, cutime, cstime].some((v) => v === undefined || !Number.isFinite(v)))
      return undefined;
    const ms = (ticks: number) => (ticks * 1000) / CLOCK_TICKS;
    const own = (utime ?? 0) + (stime ?? 0);
    return { name, ownMs: ms(own), withReapedMs: ms(own + (cutime ?? 0) + (cstime ?? 0)) };
  } catch {
    return undefined;
  }
}

/** CPU time a process has used so far, in ms; undefined when /proc cannot say (gone, not Linux). */
export function processCpuMs(pid: number): number | undefined {
  return readStat(pid)?.ownMs;
}

/**
 * CPU time used so far by every local process of the service, in ms, with that of its exited
 * backends (Postgres forks one per connection), so that two readings subtract cleanly; undefined
 * when no such process is visible (a remote server, or not Linux).
 */
export function serviceCpuMs(service: Service): number | undefined {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  } catch {
    return undefined;
  }
  let total = 0;
  let found = false;
  for (const pid of pids) {
    const stat = readStat(pid);
    if (stat?.name !== SERVICE_NAMES[service]) continue;
    found = true;
    total += stat.withReapedMs;
  }
  return found ? total : undefined;
}
