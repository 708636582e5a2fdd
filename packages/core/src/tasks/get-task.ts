import { executePrepared, schema } from "@genflow/db";
import { and, eq, sql } from "drizzle-orm";

import type { CoreDeps } from "../context";
import { notFound } from "../errors";
import { parseInput } from "../validation";
import type { TasksDeps } from "./ports";
import { TaskByIdInput, type TaskDetail } from "./schemas";
import { findTask } from "./store";
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
    queuePosition(deps, { ...task, userId: params.userId }),
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
 * Where a queued task stands in its kind's queue (1 = next), in the order claims take tasks (see
 * `claimNextTask`): a task goes before another when its owner's running tasks plus its rank
 * among the owner's queued tasks is smaller. So the place is the task's rank among its owner's
 * queued tasks of the kind, plus, of every other owner's, as many as that order puts before it or
 * level with it (the ties priority and the owners' turns settle are counted as ahead, so the task
 * does not start later than its place says). Each other owner's queue is read only as far as that.
 */
async function queuePosition(
  deps: Pick<CoreDeps, "db">,
  task: { id: string; userId: string; kind: string },
): Promise<number> {
  const { id, userId, kind } = task;
  const [row] = await executePrepared<{ position: number | string }>(
    deps.db,
    "tasks.queue-position",
    sql`with recursive owners(user_id) as (
        select (select q.user_id from tasks q where q.status = 'queued' and q.kind <> '' and q.kind = ${kind}
          order by q.user_id limit 1)
        union all
        select (select q.user_id from tasks q where q.status = 'queued' and q.kind <> '' and q.kind = ${kind}
          and q.user_id > o.user_id order by q.user_id limit 1)
        from owners o where o.user_id is not null
      ),
      busy as (
        select user_id, count(*)::int as running from tasks where status = 'running' group by user_id
      ),
      task as (select priority, created_at from tasks where id = ${id}),
      mine as (
        select (select count(*)::int from tasks q, task
            where q.status = 'queued' and q.user_id = ${userId} and q.kind = ${kind}
              and (q.priority > task.priority
                or (q.priority = task.priority and (q.created_at, q.id) < (task.created_at, ${id}::text))))
          + 1 as rank,
          coalesce((select running from busy where user_id = ${userId}), 0) as running
      )
      select (select rank from mine) + coalesce(sum((
        select count(*) from (
          select 1 from tasks q
          where q.status = 'queued' and q.user_id = o.user_id and q.kind = ${kind}
          limit greatest(0, (select rank + running from mine) - coalesce(b.running, 0))
        ) ahead
      )), 0) as position
      from owners o left join busy b on b.user_id = o.user_id
      where o.user_id is not null and o.user_id <> ${userId}`,
  );
  return Number(row?.position ?? 1);
}
