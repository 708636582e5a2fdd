// Child processes of the benchmark: each contender's measurement runs in a fresh Node process
// (`node --import tsx <script>`), so none inherits another's heap, JIT state or caches.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const STDERR_TAIL_CHARS = 4_000;
const STOP_TIMEOUT_MS = 20_000;

export function scriptPath(name: string): string {
  return fileURLToPath(new URL(`./${name}`, import.meta.url));
}

function start(script: string, args: string[]) {
  const child = spawn(
    process.execPath,
    ["--import", import.meta.resolve("tsx"), scriptPath(script), ...args],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { child, exited, stderr: () => stderr.trim() };
}

/**
 * Runs a script to completion and resolves to the JSON it printed as the last line on stdout.
 * Rejects with its stderr when it exits with an error, prints no JSON, or outlives `timeoutMs`.
 */
export async function runJson<T>(
  label: string,
  script: string,
  args: string[],
  timeoutMs: number,
): Promise<T> {
  const { child, exited, stderr } = start(script, args);
  let stdout = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const code = await exited;
  clearTimeout(timer);
  const detail = stderr() ? `: ${stderr()}` : "";
  if (code !== 0)
    throw new Error(
      `${label} failed (${code === null ? "killed or timed out" : `exit ${code}`})${detail}`,
    );
  const line = stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`${label} printed no result${detail}`);
  }
}

export interface Server<T> {
  ready: T;
  /** SIGTERM, then SIGKILL if it has not exited in time; resolves once it has exited. */
  stop(): Promise<void>;
}

/** Starts a server script and resolves once it prints its ready line (JSON) on stdout. */
export async function startServer<T>(
  label: string,
  script: string,
  args: string[],
  timeoutMs: number,
): Promise<Server<T>> {
  const { child, exited, stderr } = start(script, args);
  const ready = await new Promise<T>((resolve, reject) => {
    const fail = (reason: string) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`${label} ${reason}${stderr() ? `: ${stderr()}` : ""}`));
    };
    const timer = setTimeout(() => fail(`was not ready within ${timeoutMs / 1000} s`), timeoutMs);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(`exited before it was ready (${signal ?? `code ${code}`})`);
    child.once("exit", onExit);
    if (!child.stdout) return fail("has no stdout");
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (line) => {
      lines.close();
      child.stdout?.resume();
      clearTimeout(timer);
      child.off("exit", onExit);
      try {
        resolve(JSON.parse(line) as T);
      } catch {
        fail(`printed something other than its ready line: ${line.slice(0, 200)}`);
      }
    });
  });
  return { ready, stop: () => stop(child, exited) };
}

async function stop(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
