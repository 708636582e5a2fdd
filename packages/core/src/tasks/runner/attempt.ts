import { schema } from "@genflow/db";
import { and, eq, lte, sql } from "drizzle-orm";

import { DomainError, isDomainError, type ErrorCode } from "../../errors";
import { removeTaskFiles } from "../delete-task";
import { backoffDelay, type TaskKind } from "../kinds";
import type { TasksDeps } from "../ports";
import type { Task } from "../schemas";
import { changeTask, finishTask } from "../store";

/** Codes worth another attempt: the same request may well succeed later. */
const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set([
  "TIMEOUT",
  "UNAVAILABLE",
  "LIMIT_EXCEEDED",
  "INTERNAL",
]);

/** Whether a handler's error is worth another attempt (a DomainError may say so in `details.retryable`). */
export function isRetryable(error: unknown): boolean {
  if (!isDomainError(error)) return true;
  const flag = error.details?.["retryable"];
  if (typeof flag === "boolean") return flag;
  return RETRYABLE_CODES.has(error.code);
}

/** Why an attempt's signal fired. */
export type StopReason =
  | { kind: "cancel"; by: string }
  | { kind: "timeout"; afterMs: number }
  | { kind: "shutdown" }
  | { kind: "lost" };

export class TaskStopped extends Error {
  override readonly name = "TaskStopped";
  constructor(readonly reason: StopReason) {
    super(`task stopped: ${reason.kind}`);
  }
}

type AttemptDeps = Pick<TasksDeps, "db" | "pubsub" | "clock" | "log" | "tasks">;

export interface AttemptOptions {
  workerId: string;
  /** How often the attempt's heartbeat is written (and a missed cancel noticed). */
  heartbeatMs: number;
  /** Fires when the host shuts down: the task goes back to the queue without using an attempt. */
  shutdown?: AbortSignal | undefined;
  /** Registers the attempt's abort function, so cancels broadcast to this process reach it. */
  register(taskId: string, stop: (reason: StopReason) => void): () => void;
  /** Called when the task is queued again to back off (for queues that need a delayed job). */
  requeued?(task: Task): Promise<void>;
}

export type AttemptOutcome = "succeeded" | "failed" | "canceled" | "retrying" | "requeued" | "lost";

/** The longest a `retryAfterMs` from an error holds a retry back (a provider asking for days is capped). */
const MAX_RETRY_AFTER_MS = 15 * 60_000;

/** Minimum time between two persisted progress reports (the last one always lands). */
const PROGRESS_INTERVAL_MS = 250;

/**
 * Runs one claimed attempt to its end and records the outcome: succeeded with its output;
 * canceled when someone stopped it; queued again with backoff when the error is retryable and
 * attempts remain; failed otherwise. While it runs, a heartbeat proves the worker alive and picks
 * up cancel requests that a broadcast did not deliver.
 */
