import { schema } from "@genflow/db";
import { and, eq, gt, lt, or, sql } from "drizzle-orm";

import type { CoreDeps } from "../context";
import { notFound } from "../errors";
import { parseInput } from "../validation";
import type { TasksDeps } from "./ports";
import { TaskByIdInput, type TaskDetail } from "./schemas";
import { findTask, QUEUED_OF_A_KIND } from "./store";
import { medianDurationMs } from "./task-stats";

/** One of the user's tasks; a queued one comes with its place in the queue and an ETA. */
export async function getTask(
  deps: Pick<TasksDeps, "db" | "tasks" | "clock">,
  params: { userId: string; input: TaskByIdInput },
): Promise<TaskDetail> {
  const { id } = parseInput(TaskByIdInput, params.input, "The task id is not valid");
  const task = await findTask(deps.db, id, params.userId);
  if (!task) throw notFound("Task", { id });
  if (task.status !== "queued") return { ...task, queue: null };

  const [position, median, runningSince] = await Promise.all([
    queuePosition(deps, task),
    medianDurationMs(deps, task.kind),
    runningStarts(deps, task.kind),
  ]);
  const etaMs =
    median === null
      ? null
      : estimateFinishMs({
          position,
          medianMs: median,
          concurrency: deps.tasks.kinds.get(task.kind)?.concurrency ?? 1,
          runningElapsedMs: runningSince.map((at) =>
            Math.max(0, deps.clock.now().getTime() - at.getTime()),
          ),
        });
  return { ...task, queue: { position, etaMs } };
}

/**
 * When the queued task at `position` (1 = next) should finish, in ms from now, if every task of
 * its kind takes `medianMs`: the kind runs on as many slots as its concurrency, or as the tasks
 * running now when more run (several workers); a slot is free once its running task has had its
 * median time (one that overran is taken as about to finish), and the queue fills the slots in
 * turn, each task starting when the first slot frees.
 */
export function estimateFinishMs(params: {
  position: number;
  medianMs: number;
  concurrency: number;
  runningElapsedMs: readonly number[];
}): number {
  const { position, medianMs } = params;
  const slots = Math.max(1, params.concurrency, params.runningElapsedMs.length);
  // When each slot is free: its running task's remaining time, or now.
  const free = Array.from({ length: slots }, (_, i) => {
    const elapsed = params.runningElapsedMs[i];
    return elapsed === undefined ? 0 : Math.max(0, medianMs - elapsed);
  }).sort((a, b) => a - b);
  // Every slot frees within one median, so the queue takes the slots round by round in this order.
  const index = position - 1;
  const start = (free[index % slots] ?? 0) + Math.floor(index / slots) * medianMs;
  return Math.round(start + medianMs);
}

/** When the running tasks of a kind started (a sample large enough for any deployment's slots). */
async function runningStarts(deps: Pick<CoreDeps, "db">, kind: string): Promise<Date[]> {
  const t = schema.tasks;
  const rows = await deps.db
    .select({ startedAt: t.startedAt })
    .from(t)
    .where(and(eq(t.status, "running"), eq(t.kind, kind)))
    .limit(1_000);
  return rows.flatMap((row) => (row.startedAt ? [row.startedAt] : []));
}

/**
 * How many queued tasks of the same kind start before this one, plus one: those with a higher
 * priority, or the same priority and created earlier (ties by id).
 */
async function queuePosition(
  deps: Pick<CoreDeps, "db">,
  task: { id: string; kind: string; priority: number; createdAt: Date },
): Promise<number> {
  const t = schema.tasks;
  const [row] = await deps.db
    .select({ ahead: sql<number>`count(*)::int` })
    .from(t)
    .where(
      and(
        QUEUED_OF_A_KIND,
        eq(t.kind, task.kind),
        or(
          gt(t.priority, task.priority),
          and(eq(t.priority, task.priority), lt(t.createdAt, task.createdAt)),
          and(eq(t.priority, task.priority), eq(t.createdAt, task.createdAt), lt(t.id, task.id)),
        ),
      ),
    );
  return (row?.ahead ?? 0) + 1;
}
