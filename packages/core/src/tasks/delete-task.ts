import { schema } from "@genflow/db";
import { and, eq, inArray } from "drizzle-orm";

import { DomainError, notFound } from "../errors";
import { publishUserEvent } from "../events";
import { parseInput } from "../validation";
import type { TasksDeps } from "./ports";
import { TaskByIdInput } from "./schemas";
import { findTask, toTask } from "./store";

/**
 * Deletes one of the user's tasks with its log and the files its runs made. A running task must
 * be canceled first (its handler may still be writing files); a queued one is simply removed.
 * The task's log goes with it, so the user's event stream says `task.deleted`: the user's other
 * tabs and devices take the task off their lists.
 */
export async function deleteTask(
  deps: Pick<TasksDeps, "db" | "log" | "tasks" | "pubsub">,
  params: { userId: string; input: unknown },
): Promise<{ id: string }> {
  const { id } = parseInput(TaskByIdInput, params.input, "The task id is not valid");
  const task = await findTask(deps.db, id, params.userId);
  if (!task) throw notFound("Task", { id });
  if (task.status === "running") {
    throw new DomainError("CONFLICT", "The task is running; cancel it first", {
      details: { id, status: task.status },
    });
  }
  const t = schema.tasks;
  const [row] = await deps.db
    .delete(t)
    .where(
      and(
        eq(t.id, id),
        eq(t.userId, params.userId),
        inArray(t.status, ["queued", "succeeded", "failed", "canceled", "interrupted"]),
      ),
    )
    .returning();
  if (!row) throw new DomainError("CONFLICT", "The task started meanwhile; cancel it first");
  await removeTaskFiles(deps, toTask(row));
  await publishUserEvent(deps, {
    userId: params.userId,
    type: "task.deleted",
    data: { id, kind: row.kind },
  }).catch((error: unknown) => {
    // The task is gone either way; other tabs see it when their lists are next fetched.
    deps.log.warn({ taskId: id, err: error }, "could not announce a deleted task");
  });
  return { id };
}

/** Removes what a task's runs stored; a failure is logged, the row is gone either way. */
export async function removeTaskFiles(
  deps: Pick<TasksDeps, "log" | "tasks">,
  task: ReturnType<typeof toTask>,
): Promise<void> {
  const kind = deps.tasks.kinds.get(task.kind);
  const files = taskFileKeys(task);
  try {
    await Promise.all(files.map((key) => deps.tasks.storage.delete(key)));
    await kind?.cleanup?.(task);
  } catch (error) {
    deps.log.warn({ taskId: task.id, err: error }, "could not remove a deleted task's files");
  }
}

/** The blob keys listed in a task's output (`output.files[].key` under `tasks/<id>/`). */
export function taskFileKeys(task: {
  id: string;
  output: Record<string, unknown> | null;
}): string[] {
  const files = task.output?.["files"];
  if (!Array.isArray(files)) return [];
  const prefix = `tasks/${task.id}/`;
  const keys: string[] = [];
  for (const file of files) {
    const key = (file as { key?: unknown } | null)?.key;
    if (typeof key === "string" && key.startsWith(prefix)) keys.push(key);
    const thumb = (file as { thumbnailKey?: unknown } | null)?.thumbnailKey;
    if (typeof thumb === "string" && thumb.startsWith(prefix)) keys.push(thumb);
  }
  return keys;
}
