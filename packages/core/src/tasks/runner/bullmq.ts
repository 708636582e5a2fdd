import { schema } from "@genflow/db";
import { DelayedError, ErrorCode, Worker, type Job } from "bullmq";
import { and, asc, gt, inArray } from "drizzle-orm";

import type { Unsubscribe } from "../../ports";
import { groupCommit } from "../group-commit";
import type { TaskQueue, TasksDeps } from "../ports";
import { TASK_CANCEL_CHANNEL, TaskCancelMessage, type Task } from "../schemas";
import { QUEUED_OF_A_KIND } from "../store";
import { recoverStaleTasks, runAttempt, type StopReason } from "./attempt";
import { createQueueConnections, isConnectionError } from "./bullmq-connections";
import {
  TaskQueues,
  taskJobId,
  taskQueueName,
  taskQueuePrefix,
  type QueuedTask,
  type TaskJobData,
} from "./bullmq-queues";
import { claimNextTask, nextRunAfter } from "./pick";

export interface BullmqRunnerOptions {
  /** This process's name in `tasks.worker_id`. */
  workerId: string;
  /** `redis://` URL of the Redis holding the queues. The runner opens and closes its own links. */
  redisUrl: string;
  /** The deployment's key prefix, as for the other Redis adapters. Default `genflow:`. */
  keyPrefix?: string;
  /** Run handlers here (false: only add jobs, for hosts whose workers run elsewhere). Default true. */
  runHandlers?: boolean;
  /** The kinds whose handlers run here. Default: every kind the process knows. */
  kinds?: readonly string[];
  /** Attempts of a kind run at once by this process. Default: the kind's `concurrency`. */
  concurrency?: Readonly<Record<string, number>>;
  /** How often a running task's heartbeat is written, and stale tasks are looked for. Default 5 s. */
  heartbeatMs?: number;
  /** A running task whose heartbeat is older than this is recovered. Default 30 s. */
  staleAfterMs?: number;
  /** How often every queued task is checked for a job (besides at start). Default 60 s. */
  reconcileMs?: number;
  /** BullMQ's job lock: a job whose worker stops renewing it for this long has stalled. Default 30 s. */
  lockDurationMs?: number;
  /** How often BullMQ looks for stalled jobs. Default 30 s. */
  stalledIntervalMs?: number;
  /** How often a job may stall before BullMQ drops it. Default 1. */
  maxStalledCount?: number;
  /** How long `stop()` waits for workers to close before dropping their connections. Default 15 s. */
  closeTimeoutMs?: number;
}

export interface BullmqRunner {
  queue: TaskQueue;
  /** Reconciles the queues with the database, then starts taking jobs. */
  start(): Promise<void>;
  /** Stops taking jobs; running attempts go back to the queue. Resolves when they have. */
  stop(): Promise<void>;
  /** Attempts running in this process now. */
  running(): number;
  /** Resolves when none of this runner's kinds is queued and nothing runs here (tests, benchmarks). */
  idle(): Promise<void>;
  /**
   * Makes sure every queued task of this runner's kinds has a job (after Redis lost its data, or an
   * add that failed while it was away); idempotent. Returns how many queued tasks it looked at.
   */
  reconcile(): Promise<number>;
}

/** An add that takes longer is given up on: the task is safe in the database and the reconciler adds it. */
const ADD_TIMEOUT_MS = 3_000;
/** How long a job is put back for when the database could not be asked which task is next. */
const DB_RETRY_MS = 1_000;
const RECONCILE_PAGE = 500;
/** The most jobs one round trip adds for tasks created together. */
const MAX_JOBS_PER_ADD = 64;
/** The shortest pause before a job that found nothing to run is tried again. */
const MIN_PUT_BACK_MS = 20;
/** How long `start()` waits for Redis before going on (degraded: jobs are added once it is up). */
const STARTUP_WAIT_MS = 3_000;

