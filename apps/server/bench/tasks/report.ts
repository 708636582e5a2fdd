// Turns the runs into per-contender summaries, the GenFlow-vs-bare ratios and the goals: the
// report that format.ts prints and that `--json` writes.
import { summarize, type LatencySummary } from "../generate/stats";
import type { Machine } from "../report";
import { CONTENDERS, CONTENDER_IDS, type ContenderId } from "./protocol";
import type { ContenderRun, CpuUsage, RunParams } from "./run-contender";

/** GenFlow's BullMQ runner may take less than this many times bare BullMQ's time per task. */
export const OVERHEAD_GOAL = 2;

/** CPU ms per task, where /proc could say. */
export interface CpuPerTask {
  /** The contender's own Node processes: producer and workers. */
  node: number | null;
  /** Of which the producer process. */
  producer: number | null;
  /** Of which the worker processes (none for the in-process runner). */
  workers: number | null;
  /** Every local `postgres` process (the whole server, other clients included). */
  postgres: number | null;
  /** Every local `redis-server` process. */
  redis: number | null;
  /** The three together (null when any of them is unknown). */
  total: number | null;
}

export interface ContenderSummary {
  contender: ContenderId;
  label: string;
  workers: number;
  /** Measured tasks per round. */
  tasks: number;
  /** Measured tasks ÷ time from the first enqueue to the last completion (the median round's). */
  tasksPerSec: number;
  roundsTasksPerSec: number[];
  /** Wall time per task, in ms: 1000 ÷ tasks/s (the median round's). */
  msPerTask: number;
  /** How long enqueueing took the producer, per task, in ms (the median round's). */
  enqueueMsPerTask: number;
  /** Enqueue → completion, over the completed tasks of all rounds. */
  latency: LatencySummary;
  cpuPerTask: CpuPerTask;
  /** Postgres transactions per task, warm-up included (the median round's); null for bare BullMQ. */
  pgTransactionsPerTask: number | null;
  /** Measured tasks run by each worker process (the median round's). */
  perWorker: number[];
  /** Over all rounds. */
  lost: number;
  duplicated: number;
  failed: number;
}

export interface Comparison {
  workers: number;
  genflow: ContenderId;
  bare: ContenderId;
  /** GenFlow's wall time per task ÷ bare BullMQ's (null when either was not measured). */
  timeRatio: number | null;
  /** The same for all CPU per task (Node processes, Postgres and Redis). */
  cpuRatio: number | null;
  /** timeRatio < OVERHEAD_GOAL. */
  met: boolean | null;
}

/**
 * The task record alone (`record`) against bare BullMQ with one worker, and what that leaves a
 * runner: a run cannot take less time per task than its CPU per task ÷ the machine's cores, so
 * under the goal a task may use at most cores × OVERHEAD_GOAL × bare BullMQ's time per task.
 */
export interface RecordShare {
  /** The record's wall time per task ÷ bare BullMQ's. */
  timeRatio: number | null;
  /** The same for all CPU per task (Node, Postgres and Redis). */
  cpuRatio: number | null;
  /** The most CPU per task (ms) a contender can use and still stay under the goal. */
  budgetCpuMs: number | null;
  /** The budget less bare BullMQ's CPU per task and the record's: left for the rest of a runner. */
  headroomCpuMs: number | null;
}

export interface ServicesInfo {
  postgres: string | null;
  redis: string | null;
}

export interface TasksReport {
  date: string;
  machine: Machine;
  params: RunParams & { rounds: number };
  services: ServicesInfo;
  /** 1-minute load average before the first run and after the last one. */
  load: { start: number; end: number };
  contenders: ContenderSummary[];
  comparisons: Comparison[];
  /** When both `record` and `bare-1` ran. */
  record: RecordShare | null;
  goals: {
    /** Every measured comparison under OVERHEAD_GOAL. */
    overhead: boolean | null;
    /** No contender lost, duplicated or failed a task. */
    noneLost: boolean | null;
  };
  /** Runs that failed, and tasks lost, duplicated or failed. */
  failures: string[];
}

const perTask = (ms: number | undefined, tasks: number) =>
  ms === undefined || tasks === 0 ? null : ms / tasks;

function cpuPerTask(cpu: CpuUsage, tasks: number): CpuPerTask {
  const node =
    cpu.producer === undefined || cpu.workers === undefined
      ? null
      : perTask(cpu.producer + cpu.workers, tasks);
  const postgres = perTask(cpu.postgres, tasks);
  const redis = perTask(cpu.redis, tasks);
  return {
    node,
    producer: perTask(cpu.producer, tasks),
    workers: perTask(cpu.workers, tasks),
    postgres,
    redis,
    total: node === null || postgres === null || redis === null ? null : node + postgres + redis,
  };
}

