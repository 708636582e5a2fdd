// Child processes of the benchmark, each a fresh `node --import tsx <script>`: the contenders
// (run to completion, one JSON line back) and GenFlow's server (kept running and asked for its
// measurements over stdin). Their progress lines (stderr) are passed on, prefixed.
import { spawn } from "node:child_process";
import { createInterface, type Interface } from "node:readline";
import { fileURLToPath } from "node:url";

const STDERR_TAIL_LINES = 30;
const STOP_TIMEOUT_MS = 20_000;

function start(script: string, args: string[], label: string, onProgress: (line: string) => void) {
  const child = spawn(
    process.execPath,
    [
      "--import",
      import.meta.resolve("tsx"),
      fileURLToPath(new URL(`./${script}`, import.meta.url)),
      ...args,
    ],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  const tail: string[] = [];
  if (child.stderr)
    createInterface({ input: child.stderr }).on("line", (line) => {
      tail.push(line);
      if (tail.length > STDERR_TAIL_LINES) tail.shift();
      onProgress(`  ${label}: ${line}`);
    });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { child, exited, stderr: () => tail.join("\n").trim() };
}

/**
 * Runs a script to completion and resolves to the JSON it printed as the last line on stdout.
 * Rejects with the end of its stderr when it exits with an error, prints no JSON, or outlives
 * `timeoutMs`.
 */
export async function runJson<T>(
  label: string,
  script: string,
  args: string[],
  timeoutMs: number,
  onProgress: (line: string) => void,
): Promise<T> {
  const { child, exited, stderr } = start(script, args, label, onProgress);
  child.stdin?.end();
  let stdout = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const code = await exited;
  clearTimeout(timer);
  const detail = stderr() ? `: ${stderr().split("\n").slice(-5).join(" | ")}` : "";
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
  /** Sends one command line and resolves to the JSON line it answers with. */
  ask<R>(command: string, timeoutMs?: number): Promise<R>;
  /** Writes a command line without waiting for an answer. */
  tell(command: string): void;
  /** Resolves to the next JSON line it prints, without sending anything. */
  read<R>(timeoutMs: number): Promise<R>;
  /** SIGTERM, then SIGKILL if it has not exited in time; resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * The lines a child prints on stdout, each kept until it is read: two lines that arrive in one
 * chunk (an answer and, right after it, a result) are both delivered.
 */
function lineReader(lines: Interface, exitCode: () => string) {
  const buffered: string[] = [];
  let waiting: ((line: string) => void) | null = null;
  let closed = false;
  let onClose: (() => void) | null = null;
  lines.on("line", (line) => {
    if (waiting) waiting(line);
    else buffered.push(line);
  });
  lines.once("close", () => {
    closed = true;
    onClose?.();
  });
  return (timeoutMs: number) =>
    new Promise<string>((resolve, reject) => {
      const line = buffered.shift();
      if (line !== undefined) {
        resolve(line);
        return;
      }
      if (closed) {
        reject(new Error(`exited (${exitCode()})`));
        return;
      }
      const cleanup = () => {
        clearTimeout(timer);
        waiting = null;
        onClose = null;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no answer within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      waiting = (next) => {
        cleanup();
        resolve(next);
      };
      onClose = () => {
        cleanup();
        reject(new Error(`exited (${exitCode()})`));
      };
    });
}

/** Starts a server script and resolves once it prints its ready line (JSON) on stdout. */
export async function startServer<T>(
  label: string,
  script: string,
  args: string[],
  timeoutMs: number,
  onProgress: (line: string) => void,
): Promise<Server<T>> {
  const { child, exited, stderr } = start(script, args, label, onProgress);
  if (!child.stdout || !child.stdin) throw new Error(`${label} has no stdio`);
  const nextLine = lineReader(
    createInterface({ input: child.stdout }),
    () => child.signalCode ?? `code ${child.exitCode}`,
  );
  const stdin = child.stdin;
  const parse = <R>(line: string): R => {
    try {
      return JSON.parse(line) as R;
    } catch {
      throw new Error(`${label} printed something other than JSON: ${line.slice(0, 200)}`);
    }
  };
  let ready: T;
  try {
    ready = parse<T>(await nextLine(timeoutMs));
  } catch (error) {
    child.kill("SIGKILL");
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${label} did not start: ${reason}${stderr() ? `: ${stderr()}` : ""}`);
  }
  return {
    ready,
    async ask<R>(command: string, timeoutMs = 30_000) {
      stdin.write(`${command}\n`);
      return parse<R>(await nextLine(timeoutMs));
    },
    tell(command: string) {
      stdin.write(`${command}\n`);
    },
    async read<R>(timeoutMs: number) {
      return parse<R>(await nextLine(timeoutMs));
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface PacedSpec {
  label: string;
  script: string;
  args: string[];
}

/** One image of a contender, run when its turn comes. */
export type Turn = () => Promise<void>;

/**
 * Runs turns image by image in rotation: for image `n`, every contender's turn once, starting
 * with contender `n mod k`, so none is always first or last. On a shared host the speed drifts
 * over minutes; contenders run one after the other would each see a different machine, in turn
 * each image of one is timed next to the same image of the others.
 */
export async function inRotation(n: number, turns: Turn[]): Promise<void> {
  for (let i = 0; i < turns.length; i++) {
    const turn = turns[(n + i) % turns.length];
    if (turn) await turn();
  }
}

export interface PacedContenders<T> {
  /** Each process's turn for the next image (it answers once the image is done). */
  turns: Turn[];
  /**
   * Lets each process go on alone through its images beyond the paced ones (only once every turn
   * is over, so none of them runs beside another's last paced image), waits for each run, then
   * stops them.
   */
  finish(): Promise<(T | Error)[]>;
  /** Stops them all. */
  stop(): Promise<void>;
}

/**
 * Starts contenders in their own processes with `--paced`: each warms up, prints a ready line,
 * then runs one measured image per command line it reads and answers it; after its last
 * measured image it waits for one more line, goes on alone (any images beyond) and prints its
 * run as the last line.
 */
export async function startPaced<T>(
  specs: PacedSpec[],
  timeouts: { startMs: number; stepMs: number; finishMs: number },
  onProgress: (line: string) => void,
): Promise<PacedContenders<T>> {
  const started = await Promise.allSettled(
    specs.map((spec) =>
      startServer<{ ready: boolean }>(
        spec.label,
        spec.script,
        [...spec.args, "--paced"],
        timeouts.startMs,
        onProgress,
      ),
    ),
  );
  const servers = started.flatMap((result) =>
    result.status === "fulfilled" ? [result.value] : [],
  );
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()));
  };
  const failed = started.find((result) => result.status === "rejected");
  if (failed) {
    await stop();
    const reason: unknown = failed.reason;
    throw reason instanceof Error ? reason : new Error(String(reason));
  }
  return {
    turns: servers.map((server) => async () => {
      await server.ask("next", timeouts.stepMs);
    }),
    async finish() {
      for (const server of servers) server.tell("go");
      try {
        const runs = await Promise.allSettled(
          servers.map((server) => server.read<T>(timeouts.finishMs)),
        );
        return runs.map((run) =>
          run.status === "fulfilled"
            ? run.value
            : run.reason instanceof Error
              ? run.reason
              : new Error(String(run.reason)),
        );
      } finally {
        await stop();
      }
    },
    stop,
  };
}
