// Starts a benchmark target (target.ts) in a child process and stops it again.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

import { START_PROFILE_SIGNAL } from "./cpu-profile";
import type { TargetKind, TargetReady } from "./protocol";

const TARGET_SCRIPT = fileURLToPath(new URL("./target.ts", import.meta.url));
/** Starting GenFlow includes opening PGlite, migrating and hashing a password. */
const READY_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 20_000;
const STDERR_TAIL_CHARS = 4_000;

export interface TargetProcess {
  ready: TargetReady;
  pid: number;
  /** CPU time the target has used so far, in seconds (Linux /proc; null elsewhere). */
  cpuSeconds(): number | null;
  /** Starts the CPU profile (when the target was spawned with a profile folder). */
  startProfile(): void;
  /** SIGTERM, then SIGKILL if it has not exited in time. Resolves once it has exited. */
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** Write a V8 CPU profile of the target's measured window into this folder when it stops. */
  cpuProfDir?: string | undefined;
  /** More arguments for target.ts (GenFlow variants). */
  targetArgs?: string[] | undefined;
}

export async function spawnTarget(
  kind: TargetKind,
  options: SpawnOptions = {},
): Promise<TargetProcess> {
  const args = ["--import", import.meta.resolve("tsx"), TARGET_SCRIPT, kind];
  if (options.cpuProfDir) args.push("--cpu-prof-dir", options.cpuProfDir);
  if (options.targetArgs) args.push(...options.targetArgs);
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const ready = await new Promise<TargetReady>((resolve, reject) => {
    let settled = false;
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`${kind} target ${reason}${stderr ? `:\n${stderr.trim()}` : ""}`));
    };
    const timer = setTimeout(
      () => fail(`was not ready within ${READY_TIMEOUT_MS / 1000} s`),
      READY_TIMEOUT_MS,
    );
    child.once("exit", (code, signal) =>
      fail(`exited before it was ready (${signal ?? `code ${code}`})`),
    );
    child.once("error", (error) => fail(`could not be started (${error.message})`));
    if (!child.stdout) return fail("has no stdout");
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (line) => {
      lines.close();
      // Nothing else is expected on stdout; drain it anyway so the child can never block on it.
      child.stdout?.resume();
      let parsed: TargetReady;
      try {
        parsed = JSON.parse(line) as TargetReady;
      } catch {
        fail(`printed something other than its ready line: ${line.slice(0, 200)}`);
        return;
      }
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(parsed);
    });
  });

  const pid = child.pid ?? -1;
  return {
    ready,
    pid,
    cpuSeconds: () => processCpuSeconds(pid),
    startProfile: () => {
      if (options.cpuProfDir) child.kill(START_PROFILE_SIGNAL);
    },
    stop: () => stopChild(child, exited),
  };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** Kernel clock ticks per second (USER_HZ), which /proc reports CPU times in; 100 on Linux. */
const CLOCK_TICKS = 100;

/** User + system CPU time of a process from /proc/<pid>/stat, in seconds. */
function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces) start at field 3.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / CLOCK_TICKS : null;
  } catch {
    return null;
  }
}