const tasksPerSec = (run: ContenderRun) =>
  run.wallMs > 0 ? (run.tasks * 1000) / run.wallMs : Number.NaN;

/** The run with the median tasks/s (the lower one of the middle two for an even count). */
function medianRun(runs: ContenderRun[]): ContenderRun | undefined {
  const sorted = [...runs].sort((a, b) => tasksPerSec(a) - tasksPerSec(b));
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

function summarizeRuns(contender: ContenderId, runs: ContenderRun[]): ContenderSummary | undefined {
  const median = medianRun(runs);
  if (!median) return undefined;
  const sum = (key: "lost" | "duplicated" | "failed") => runs.reduce((n, r) => n + r[key], 0);
  return {
    contender,
    label: CONTENDERS[contender].label,
    workers: CONTENDERS[contender].workers,
    tasks: median.tasks,
    tasksPerSec: tasksPerSec(median),
    roundsTasksPerSec: runs.map(tasksPerSec),
    msPerTask: median.wallMs / median.tasks,
    enqueueMsPerTask: median.enqueueMs / median.tasks,
    latency: summarize(runs.flatMap((r) => r.latenciesMs)),
    cpuPerTask: cpuPerTask(median.cpu, median.tasks),
    pgTransactionsPerTask: median.pgTransactionsPerTask,
    perWorker: median.perWorker,
    lost: sum("lost"),
    duplicated: sum("duplicated"),
    failed: sum("failed"),
  };
}

const PAIRS: { workers: number; genflow: ContenderId; bare: ContenderId }[] = [
  { workers: 1, genflow: "genflow-1", bare: "bare-1" },
  { workers: 2, genflow: "genflow-2", bare: "bare-2" },
];

function compare(contenders: ContenderSummary[]): Comparison[] {
  const by = (id: ContenderId) => contenders.find((c) => c.contender === id);
  return PAIRS.flatMap((pair) => {
    const genflow = by(pair.genflow);
    const bare = by(pair.bare);
    if (!genflow || !bare) return [];
    const timeRatio = bare.msPerTask > 0 ? genflow.msPerTask / bare.msPerTask : null;
    const gCpu = genflow.cpuPerTask.total;
    const bCpu = bare.cpuPerTask.total;
    return [
      {
        ...pair,
        timeRatio: timeRatio !== null && Number.isFinite(timeRatio) ? timeRatio : null,
        cpuRatio: gCpu !== null && bCpu !== null && bCpu > 0 ? gCpu / bCpu : null,
        met: timeRatio === null || !Number.isFinite(timeRatio) ? null : timeRatio < OVERHEAD_GOAL,
      },
    ];
  });
}

function recordShare(contenders: ContenderSummary[], cores: number): RecordShare | null {
  const record = contenders.find((c) => c.contender === "record");
  const bare = contenders.find((c) => c.contender === "bare-1");
  if (!record || !bare) return null;
  const ratio = (a: number | null, b: number | null) =>
    a === null || b === null || b <= 0 || !Number.isFinite(a / b) ? null : a / b;
  const rCpu = record.cpuPerTask.total;
  const bCpu = bare.cpuPerTask.total;
  const budget = Number.isFinite(bare.msPerTask) ? cores * OVERHEAD_GOAL * bare.msPerTask : null;
  return {
    timeRatio: ratio(record.msPerTask, bare.msPerTask),
    cpuRatio: ratio(rCpu, bCpu),
    budgetCpuMs: budget,
    headroomCpuMs: budget === null || rCpu === null || bCpu === null ? null : budget - bCpu - rCpu,
  };
}

export function buildReport(
  input: Omit<TasksReport, "contenders" | "comparisons" | "record" | "goals">,
  runs: ContenderRun[],
): TasksReport {
  const contenders = CONTENDER_IDS.flatMap((id) => {
    const summary = summarizeRuns(
      id,
      runs.filter((r) => r.contender === id),
    );
    return summary ? [summary] : [];
  });
  const comparisons = compare(contenders);
  const measured = comparisons.filter((c) => c.met !== null);
  const failures = [...input.failures];
  for (const run of runs) {
    const label = `${CONTENDERS[run.contender].label} (round ${run.round})`;
    if (run.lost + run.duplicated + run.failed > 0)
      failures.push(
        `${label}: ${run.lost} lost, ${run.duplicated} duplicated, ${run.failed} not succeeded of ${run.tasks}`,
      );
    for (const problem of run.problems) failures.push(`${label}: ${problem}`);
  }
  return {
    ...input,
    contenders,
    comparisons,
    record: recordShare(contenders, input.machine.cpus),
    goals: {
      overhead: measured.length === 0 ? null : measured.every((c) => c.met === true),
      noneLost:
        contenders.length === 0
          ? null
          : contenders.every((c) => c.lost + c.duplicated + c.failed === 0) &&
            runs.every((r) => r.problems.length === 0),
    },
    failures,
  };
}