export async function runAttempt(
  deps: AttemptDeps,
  claimed: { task: Task; userId: string },
  options: AttemptOptions,
): Promise<AttemptOutcome> {
  const { task, userId } = claimed;
  const kind = deps.tasks.kinds.get(task.kind);
  const t = schema.tasks;
  const mine = and(eq(t.status, "running"), eq(t.workerId, options.workerId));
  const target = { id: task.id, userId };
  const log = deps.log.child({ taskId: task.id, kind: task.kind, attempt: task.attempts });

  if (!kind) {
    await changeTask(
      deps,
      target,
      mine,
      failedSet(deps, "VALIDATION", `Unknown task kind ${task.kind}`),
      {
        type: "failed",
        data: { code: "VALIDATION", message: `Unknown task kind ${task.kind}` },
      },
    );
    return "failed";
  }

  const controller = new AbortController();
  let stopReason: StopReason | undefined;
  const stop = (reason: StopReason) => {
    if (stopReason) return;
    stopReason = reason;
    controller.abort(new TaskStopped(reason));
  };
  const unregister = options.register(task.id, stop);
  const timeout = setTimeout(
    () => stop({ kind: "timeout", afterMs: kind.timeoutMs }),
    kind.timeoutMs,
  );
  const onShutdown = () => stop({ kind: "shutdown" });
  options.shutdown?.addEventListener("abort", onShutdown, { once: true });
  if (task.cancelRequested) stop({ kind: "cancel", by: task.canceledBy ?? userId });

  const heartbeat = setInterval(() => {
    void (async () => {
      const [row] = await deps.db
        .update(t)
        .set({ heartbeatAt: deps.clock.now() })
        .where(and(eq(t.id, task.id), mine))
        .returning({ cancelRequestedAt: t.cancelRequestedAt, canceledBy: t.canceledBy });
      if (!row) stop({ kind: "lost" });
      else if (row.cancelRequestedAt) stop({ kind: "cancel", by: row.canceledBy ?? userId });
    })().catch((error: unknown) => log.warn({ err: error }, "task heartbeat failed"));
  }, options.heartbeatMs);
  heartbeat.unref?.();

  let lastProgressAt = 0;
  let progressWrite: Promise<unknown> = Promise.resolve();
  // A progress report is a hint that the next one (or the finish) supersedes: one that cannot be
  // written (the database briefly unreachable) is logged and skipped rather than failing the work.
  const progress = async (percent: number, message?: string) => {
    const value = Math.max(0, Math.min(100, Math.round(percent)));
    const now = Date.now();
    if (value < 100 && now - lastProgressAt < PROGRESS_INTERVAL_MS) return;
    lastProgressAt = now;
    progressWrite = changeTask(
      deps,
      target,
      mine,
      { progress: value, progressMessage: message ?? null },
      { type: "progress", data: { progress: value, ...(message ? { message } : {}) } },
    ).catch((error: unknown) => {
      // The next report is written whenever it comes.
      lastProgressAt = 0;
      log.warn({ err: error, progress: value }, "could not record task progress; going on");
    });
    await progressWrite;
  };

  let outcome: AttemptOutcome;
  let output: unknown;
  try {
    const input = kind.input.parse(task.input);
    output = await kind.run({
      task,
      userId,
      input,
      attempt: task.attempts,
      signal: controller.signal,
      progress,
      // A log entry, like a progress report, is not worth the work: one that cannot be written
      // (the database briefly unreachable) is left out of the task's log, and the server log
      // says so.
      log: async (data) => {
        await changeTask(deps, target, mine, {}, { type: "log", data }).catch((error: unknown) => {
          log.warn({ err: error }, "could not record a task log entry; going on");
        });
      },
    });
    if (stopReason) throw new TaskStopped(stopReason);
    await progressWrite.catch(() => undefined);
    outcome = await recordSuccess(deps, { task, userId, workerId: options.workerId, log }, output);
  } catch (caught) {
    await progressWrite.catch(() => undefined);
    outcome = await recordFailure(
      deps,
      { task, userId, kind, target, mine, log, options },
      caught,
      stopReason,
    );
  } finally {
    clearTimeout(timeout);
    clearInterval(heartbeat);
    options.shutdown?.removeEventListener("abort", onShutdown);
    unregister();
  }
  if (outcome === "lost") await removeFilesIfDeleted(deps, task, output, log);
  return outcome;
}

/**
 * An attempt that could not record its end may have outlived its task: the row was deleted while
 * the handler ran (its account was deleted; the handler was canceled, but stops in its own time).
 * Whatever the attempt stored would then belong to nobody, so it goes. A task that still exists
 * was only taken over by another worker, whose attempt may be writing the same files: those stay.
 */
async function removeFilesIfDeleted(
  deps: AttemptDeps,
  task: Task,
  output: unknown,
  log: TasksDeps["log"],
): Promise<void> {
  try {
    const t = schema.tasks;
    const [row] = await deps.db.select({ id: t.id }).from(t).where(eq(t.id, task.id)).limit(1);
    if (row) return;
    const stored = output !== null && typeof output === "object" ? output : null;
    await removeTaskFiles(deps, { ...task, output: stored as Task["output"] });
    log.info("removed the files of an attempt whose task was deleted while it ran");
  } catch (error) {
    log.warn({ err: error }, "could not check for a deleted task's files");
  }
}

/** Waits before each further try to record a finished attempt's output. */
const FINISH_RETRY_DELAYS_MS = [100, 500, 2_000];

/**
 * Records the output of a handler that finished. The work is done, so a failure to write it (the
 * database briefly unreachable) is not the handler's failure: the write is tried again, and when
 * it keeps failing the task is left running, without a heartbeat, for recovery to queue it again
 * (its attempt starts over) instead of being marked failed.
 */
