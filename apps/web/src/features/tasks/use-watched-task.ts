import { useState } from "react";

import { trpc } from "../../lib/trpc";
import type { TaskDetail, TaskItem, TaskUpdate } from "./types";
import { useTaskUpdates } from "./use-task-updates";
import type { TaskUpdatesState } from "./use-task-updates";

export interface WatchedTask {
  /** The task as last reported (null until first known). */
  task: TaskItem | null;
  /** Its place in the queue while it waits. */
  queue: TaskDetail["queue"];
  /** `details` of the error it failed with (e.g. the rows a batch refused), from its log. */
  failureDetails: Record<string, unknown> | null;
  live: TaskUpdatesState;
}

const newer = (a: TaskItem | null | undefined, b: TaskItem | null | undefined) =>
  !a ? (b ?? null) : !b ? a : b.lastSeq > a.lastSeq ? b : a;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * One task, live: its whole log is replayed from the start and followed from then on (so opening
 * it late misses nothing), with its queue place while it waits. Mount it keyed by the task id.
 * `onUpdate` sees every event too (e.g. to read a batch's per-item log entries).
 */
export function useWatchedTask(
  taskId: string,
  initial: TaskItem | null,
  onUpdate?: (update: TaskUpdate) => void,
): WatchedTask {
  const [latest, setLatest] = useState<TaskItem | null>(initial);
  const [failureDetails, setFailureDetails] = useState<Record<string, unknown> | null>(null);
  const detail = trpc.tasks.byId.useQuery(
    { id: taskId },
    {
      meta: { errorToast: false },
      refetchInterval: (query) => (query.state.data?.status === "queued" ? 5_000 : false),
    },
  );
  const live = useTaskUpdates({
    taskId,
    onUpdate: (update) => {
      const { task } = update;
      if (task) setLatest((current) => newer(current, task));
      if (update.type === "failed") {
        const details = update.data["details"];
        setFailureDetails(isRecord(details) ? details : null);
      } else if (update.type === "retried") {
        setFailureDetails(null);
      }
      onUpdate?.(update);
    },
  });
  const task = newer(latest, detail.data);
  return {
    task,
    queue: task?.status === "queued" ? (detail.data?.queue ?? null) : null,
    failureDetails: task?.status === "failed" ? failureDetails : null,
    live,
  };
}
