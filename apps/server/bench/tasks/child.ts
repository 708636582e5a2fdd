// The runner's side of a child process: each producer and worker is a fresh Node process
// (`node --import tsx <script>`) with an IPC channel (see child-ipc.ts for the other side).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

import type { ChildMessage, Command } from "./protocol";

const STDERR_TAIL_CHARS = 4_000;
const STOP_TIMEOUT_MS = 30_000;

type Reply<T extends ChildMessage["type"]> = Extract<ChildMessage, { type: T }>;

export interface Child {
  label: string;
  pid: number;
  /** Sends a command; resolves with the child's answer of type `reply`. One at a time. */
  request<T extends ChildMessage["type"]>(
    command: Command,
    reply: T,
    timeoutMs: number,
  ): Promise<Reply<T>>;
  /** Bare workers' "progress" messages. */
  onProgress(listener: (completed: number) => void): void;
  /** Asks the child to close and exit; kills it if it has not exited in time. */
  stop(): Promise<void>;
  /** Kills the child at once (cleanup after a failure). */
  kill(): Promise<void>;
}

interface Waiter {
  type: ChildMessage["type"];
  resolve(message: ChildMessage): void;
  reject(error: Error): void;
}

export interface ChildOptions {
  /**
   * Write V8 CPU profiles of the child's whole life into this folder, one per thread (the
   * largest is the main thread's; tsx's module loader has a thread of its own).
   */
  cpuProfileDir?: string | undefined;
}

/** Starts a child script and resolves once it says it is ready. */
export async function startChild(
  label: string,
  script: string,
  args: string[],
  readyTimeoutMs: number,
  options: ChildOptions = {},
): Promise<Child> {
  const file = fileURLToPath(new URL(`./${script}`, import.meta.url));
  const profile = options.cpuProfileDir
    ? ["--cpu-prof", "--cpu-prof-dir", options.cpuProfileDir]
    : [];
  const child = spawn(
    process.execPath,
    [...profile, "--import", import.meta.resolve("tsx"), file, ...args],
    { stdio: ["ignore", "ignore", "pipe", "ipc"] },
  );
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const describeFailure = (what: string) => {
    const tail = stderr.trim();
    return new Error(`${label} ${what}${tail ? `:\n${tail}` : ""}`);
  };

  let waiter: Waiter | undefined;
  let progress: ((completed: number) => void) | undefined;
  const settle = (error: Error | undefined, message?: ChildMessage) => {
    const current = waiter;
    waiter = undefined;
    if (!current) return;
    if (error) current.reject(error);
    else if (message) current.resolve(message);
  };
  child.on("message", (raw: unknown) => {
    const message = raw as ChildMessage;
    if (message.type === "progress") progress?.(message.completed);
    else if (message.type === "error") settle(describeFailure(`failed: ${message.message}`));
    else if (waiter?.type === message.type) settle(undefined, message);
  });
  child.once("exit", (code, signal) =>
    settle(describeFailure(`exited unexpectedly (${signal ?? `code ${code}`})`)),
  );

  const wait = <T extends ChildMessage["type"]>(type: T, timeoutMs: number, what: string) =>
    new Promise<Reply<T>>((resolve, reject) => {
      if (waiter) {
        reject(new Error(`${label}: a request is already waiting for "${waiter.type}"`));
        return;
      }
      const timer = setTimeout(
        () => settle(describeFailure(`did not ${what} within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      waiter = {
        type,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message as Reply<T>);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
    });

  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGKILL");
    await exited;
  };

  try {
    await wait("ready", readyTimeoutMs, "get ready");
  } catch (error) {
    await kill();
    throw error;
  }
  if (child.pid === undefined) throw new Error(`${label} has no process id`);

  return {
    label,
    pid: child.pid,
    request(command, reply, timeoutMs) {
      const answer = wait(reply, timeoutMs, `answer "${command.type}"`);
      child.send(command);
      return answer;
    },
    onProgress(listener) {
      progress = listener;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
      if (child.connected) child.send({ type: "stop" } satisfies Command);
      else child.kill("SIGTERM");
      await exited;
      clearTimeout(timer);
    },
    kill,
  };
}
