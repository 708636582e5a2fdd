// One measured run of one contender: start its producer and worker processes, drain a warm-up
// batch, then drain the measured batch while sampling CPU time, and check every task: completed
// once, never lost, never run twice.
import { processCpuMs, serviceCpuMs } from "./proc-cpu";
import { startProcesses, stopProcesses, type Processes } from "./processes";
import { CONTENDERS, type ContenderId } from "./protocol";
import type { BenchDatabase } from "./services";
import { bareTracker, genflowTracker, type Tracker } from "./tracking";

export interface RunParams {
  /** Measured tasks per run. */
  tasks: number;
  /** Tasks drained (and discarded) before them, through the same processes. */
  warmup: number;
  /** Handlers (jobs) run at once per worker process, bare and GenFlow alike. */
  concurrency: number;
  /** Enqueue calls in flight at once in a producer: `createTask` (GenFlow) or `Queue.add` (bare). */
  creators: number;
  /** Bare BullMQ gets each batch in one `addBulk` call instead of one `add` per job. */
  bareBulk: boolean;
  /** Throwaway users owning a GenFlow contender's tasks, in turn. */
  users: number;
}

export interface RunServices {
  /** The throwaway database (GenFlow contenders). */
  database: BenchDatabase | undefined;
  redisUrl: string | undefined;
  /** This run's Redis key prefix; each contender run works under a prefix of its own below it. */
  keyPrefix: string;
  /**
   * Write V8 CPU profiles of every process (whole life, warm-up included) into a folder per
   * process (`<contender>-r<round>-<role>`) in this folder.
   */
  cpuProfileDir: string | undefined;
}

/** CPU time during the measured batch, in ms (undefined where /proc could not say). */
export interface CpuUsage {
  producer: number | undefined;
  workers: number | undefined;
  postgres: number | undefined;
  redis: number | undefined;
}

export interface ContenderRun {
  contender: ContenderId;
  round: number;
  tasks: number;
  /** Date.now() when the producer started enqueueing the measured batch. */
  startedAt: number;
  /** How long the producer took to enqueue them, in ms. */
  enqueueMs: number;
  /** From the first enqueue to the last completion, in ms. */
  wallMs: number;
  /** Enqueue → completion of each measured task that completed, in ms. */
  latenciesMs: number[];
  cpu: CpuUsage;
  /**
   * Postgres transactions (a statement outside a transaction counts as one) by the contender's
   * processes over their whole life, warm-up included, per task; null without a database.
   */
  pgTransactionsPerTask: number | null;
  /** Measured tasks that never completed. */
  lost: number;
  /** Measured tasks whose handler ran (or whose job completed) more than once. */
  duplicated: number;
  /** Measured tasks that finished in a status other than `succeeded` (GenFlow). */
  failed: number;
  /** Measured tasks run by each worker process (the producer's, for the in-process runner). */
  perWorker: number[];
  /** Anything else that was wrong (handlers run for tasks nobody enqueued…). */
  problems: string[];
}

const PRODUCE_TIMEOUT_MS = 10 * 60_000;
const REPORT_TIMEOUT_MS = 30_000;
/**
 * Waiting ends when nothing completes for this long. Longer than GenFlow's reconcile interval
 * (60 s), so a job the runner failed to add is re-added and shows as a slow task, not a lost one.
 */
const STALL_MS = 90_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const progress = (message: string) => process.stderr.write(`${message}\n`);

/**
 * Polls the tracker until `target` tasks have completed or nothing completes for STALL_MS;
 * returns the last count. Only the waiting depends on how often: a run's times come from the
 * tasks' own timestamps.
 */
async function drain(tracker: Tracker, target: number): Promise<number> {
  let last = -1;
  let movedAt = Date.now();
  for (;;) {
    const now = await tracker.completed();
    if (now >= target) return now;
    if (now !== last) {
      last = now;
      movedAt = Date.now();
    } else if (Date.now() - movedAt > STALL_MS) {
      return now;
    }
    await sleep(tracker.pollMs);
  }
}

function cpuSnapshot(processes: Processes): CpuUsage {
  const workers = processes.workers.map((w) => processCpuMs(w.pid));
  return {
    producer: processCpuMs(processes.producer.pid),
    workers: workers.some((ms) => ms === undefined)
      ? undefined
      : workers.reduce<number>((a, b) => a + (b ?? 0), 0),
    postgres: serviceCpuMs("postgres"),
    redis: serviceCpuMs("redis"),
  };
}

