import type { Unsubscribe } from "../../ports";
import type { TaskQueue, TasksDeps } from "../ports";
import { TASK_CANCEL_CHANNEL, TaskCancelMessage, type Task } from "../schemas";
import { recoverStaleTasks, runAttempt, type StopReason } from "./attempt";
import { claimNextTask, nextRunAfter } from "./pick";

export interface InProcessRunnerOptions {
  /** This process's name in `tasks.worker_id`. */
  workerId: string;
  /** How often a running task's heartbeat is written. Default 5 s. */
  heartbeatMs?: number;
  /** A running task whose heartbeat is older than this is recovered. Default 30 s. */
  staleAfterMs?: number;
  /** How often the queue is looked at without a wake-up (tasks queued by other processes). Default 2 s. */
  pollMs?: number;
  /** Run handlers in this process (false: only queue, for hosts whose workers run elsewhere). */
  runHandlers?: boolean;
}

export interface InProcessRunner {
  queue: TaskQueue;
  /** Recovers what a previous run of this process left behind, then starts taking tasks. */
  start(): Promise<void>;
  /** Stops taking tasks; running ones go back to the queue. Resolves when they have. */
  stop(): Promise<void>;
  /** Tasks running in this process now. */
  running(): number;
  /** Resolves when no task is queued or running here (for tests and benchmarks). */
  idle(): Promise<void>;
}

/** The shortest pause before the queue is looked at again without a wake-up. */
const RECHECK_MS = 10;

/**
 * The default runner: handlers run in this process, with a concurrency limit per kind. The
 * database is the queue: a task is claimed by a guarded update, so several processes sharing a
 * database can run side by side. Enqueueing wakes the loop at once; a poll catches tasks queued
 * by other processes and retries whose backoff has passed; a periodic recovery requeues tasks
 * whose worker died.
 */
export function createInProcessRunner(
  deps: Pick<TasksDeps, "db" | "pubsub" | "clock" | "log" | "tasks">,
  options: InProcessRunnerOptions,
): InProcessRunner {
  const heartbeatMs = options.heartbeatMs ?? 5_000;
  const staleAfterMs = options.staleAfterMs ?? 30_000;
  const pollMs = options.pollMs ?? 2_000;
  const runHandlers = options.runHandlers ?? true;
  const { workerId } = options;
  const log = deps.log.child({ component: "task-runner", workerId });

  const runningByKind = new Map<string, number>();
  const stops = new Map<string, (reason: StopReason) => void>();
  const attempts = new Set<Promise<unknown>>();
  const shutdown = new AbortController();
  let started = false;
  let pumping: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let recoveryTimer: NodeJS.Timeout | undefined;
  let unsubscribe: Unsubscribe | undefined;
  const idleWaiters: (() => void)[] = [];

  const freeKinds = () =>
    [...deps.tasks.kinds.values()]
      .filter((kind) => (runningByKind.get(kind.name) ?? 0) < kind.concurrency)
      .map((kind) => kind.name);

  const schedule = (at: Date | undefined) => {
    if (timer) clearTimeout(timer);
    if (shutdown.signal.aborted) return;
    const delay = at
      ? Math.max(RECHECK_MS, Math.min(pollMs, at.getTime() - deps.clock.now().getTime()))
      : pollMs;
    timer = setTimeout(wake, delay);
    timer.unref?.();
  };

  const checkIdle = async () => {
    if (idleWaiters.length === 0 || attempts.size > 0) return;
    if ((await nextRunAfter(deps, [...deps.tasks.kinds.keys()])) !== undefined) return;
    for (const resolve of idleWaiters.splice(0)) resolve();
  };

  const startAttempt = (claimed: { task: Task; userId: string }) => {
    const { id, kind } = claimed.task;
    runningByKind.set(kind, (runningByKind.get(kind) ?? 0) + 1);
    const attempt = runAttempt(deps, claimed, {
      workerId,
      heartbeatMs,
      shutdown: shutdown.signal,
      register: (taskId, stop) => {
        stops.set(taskId, stop);
        return () => stops.delete(taskId);
      },
    })
      .catch((error: unknown) => log.error({ err: error, taskId: id }, "task attempt crashed"))
      .finally(() => {
        runningByKind.set(kind, (runningByKind.get(kind) ?? 1) - 1);
        attempts.delete(attempt);
        wake();
      });
    attempts.add(attempt);
  };

  const pumpOnce = async () => {
    for (;;) {
      if (shutdown.signal.aborted) return;
      // Every free slot asks at once, so the slots of one kind claim their tasks in one statement.
      const claims = await Promise.allSettled(
        [...deps.tasks.kinds.values()].flatMap((kind) =>
          Array.from(
            { length: Math.max(0, kind.concurrency - (runningByKind.get(kind.name) ?? 0)) },
            () => claimNextTask(deps, [kind.name], workerId),
          ),
        ),
      );
      let claimedAny = false;
      for (const claim of claims) {
        if (claim.status !== "fulfilled" || !claim.value) continue;
        claimedAny = true;
        startAttempt(claim.value);
      }
      // What was claimed runs even when another kind's claim failed; the pass reports the failure.
      const failed = claims.find((claim) => claim.status === "rejected");
      if (failed) throw failed.reason;
      if (!claimedAny) break;
    }
    // Kinds at their limit are woken when an attempt of theirs ends; look again for the others
    // when their next task may run (soon, when one is runnable but others were claiming it).
    schedule(await nextRunAfter(deps, freeKinds()));
    await checkIdle();
  };

  function wake() {
    if (!started || !runHandlers || shutdown.signal.aborted) return;
    if (pumping) {
      again = true;
      return;
    }
    pumping = (async () => {
      do {
        again = false;
        await pumpOnce().catch((error: unknown) =>
          log.error({ err: error }, "task queue pass failed"),
        );
      } while (again && !shutdown.signal.aborted);
    })().finally(() => {
      pumping = undefined;
    });
  }

  const recover = async () => {
    try {
      const result = await recoverStaleTasks(deps, { staleAfterMs });
      if (result.requeued + result.interrupted > 0) {
        log.warn(result, "recovered tasks whose worker stopped");
        wake();
      }
    } catch (error) {
      log.error({ err: error }, "task recovery failed");
    }
  };

  return {
    queue: {
      enqueue: () => {
        wake();
        return Promise.resolve();
      },
    },
    async start() {
      if (started) return;
      started = true;
      unsubscribe = await deps.pubsub.subscribe(TASK_CANCEL_CHANNEL, (message) => {
        const parsed = TaskCancelMessage.safeParse(message);
        if (parsed.success) stops.get(parsed.data.taskId)?.({ kind: "cancel", by: parsed.data.by });
      });
      if (!runHandlers) return;
      await recover();
      recoveryTimer = setInterval(() => void recover(), heartbeatMs);
      recoveryTimer.unref?.();
      wake();
    },
    async stop() {
      if (shutdown.signal.aborted) return;
      shutdown.abort();
      if (timer) clearTimeout(timer);
      if (recoveryTimer) clearInterval(recoveryTimer);
      await pumping;
      await Promise.allSettled([...attempts]);
      await unsubscribe?.();
    },
    running: () => attempts.size,
    idle: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        // A failed look leaves the waiter to the next attempt's end or queue pass.
        checkIdle().catch((error: unknown) =>
          log.warn({ err: error }, "could not tell whether the task queue is idle"),
        );
      }),
  };
}
