import type { CoreDeps } from "../context";
import { notFound } from "../errors";
import { streamLog } from "../streams/stream-log";
import { parseInput } from "../validation";
import {
  OnTaskUpdatesInput,
  type TaskUpdate,
  TaskUpdateMessages,
  taskUpdatesChannel,
} from "./schemas";
import { findTask, latestTaskEventId, readTaskUpdates } from "./store";

/**
 * The user's task updates (or one task's) from `lastEventId` on: replayed from the task log, then
 * live from any process, each once and in order (see `streamLog`). Each update carries the task
 * as it was right after the event (on replay: as it is now).
 */
export async function streamTaskUpdates(
  deps: Pick<CoreDeps, "db" | "pubsub" | "log">,
  params: { userId: string; input: OnTaskUpdatesInput; signal?: AbortSignal | undefined },
): Promise<AsyncGenerator<TaskUpdate, void, undefined>> {
  const { taskId, lastEventId } = parseInput(
    OnTaskUpdatesInput,
    params.input,
    "The subscription request is not valid",
  );
  const { userId } = params;
  if (taskId !== undefined && !(await findTask(deps.db, taskId, userId))) {
    throw notFound("Task", { id: taskId });
  }
  return streamLog<TaskUpdate>(
    deps,
    {
      channel: taskUpdatesChannel(userId),
      parse(message) {
        const parsed = TaskUpdateMessages.safeParse(message);
        if (!parsed.success) return { ok: false, issues: parsed.error.issues };
        const updates = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
        return {
          ok: true,
          messages: updates.map(({ prevId, ...update }) => ({ entry: update, prevId })),
        };
      },
      readAfter: (afterId, limit) => readTaskUpdates(deps.db, { userId, taskId, afterId, limit }),
      latestId: () => latestTaskEventId(deps.db, userId, taskId),
      include: taskId === undefined ? undefined : (update) => update.taskId === taskId,
    },
    { lastEventId, signal: params.signal },
  );
}