async function recordSuccess(
  deps: AttemptDeps,
  attempt: { task: Task; userId: string; workerId: string; log: TasksDeps["log"] },
  output: unknown,
): Promise<AttemptOutcome> {
  const { task, userId, workerId, log } = attempt;
  for (let retry = 0; ; retry += 1) {
    try {
      const done = await finishTask(deps, {
        id: task.id,
        userId,
        workerId,
        output,
        finishedAt: deps.clock.now(),
      });
      return done ? "succeeded" : "lost";
    } catch (error) {
      const delayMs = FINISH_RETRY_DELAYS_MS[retry];
      if (delayMs === undefined) {
        log.error({ err: error }, "could not record a finished task; recovery will run it again");
        return "lost";
      }
      log.warn({ err: error, delayMs }, "could not record a finished task; trying again");
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

function failedSet(deps: Pick<TasksDeps, "clock">, code: string, message: string) {
  return {
    status: "failed" as const,
    errorCode: code,
    errorMessage: message,
    finishedAt: deps.clock.now(),
  };
}

async function recordFailure(
  deps: AttemptDeps,
  attempt: {
    task: Task;
    userId: string;
    kind: TaskKind<unknown>;
    target: { id: string; userId: string };
    mine: ReturnType<typeof and>;
    log: TasksDeps["log"];
    options: AttemptOptions;
  },
  caught: unknown,
  stopReason: StopReason | undefined,
): Promise<AttemptOutcome> {
  const { task, kind, target, mine, log, options } = attempt;
  const t = schema.tasks;
  const now = deps.clock.now();

  if (stopReason?.kind === "lost") return "lost";
  if (stopReason?.kind === "cancel") {
    const canceled = await changeTask(
      deps,
      target,
      mine,
      { status: "canceled", canceledBy: stopReason.by, finishedAt: now },
      { type: "canceled", data: { by: stopReason.by } },
    );
    return canceled ? "canceled" : "lost";
  }
  if (stopReason?.kind === "shutdown") {
    const requeued = await changeTask(
      deps,
      target,
      mine,
      {
        status: "queued",
        attempts: sql`greatest(${t.attempts} - 1, 0)`,
        workerId: null,
        runAfter: now,
      },
      { type: "retrying", data: { reason: "shutdown", delayMs: 0 } },
    );
    if (requeued) await options.requeued?.(requeued);
    return requeued ? "requeued" : "lost";
  }

  const error =
    stopReason?.kind === "timeout"
      ? new DomainError("TIMEOUT", `The task took longer than ${stopReason.afterMs} ms`)
      : caught instanceof TaskStopped
        ? new DomainError("INTERNAL", "The task was stopped")
        : caught;
  const code: ErrorCode = isDomainError(error) ? error.code : "INTERNAL";
  // Unknown errors are logged with their cause and shown generically.
  const message =
    isDomainError(error) && code !== "INTERNAL" ? error.message : "The task failed unexpectedly";
  if (!isDomainError(error) || code === "INTERNAL")
    log.error({ err: caught }, "task attempt failed");
  else log.info({ code, reason: message }, "task attempt failed");

  if (isRetryable(error) && task.attempts < task.maxAttempts) {
    // A provider that said when to come back (a 429's Retry-After) is not asked again sooner.
    const delayMs = Math.max(
      backoffDelay(kind.backoff, task.attempts),
      isDomainError(error) ? Math.min(error.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS) : 0,
    );
    const retrying = await changeTask(
      deps,
      target,
      mine,
      {
        status: "queued",
        workerId: null,
        errorCode: code,
        errorMessage: message,
        runAfter: new Date(now.getTime() + delayMs),
      },
      { type: "retrying", data: { code, message, attempt: task.attempts, delayMs } },
    );
    if (retrying) await options.requeued?.(retrying);
    return retrying ? "retrying" : "lost";
  }
  const failed = await changeTask(deps, target, mine, failedSet(deps, code, message), {
    type: "failed",
    data: {
      code,
      message,
      ...(isDomainError(error) && error.details ? { details: error.details } : {}),
    },
  });
  return failed ? "failed" : "lost";
}

/**
 * Recovery: running tasks whose heartbeat stopped more than `staleAfterMs` ago belong to a worker
 * that died. Each goes back to the queue while attempts remain (the next attempt starts over), or
 * ends `interrupted`. Safe to run from every process at once: each change is guarded by the stale
 * heartbeat it saw.
 */
export async function recoverStaleTasks(
  deps: AttemptDeps,
  options: { staleAfterMs: number; requeued?: (task: Task) => Promise<void> },
): Promise<{ requeued: number; interrupted: number }> {
  const t = schema.tasks;
  const now = deps.clock.now();
  const staleBefore = new Date(now.getTime() - options.staleAfterMs);
  const stale = await deps.db
    .select({
      id: t.id,
      userId: t.userId,
      attempts: t.attempts,
      maxAttempts: t.maxAttempts,
      heartbeatAt: t.heartbeatAt,
      workerId: t.workerId,
    })
    .from(t)
    .where(and(eq(t.status, "running"), lte(t.heartbeatAt, staleBefore)))
    .limit(500);
  let requeued = 0;
  let interrupted = 0;
  for (const row of stale) {
    const guard = and(eq(t.status, "running"), lte(t.heartbeatAt, staleBefore));
    if (row.attempts < row.maxAttempts) {
      const task = await changeTask(
        deps,
        { id: row.id, userId: row.userId },
        guard,
        { status: "queued", workerId: null, runAfter: now },
        { type: "retrying", data: { reason: "worker lost", workerId: row.workerId, delayMs: 0 } },
      );
      if (task) {
        requeued += 1;
        await options.requeued?.(task);
      }
    } else {
      const task = await changeTask(
        deps,
        { id: row.id, userId: row.userId },
        guard,
        {
          status: "interrupted",
          workerId: null,
          errorCode: "INTERNAL",
          errorMessage: "The worker running the task stopped",
          finishedAt: now,
        },
        { type: "interrupted", data: { workerId: row.workerId } },
      );
      if (task) interrupted += 1;
    }
  }
  return { requeued, interrupted };
}
