import { useQueryClient } from "@tanstack/react-query";
import type { QueryKey } from "@tanstack/react-query";
import { getQueryKey } from "@trpc/react-query";
import { useMemo } from "react";

import { trpc } from "../../lib/trpc";
import { isTaskPages, listNeedsRefetch, patchTaskPages, removeTaskFromPages } from "./task-cache";
import { CARDS_BATCH_KIND, CUTOUT_BATCH_KIND } from "./types";
import type { TaskDetail, TaskItem, TaskListInput, TaskUpdate } from "./types";

/** The filter of a cached `tasks.list` query, read from its tRPC key `[path, { input }]`. */
function filterOfKey(queryKey: QueryKey): Pick<TaskListInput, "status" | "kind" | "search"> {
  const meta = queryKey[1];
  if (typeof meta !== "object" || meta === null || !("input" in meta)) return {};
  const input = meta.input;
  if (typeof input !== "object" || input === null) return {};
  const { status, kind, search } = input as Partial<TaskListInput>;
  return {
    ...(Array.isArray(status) ? { status } : {}),
    ...(typeof kind === "string" ? { kind } : {}),
    ...(typeof search === "string" ? { search } : {}),
  };
}

/** Events after which queued tasks stand elsewhere in the queue. */
const QUEUE_MOVES = new Set(["started", "succeeded", "failed", "canceled", "interrupted"]);

export interface TaskCache {
  /** Puts a task (from an event or a mutation) into every cached list and its `byId`. */
  put: (task: TaskItem) => void;
  /** Applies a live update: patches, refetches lists it belongs in, refreshes queue places. */
  apply: (update: TaskUpdate) => void;
  /** Takes a deleted task out of every cached list. */
  remove: (id: string) => void;
  /** Refetches lists loaded before `since` (ms), which may have missed updates. */
  refreshListsBefore: (since: number) => void;
}

/**
 * Keeps react-query's copies of the caller's tasks (`tasks.list` pages, `tasks.byId`) in step with
 * what the server reports, so every view of a task changes together without polling.
 */
export function useTaskCache(): TaskCache {
  const queryClient = useQueryClient();
  const utils = trpc.useUtils();
  return useMemo(() => {
    const listKey = getQueryKey(trpc.tasks.list);
    const byIdKey = getQueryKey(trpc.tasks.byId);

    const put = (task: TaskItem) => {
      queryClient.setQueriesData({ queryKey: listKey }, (data: unknown) =>
        isTaskPages(data) ? patchTaskPages(data, task) : data,
      );
      utils.tasks.byId.setData({ id: task.id }, (old): TaskDetail | undefined =>
        old && old.lastSeq <= task.lastSeq
          ? { ...task, queue: task.status === "queued" ? old.queue : null }
          : old,
      );
    };

    const apply = (update: TaskUpdate) => {
      const { task } = update;
      if (!task) return;
      put(task);
      for (const query of queryClient.getQueryCache().findAll({ queryKey: listKey })) {
        const data = query.state.data;
        if (isTaskPages(data) && listNeedsRefetch(data, filterOfKey(query.queryKey), update)) {
          void queryClient.invalidateQueries({ queryKey: query.queryKey, exact: true });
        }
      }
      // Queue stats (admins) count tasks by status: refresh them when a status changes.
      if (update.type !== "progress" && update.type !== "log") {
        void utils.tasks.stats.invalidate();
      }
      if (QUEUE_MOVES.has(update.type)) {
        void queryClient.invalidateQueries({
          queryKey: byIdKey,
          predicate: (query) =>
            (query.state.data as TaskDetail | undefined)?.status === "queued" &&
            (query.state.data as TaskDetail | undefined)?.id !== task.id,
        });
      }
      // A batch's cards are in the card history too.
      if (task.kind === CARDS_BATCH_KIND && update.type === "succeeded") {
        void utils.generate.history.invalidate();
      }
      // So are a cut-out batch's cut-outs, in the recent cut-outs (each one as it is made).
      if (
        task.kind === CUTOUT_BATCH_KIND &&
        (update.type === "log" || update.type === "succeeded")
      ) {
        void utils.cutout.list.invalidate();
      }
    };

    const remove = (id: string) => {
      queryClient.setQueriesData({ queryKey: listKey }, (data: unknown) =>
        isTaskPages(data) ? removeTaskFromPages(data, id) : data,
      );
      void utils.tasks.byId.invalidate({ id }, { refetchType: "none" });
    };

    const refreshListsBefore = (since: number) => {
      void queryClient.invalidateQueries({
        queryKey: listKey,
        predicate: (query) => query.state.status === "success" && query.state.dataUpdatedAt < since,
      });
    };

    return { put, apply, remove, refreshListsBefore };
  }, [queryClient, utils]);
}