function cpuDiff(before: CpuUsage, after: CpuUsage): CpuUsage {
  const diff = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined ? undefined : b - a;
  return {
    producer: diff(before.producer, after.producer),
    workers: diff(before.workers, after.workers),
    postgres: diff(before.postgres, after.postgres),
    redis: diff(before.redis, after.redis),
  };
}

const countBy = (ids: Iterable<string>) => {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
};

type Measured = Omit<ContenderRun, "pgTransactionsPerTask">;

async function measure(
  contender: ContenderId,
  round: number,
  params: RunParams,
  processes: Processes,
  tracker: Tracker,
): Promise<Measured> {
  const spec = CONTENDERS[contender];
  const { producer, workers } = processes;
  if (params.warmup > 0) {
    await producer.request(
      { type: "produce", phase: "warmup", count: params.warmup },
      "produced",
      PRODUCE_TIMEOUT_MS,
    );
    const done = await drain(tracker, params.warmup);
    if (done < params.warmup)
      throw new Error(`only ${done} of ${params.warmup} warm-up tasks completed`);
  }

  const before = cpuSnapshot(processes);
  const batch = await producer.request(
    { type: "produce", phase: "measure", count: params.tasks },
    "produced",
    PRODUCE_TIMEOUT_MS,
  );
  await drain(tracker, params.warmup + params.tasks);
  const cpu = cpuDiff(before, cpuSnapshot(processes));

  // Whoever ran the handlers says which tasks it ran, repeats included.
  const reports = await Promise.all(
    (spec.workers > 0 ? workers : [producer]).map((child) =>
      child.request({ type: "report" }, "report", REPORT_TIMEOUT_MS),
    ),
  );
  const outcome = await tracker.outcome(batch.ids, reports);
  const measured = new Set(batch.ids);
  const invocations = countBy(reports.flatMap((r) => r.invocations));
  let ranTwice = 0;
  for (const id of measured) if ((invocations.get(id) ?? 0) > 1) ranTwice += 1;

  const problems: string[] = [];
  if (measured.size !== batch.ids.length)
    problems.push(`the producer returned ${batch.ids.length - measured.size} repeated ids`);
  const expected = params.warmup + params.tasks;
  if (invocations.size > expected)
    problems.push(`handlers ran for ${invocations.size - expected} ids nobody enqueued`);

  return {
    contender,
    round,
    tasks: batch.ids.length,
    startedAt: batch.startedAt,
    enqueueMs: batch.endedAt - batch.startedAt,
    wallMs: outcome.lastFinishedAt - batch.startedAt,
    latenciesMs: outcome.latenciesMs,
    cpu,
    lost: outcome.lost,
    duplicated: Math.max(ranTwice, outcome.completedTwice),
    failed: outcome.failed,
    perWorker: reports.map((r) => r.invocations.filter((id) => measured.has(id)).length),
    problems,
  };
}

export async function runContender(
  contender: ContenderId,
  round: number,
  params: RunParams,
  services: RunServices,
): Promise<ContenderRun> {
  const spec = CONTENDERS[contender];
  const database = spec.mode === "bare" ? undefined : services.database;
  if (spec.mode !== "bare" && !database) throw new Error(`${spec.label} needs Postgres`);

  const transactionsBefore = await database?.transactions();
  const owners = database ? await genflowTracker(database.url, params.users) : undefined;
  let processes: Processes | undefined;
  let measured: Measured;
  try {
    processes = await startProcesses(contender, round, params, {
      databaseUrl: database?.url,
      redisUrl: services.redisUrl,
      keyPrefix: `${services.keyPrefix}${contender}-r${round}:`,
      userIds: owners?.userIds ?? [],
      cpuProfileDir: services.cpuProfileDir,
    });
    const tracker = owners?.tracker ?? bareTracker(processes.workers);
    measured = await measure(contender, round, params, processes, tracker);
  } finally {
    if (processes) await stopProcesses(processes);
    await owners?.tracker.close();
  }

  // Every client has gone now, so the database has counted every transaction of the run.
  const transactionsAfter = await database?.transactions();
  const pgTransactionsPerTask =
    transactionsBefore === undefined || transactionsAfter === undefined || !owners
      ? null
      : (transactionsAfter - transactionsBefore - owners.tracker.statements()) /
        (params.warmup + measured.tasks);
  return { ...measured, pgTransactionsPerTask };
}