/** BullMQ's error for a job whose key is gone (Redis lost its data, e.g. restarted without it). */
const isJobNotInRedis = (error: unknown) =>
  (error as { code?: unknown } | null)?.code === ErrorCode.JobNotExist;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs tasks from BullMQ queues in Redis, one queue per kind, so any number of worker processes
 * share the work. Postgres stays the source of truth; Redis holds only live jobs, which carry a
 * task id and are removed the moment they finish.
 *
 * A job is a *slot*: when a worker takes one it claims the fairest runnable task of that kind from
 * the database (the same pick as the in-process runner: owners with the fewest running tasks
 * first, then priority, then age), which is usually but not always the job's own task. Every queued
 * task adds one job, so the jobs and the runnable tasks stay in step, and per-user fairness holds
 * across all workers. The guarded claim in the database is what keeps two workers from running one
 * task; BullMQ's locks and stalled-job checks only keep jobs moving.
 *
 * Retries with backoff are delayed jobs (BullMQ's own `attempts` stays 1); cancels reach the
 * attempt through the pub/sub port; heartbeats and recovery work as in the in-process runner, and
 * recovered tasks get a new job; at start (and every `reconcileMs`) every queued task without a job
 * gets one.
 */
export function createBullmqRunner(
  deps: Pick<TasksDeps, "db" | "pubsub" | "clock" | "log" | "tasks">,
  options: BullmqRunnerOptions,
): BullmqRunner {
  const heartbeatMs = options.heartbeatMs ?? 5_000;
  const staleAfterMs = options.staleAfterMs ?? 30_000;
  const reconcileMs = options.reconcileMs ?? 60_000;
  const closeTimeoutMs = options.closeTimeoutMs ?? 15_000;
  const runHandlers = options.runHandlers ?? true;
  const keyPrefix = options.keyPrefix ?? "genflow:";
  const { workerId } = options;
  const log = deps.log.child({ component: "task-runner", runner: "bullmq", workerId });

  const kinds = runHandlers ? (options.kinds ?? [...deps.tasks.kinds.keys()]) : [];
  for (const kind of kinds) {
    if (!deps.tasks.kinds.has(kind)) throw new Error(`Unknown task kind to run: ${kind}`);
  }

  // CLIENT SETNAME refuses spaces; the name only helps operators read `CLIENT LIST`.
  const connections = createQueueConnections(options.redisUrl, keyPrefix.replace(/\s+/g, "-"));
  const prefix = taskQueuePrefix(keyPrefix);
  const now = () => deps.clock.now().getTime();
  const queues = new TaskQueues({ connection: connections.producer, prefix, log, now });

  const workers: Worker<TaskJobData>[] = [];
  const stops = new Map<string, (reason: StopReason) => void>();
  const attempts = new Set<Promise<unknown>>();
  const shutdown = new AbortController();
  const timers: NodeJS.Timeout[] = [];
  let started = false;
  let unsubscribe: Unsubscribe | undefined;
  let reconciling: Promise<number> | undefined;
  /** Set by the first connection error of an outage; cleared when Redis answers again. */
  let workersOffline = false;
  /** Set by the first job an outage keeps from being added; cleared likewise. */
  let jobsWaiting = false;
  connections.producer.on("ready", () => {
    jobsWaiting = false;
    if (!workersOffline) return;
    workersOffline = false;
    log.info("Redis is back; task workers resume");
  });

  /** Per kind: jobs asked for at the same time (creates written together) go in one round trip. */
  const adders = new Map<string, (task: QueuedTask) => Promise<void>>();
  const jobAdds = (kind: string) => {
    let add = adders.get(kind);
    if (!add) {
      add = groupCommit(async (tasks: QueuedTask[]) => {
        await queues.addMany(kind, tasks);
        return tasks.map(() => undefined);
      }, MAX_JOBS_PER_ADD);
      adders.set(kind, add);
    }
    return add;
  };

  /** Redis is away: the reconciler adds the task's job once it is back. Said once per outage. */
  const jobWaits = (task: QueuedTask) => {
    if (!jobsWaiting) {
      jobsWaiting = true;
      log.warn("Redis is unreachable; new tasks' jobs are added once it is back");
    }
    log.debug({ taskId: task.id, kind: task.kind }, "Redis is unreachable; the task's job waits");
  };

  /** Adds a task's job; never throws (the reconciler covers an add that failed). */
  const enqueue = async (task: QueuedTask) => {
    // Redis is away: do not hold up the caller.
    if (connections.producer.status !== "ready") return jobWaits(task);
    try {
      await withTimeout(jobAdds(task.kind)(task), ADD_TIMEOUT_MS, "adding a task job");
    } catch (error) {
      // Redis went away during the add (every add in flight fails at once): the same outage.
      if (isConnectionError(error) || connections.producer.status !== "ready") {
        return jobWaits(task);
      }
      log.warn(
        { err: error, taskId: task.id, kind: task.kind },
        "could not add the task's job; the reconciler will",
      );
    }
  };

  /** Returns the job to the queue for later instead of finishing it: the slot stays. */
  const putBack = async (job: Job<TaskJobData>, token: string | undefined, delayMs: number) => {
    try {
      await withTimeout(
        job.moveToDelayed(Date.now() + Math.max(0, delayMs), token),
        ADD_TIMEOUT_MS,
        "putting a job back",
      );
    } catch (error) {
      // Its lock runs out and BullMQ's stalled check puts it back instead.
      log.warn({ err: error, jobId: job.id }, "could not put a job back; it will stall back");
    }
    throw new DelayedError();
  };

  const runClaimed = async (claimed: { task: Task; userId: string }, job: Job<TaskJobData>) => {
    let keep: Task | undefined;
    // runAttempt listens for shutdown from its first synchronous step; relay a shutdown that
    // happened while the task was being claimed once it listens.
    const attemptShutdown = new AbortController();
    const relay = () => attemptShutdown.abort();
    shutdown.signal.addEventListener("abort", relay, { once: true });
    const attempt = runAttempt(deps, claimed, {
      workerId,
      heartbeatMs,
      shutdown: attemptShutdown.signal,
      register: (taskId, stop) => {
        stops.set(taskId, stop);
        return () => stops.delete(taskId);
      },
      requeued: async (task) => {
        // Back in the queue without using the attempt (a shutdown): this job was spent on no
        // attempt, so it stays, as the task's job or as the slot of the job's own task.
        if (task.attempts < claimed.task.attempts) keep = task;
        // A retry (or a task that was not the job's own) gets a job of its own.
        if (taskJobId(task) !== job.id) await enqueue(task);
      },
    }).catch((error: unknown) =>
      log.error({ err: error, taskId: claimed.task.id }, "task attempt crashed"),
    );
    if (shutdown.signal.aborted) attemptShutdown.abort();
    attempts.add(attempt);
    try {
      await attempt;
    } finally {
      attempts.delete(attempt);
      shutdown.signal.removeEventListener("abort", relay);
    }
    return keep;
  };

  const processJob = async (kind: string, job: Job<TaskJobData>, token: string | undefined) => {
    if (shutdown.signal.aborted) return putBack(job, token, 0);
    let claimed: Awaited<ReturnType<typeof claimNextTask>>;
    try {
      claimed = await claimNextTask(deps, [kind], workerId);
    } catch (error) {
      log.error({ err: error, kind }, "could not claim a task");
      return putBack(job, token, DB_RETRY_MS);
    }
    if (claimed === null) {
      // Nothing this slot could take. While any task of the kind is still queued (backing off,
      // its job early because clocks differ, or locked by a claim that may yet come to nothing),
      // keep the slot until the soonest may run: a job is only spent when its kind's queue is
      // empty, so a queued task is never left without one.
      const next = await nextRunAfter(deps, [kind]).catch(() => new Date(now() + DB_RETRY_MS));
      if (next !== undefined) {
        return putBack(job, token, Math.max(MIN_PUT_BACK_MS, next.getTime() - now()));
      }
      return;
    }
    const kept = await runClaimed(claimed, job);
    if (kept) return putBack(job, token, kept.runAfter.getTime() - now());
  };

  const recover = async () => {
    try {
      const result = await recoverStaleTasks(deps, { staleAfterMs, requeued: enqueue });
      if (result.requeued + result.interrupted > 0) {
        log.warn(result, "recovered tasks whose worker stopped");
      }
    } catch (error) {
      log.error({ err: error }, "task recovery failed");
    }
  };

  const reconcileOnce = async (): Promise<number> => {
    const t = schema.tasks;
    let seen = 0;
    let after: string | undefined;
    if (kinds.length === 0) return 0;
    for (;;) {
      const rows = await deps.db
        .select({ id: t.id, kind: t.kind, runAfter: t.runAfter, attempts: t.attempts })
        .from(t)
        .where(
          and(
            QUEUED_OF_A_KIND,
            inArray(t.kind, [...kinds]),
            after === undefined ? undefined : gt(t.id, after),
          ),
        )
        .orderBy(asc(t.id))
        .limit(RECONCILE_PAGE);
      const byKind = new Map<string, QueuedTask[]>();
      for (const row of rows) {
        const list = byKind.get(row.kind) ?? [];
        list.push(row);
        byKind.set(row.kind, list);
      }
      for (const [kind, tasks] of byKind) {
        await withTimeout(queues.addMany(kind, tasks), ADD_TIMEOUT_MS, "adding task jobs");
      }
      seen += rows.length;
      const last = rows.at(-1);
      if (!last || rows.length < RECONCILE_PAGE) return seen;
      after = last.id;
    }
  };

  const reconcile = () => {
    reconciling ??= reconcileOnce().finally(() => {
      reconciling = undefined;
    });
    return reconciling;
  };

  /** Set by the first reconcile that fails; cleared by the next that succeeds. */
  let reconcileFailing = false;
  /** Reconciles; a failure is said once until a reconcile succeeds again (an outage fails each). */
  const reconcileQuietly = async () => {
    try {
      const seen = await reconcile();
      if (reconcileFailing) {
        reconcileFailing = false;
        log.info({ queued: seen }, "the task queues are reconciled again");
      } else if (seen > 0) {
        log.debug({ queued: seen }, "queued tasks have their jobs");
      }
    } catch (error) {
      if (reconcileFailing) {
        log.debug({ err: error }, "could not reconcile the task queues");
        return;
      }
      reconcileFailing = true;
      log.warn({ err: error }, "could not reconcile the task queues; trying again until it works");
    }
  };

  const startWorker = (kind: string) => {
    const definition = deps.tasks.kinds.get(kind);
    const concurrency = Math.max(1, options.concurrency?.[kind] ?? definition?.concurrency ?? 1);
    const worker = new Worker<TaskJobData>(
      taskQueueName(kind),
      (job, token) => processJob(kind, job, token),
      {
        connection: connections.workerTemplate,
        prefix,
        name: workerId,
        concurrency,
        lockDuration: options.lockDurationMs ?? 30_000,
        stalledInterval: options.stalledIntervalMs ?? 30_000,
        maxStalledCount: options.maxStalledCount ?? 1,
        removeOnComplete: { count: 0 },
        removeOnFail: { count: 0 },
      },
    );
    worker.on("error", (error: Error) => {
      if (isJobNotInRedis(error)) {
        // Redis lost the job (it came back empty) while its task ran; the task's end is in the
        // database all the same, and tasks still queued get jobs from the reconciler.
        log.info(
          { err: error, kind },
          "a finished job was no longer in Redis; its task is recorded",
        );
      } else if (!isConnectionError(error)) {
        log.warn({ err: error, kind }, "task worker error");
      } else if (!workersOffline) {
        // Every connection of every worker fails on each reconnect attempt: say it once.
        workersOffline = true;
        log.warn({ err: error }, "task workers lost Redis; they reconnect by themselves");
      } else {
        log.debug({ err: error, kind }, "task worker connection error");
      }
    });
    worker.on("failed", (job, error: Error) =>
      log.warn({ err: error, kind, jobId: job?.id }, "task job failed"),
    );
    worker.on("stalled", (jobId: string) =>
      log.warn({ kind, jobId }, "a task job stalled (its worker stopped renewing the lock)"),
    );
    workers.push(worker);
    return { kind, concurrency, cpuHeavy: definition?.cpuHeavy === true };
  };

  return {
    queue: { enqueue },
    async start() {
      if (started) return;
      started = true;
      if (!(await connections.producerReady(STARTUP_WAIT_MS))) {
        log.warn("Redis is not reachable yet; task jobs are added once it is");
      }
      if (kinds.length === 0) return;
      unsubscribe = await deps.pubsub.subscribe(TASK_CANCEL_CHANNEL, (message) => {
        const parsed = TaskCancelMessage.safeParse(message);
        if (parsed.success) stops.get(parsed.data.taskId)?.({ kind: "cancel", by: parsed.data.by });
      });
      await recover();
      await reconcileQuietly();
      const running = kinds.map(startWorker);
      log.info({ kinds: running }, "task workers started");
      timers.push(setInterval(() => void recover(), heartbeatMs));
      timers.push(setInterval(() => void reconcileQuietly(), reconcileMs));
      for (const timer of timers) timer.unref();
    },
    async stop() {
      if (shutdown.signal.aborted) return;
      for (const timer of timers.splice(0)) clearInterval(timer);
      // Stop fetching first, then abort what runs: each attempt goes back to the queue.
      const closing = Promise.allSettled(workers.map((worker) => worker.close()));
      shutdown.abort();
      // Closing gracefully needs Redis (each job goes back to the queue): do not wait for it
      // while Redis is unreachable; the jobs stall back once their locks run out.
      const redis = connections.producerLost();
      try {
        const closed = await withTimeout(
          Promise.race([closing.then(() => true), redis.lost.then(() => false)]),
          closeTimeoutMs,
          "closing the task workers",
        );
        if (!closed) {
          log.warn("Redis is unreachable; disconnecting the task workers without closing them");
          connections.disconnectWorkers();
        }
      } catch (error) {
        log.warn({ err: error }, "task workers did not close in time; disconnecting them");
        connections.disconnectWorkers();
      } finally {
        redis.cancel();
      }
      await Promise.allSettled([...attempts]);
      await unsubscribe?.();
      await Promise.allSettled([reconciling]);
      await queues.close();
      await connections.close();
    },
    running: () => attempts.size,
    async idle() {
      const all = [...kinds];
      for (;;) {
        if (attempts.size === 0 && (await nextRunAfter(deps, all)) === undefined) {
          return;
        }
        await sleep(50);
      }
    },
    reconcile,
  };
}
