import { schema } from "@genflow/db";
import { and, eq, gt, lt, or, sql } from "drizzle-orm";

import type { CoreDeps } from "../context";
import { notFound } from "../errors";
import { parseInput } from "../validation";
import type { TasksDeps } from "./ports";
import { TaskByIdInput, type TaskDetail } from "./schemas";
import { findTask } from "./store";
import { medianDurationMs } from "./task-stats";

/** One of the user's tasks; a queued one comes with its place in the queue and an ETA. */
export async function getTask(
  deps: Pick<TasksDeps, "db" | "tasks">,
  params: { userId: string; input: TaskByIdInput },
): Promise<TaskDetail> {
  const { id } = parseInput(TaskByIdInput, params.input, "The task id is not valid");
  const task = await findTask(deps.db, id, params.userId);
  if (!task) throw notFound("Task", { id });
  if (task.status !== "queued") return { ...task, queue: null };

  const position = await queuePosition(deps, task);
  const median = await medianDurationMs(deps, task.kind);
  const concurrency = deps.tasks.kinds.get(task.kind)?.concurrency ?? 1;
  // Tasks ahead run `concurrency` at a time; then this one runs.
  const etaMs = median === null ? null : Math.round(Math.ceil(position / concurrency) * median);
  return { ...task, queue: { position, etaMs } };
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
        eq(t.status, "queued"),
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
