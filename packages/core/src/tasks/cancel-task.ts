import { schema } from "@genflow/db";
import { eq } from "drizzle-orm";

import { DomainError, notFound } from "../errors";
import { parseInput } from "../validation";
import type { TasksDeps } from "./ports";
import { isFinished, type Task, TASK_CANCEL_CHANNEL, TaskByIdInput } from "./schemas";
import { changeTask, findTask } from "./store";

/**
 * Stops one of the user's tasks. A queued task is canceled at once. A running one is asked to
 * stop: the request is recorded (so a runner that missed the broadcast sees it at its next
 * heartbeat) and broadcast to every process; the handler's signal fires wherever it runs and the
 * task ends `canceled`. A broadcast that fails once the request is recorded is only logged: the
 * heartbeat delivers it. A finished task cannot be canceled, and the error says what it became.
 */
export async function cancelTask(
  deps: Pick<TasksDeps, "db" | "pubsub" | "clock" | "log">,
  params: { userId: string; input: unknown; by?: string },
): Promise<Task> {
  const { id } = parseInput(TaskByIdInput, params.input, "The task id is not valid");
  const by = params.by ?? params.userId;
  const t = schema.tasks;
  const target = { id, userId: params.userId };
  const now = deps.clock.now();

  // Most cancels find the task in one of these two states; a task that moves between them while
  // we look is simply tried again.
  for (let round = 0; round < 3; round += 1) {
    const task = await findTask(deps.db, id, params.userId);
    if (!task) throw notFound("Task", { id });
    if (isFinished(task.status)) {
      throw new DomainError("CONFLICT", `The task has already ${finishedWord(task.status)}`, {
        details: { id, status: task.status },
      });
    }
    if (task.status === "queued") {
      const canceled = await changeTask(
        deps,
        target,
        eq(t.status, "queued"),
        {
          status: "canceled",
          canceledBy: by,
          cancelRequestedAt: now,
          finishedAt: now,
          workerId: null,
        },
        { type: "canceled", data: { by } },
      );
      if (canceled) return canceled;
      continue;
    }
    if (task.cancelRequested) return task;
    const requested = await changeTask(
      deps,
      target,
      eq(t.status, "running"),
      { canceledBy: by, cancelRequestedAt: now },
      { type: "cancel-requested", data: { by } },
    );
    if (requested) {
      try {
        await deps.pubsub.publish(TASK_CANCEL_CHANNEL, { taskId: id, by });
      } catch (error) {
        deps.log.warn(
          { err: error, taskId: id },
          "could not broadcast a cancel request; the runner sees it at its next heartbeat",
        );
      }
      return requested;
    }
  }
  const task = await findTask(deps.db, id, params.userId);
  if (!task) throw notFound("Task", { id });
  return task;
}

function finishedWord(status: Task["status"]): string {
  switch (status) {
    case "succeeded":
      return "succeeded";
    case "failed":
      return "failed";
    case "canceled":
      return "been canceled";
    default:
      return "been interrupted";
  }
}
