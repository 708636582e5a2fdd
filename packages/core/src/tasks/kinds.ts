import type { z } from "zod";

import type { Task } from "./schemas";

/** Retry policy of a kind: exponential backoff with full jitter, capped. */
export interface BackoffPolicy {
  /** Delay before the second attempt, before jitter (ms). */
  baseMs: number;
  /** Longest delay between attempts (ms). */
  maxMs: number;
}

/** What a handler gets for one attempt. */
export interface TaskRunContext<Input> {
  task: Task;
  /** The task's owner: whatever the handler creates belongs to this user. */
  userId: string;
  /** The task's input, parsed by the kind's schema. */
  input: Input;
  /** 1 for the first attempt. */
  attempt: number;
  /** Fires when someone cancels the task (from any process) or the attempt times out. */
  signal: AbortSignal;
  /** Reports progress (0–100) with an optional message; cheap to call often (throttled). */
  progress: (percent: number, message?: string) => Promise<void>;
  /** Adds an entry to the task's log, e.g. `{ message: "downloaded 2 of 4 images" }`. */
  log: (data: Record<string, unknown>) => Promise<void>;
}

/**
 * A kind of task: its input and output schemas, limits and handler. The handler returns the
 * output (a JSON object) or throws; a `DomainError` keeps its code, and `retryable` errors (see
 * `isRetryable`) are tried again until `maxAttempts`.
 */
export interface TaskKind<
  Input = unknown,
  Output extends Record<string, unknown> = Record<string, unknown>,
> {
  name: string;
  input: z.ZodType<Input>;
  /** Attempts run at the same time per process (in-process runner) or per worker (BullMQ). */
  concurrency: number;
  maxAttempts: number;
  /** An attempt that runs longer is aborted and counts as a retryable TIMEOUT. */
  timeoutMs: number;
  backoff: BackoffPolicy;
  /**
   * Marks a kind whose work is CPU-heavy (its handler must still hand that work to worker threads,
   * as card rendering does, so heartbeats and job locks keep being renewed). Workers report it at
   * start, so operators can give such kinds dedicated workers (`WORKER_KINDS`).
   */
  cpuHeavy?: boolean;
  run(context: TaskRunContext<Input>): Promise<Output>;
  /** Called after the task's row is deleted, to remove what its runs stored (blobs). */
  cleanup?(task: Task): Promise<void>;
}

/** Keeps the input type of a kind's handler tied to its schema. */
export function defineTaskKind<Input, Output extends Record<string, unknown>>(
  kind: TaskKind<Input, Output>,
): TaskKind<Input, Output> {
  return kind;
}

/** The kinds one process knows, by name. */
export type TaskKinds = ReadonlyMap<string, TaskKind<unknown>>;

export function taskKinds(kinds: readonly TaskKind<unknown>[]): TaskKinds {
  return new Map(kinds.map((kind) => [kind.name, kind]));
}

/**
 * The delay after failed attempt `attempt` (1-based): the step `min(max, base · 2^(attempt-1))`,
 * half of it fixed and half random ("equal jitter"), so delays grow with every attempt and
 * retries of many tasks that failed together spread out.
 */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random = Math.random): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}
