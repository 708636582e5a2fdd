import { schema } from "@genflow/db";
import { and, inArray } from "drizzle-orm";

import { DomainError, notFound } from "../errors";
import { parseInput } from "../validation";
import type { TasksDeps } from "./ports";
import { type Task, TaskByIdInput } from "./schemas";
import { changeTask, findTask } from "./store";

const RETRYABLE = ["failed", "canceled", "interrupted"] as const;

/**
 * Runs a failed, canceled or interrupted task again: the same task (id, input, history) with a new
 * attempt and a fresh budget of attempts. Succeeded, queued and running tasks are refused.
 */
export async function retryTask(
  deps: Pick<TasksDeps, "db" | "pubsub" | "clock" | "log" | "tasks">,
  params: { userId: string; input: unknown },
): Promise<Task> {
  const { id } = parseInput(TaskByIdInput, params.input, "The task id is not valid");
  const task = await findTask(deps.db, id, params.userId);
  if (!task) throw notFound("Task", { id });
  if (!(RETRYABLE as readonly string[]).includes(task.status)) {
    throw new DomainError("CONFLICT", `A ${task.status} task cannot be retried`, {
      details: { id, status: task.status, retryable: RETRYABLE },
    });
  }
  const kind = deps.tasks.kinds.get(task.kind);
  if (!kind) {
    throw new DomainError("CONFLICT", `Tasks of kind "${task.kind}" can no longer run`, {
      details: { id, kind: task.kind },
    });
  }
  const t = schema.tasks;
  const now = deps.clock.now();
  const retried = await changeTask(
    deps,
    { id, userId: params.userId },
    and(inArray(t.status, [...RETRYABLE])),
    {
      status: "queued",
      maxAttempts: task.attempts + kind.maxAttempts,
      progress: 0,
      progressMessage: null,
      output: null,
      errorCode: null,
      errorMessage: null,
      canceledBy: null,
      cancelRequestedAt: null,
      workerId: null,
      runAfter: now,
      startedAt: null,
      heartbeatAt: null,
      finishedAt: null,
    },
    { type: "retried", data: { previousStatus: task.status } },
  );
  if (!retried) throw new DomainError("CONFLICT", "The task changed meanwhile; try again");
  await deps.tasks.queue.enqueue(retried);
  return retried;
}
