import {
  cancelTask,
  deleteTask,
  getTask,
  listTasks,
  ListTasksInput,
  OnTaskUpdatesInput,
  retryTask,
  streamTaskUpdates,
  TaskByIdInput,
  taskStats,
  type Task,
} from "@genflow/core/tasks";
import { tracked } from "@trpc/server";

import type { Context } from "../context";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "../trpc";

/** Where a task's output file is served to its owner. */
export function taskFileUrl(ctx: Pick<Context, "services">, taskId: string, name: string): string {
  return `${ctx.services.config.publicUrl}/api/tasks/${taskId}/files/${encodeURIComponent(name)}`;
}

/** A task as the API shows it: each output file with the URL it is served at. */
export function withFileUrls<T extends Task>(ctx: Pick<Context, "services">, task: T): T {
  const files = task.output?.["files"];
  if (!Array.isArray(files)) return task;
  return {
    ...task,
    output: {
      ...task.output,
      files: files.map((file: Record<string, unknown>) => {
        const name = typeof file["name"] === "string" ? file["name"] : undefined;
        const thumbnail =
          typeof file["thumbnailName"] === "string" ? file["thumbnailName"] : undefined;
        return {
          ...file,
          ...(name ? { url: taskFileUrl(ctx, task.id, name) } : {}),
          ...(thumbnail ? { thumbnailUrl: taskFileUrl(ctx, task.id, thumbnail) } : {}),
        };
      }),
    },
  };
}

/**
 * Durable runs: the caller's tasks, live. Tasks are created by the capability that needs one
 * (`generate.image`, `generate.batch`…); here they are watched, stopped, retried and removed.
 */
export const tasksRouter = createTRPCRouter({
  /** The caller's tasks, newest first; filter by status or kind, or search their input. */
  list: protectedProcedure.input(ListTasksInput).query(async ({ ctx, input }) => {
    const page = await listTasks(ctx.services, { ...input, userId: ctx.user.id });
    return {
      items: page.items.map((task) => withFileUrls(ctx, task)),
      nextCursor: page.nextCursor,
    };
  }),

  /** One task; a queued one with its place in the queue and an ETA. */
  byId: protectedProcedure
    .input(TaskByIdInput)
    .query(async ({ ctx, input }) =>
      withFileUrls(ctx, await getTask(ctx.services, { userId: ctx.user.id, input })),
    ),

  /** Cancels a queued task at once, or asks a running one to stop wherever it runs. */
  cancel: protectedProcedure
    .input(TaskByIdInput)
    .mutation(async ({ ctx, input }) =>
      withFileUrls(ctx, await cancelTask(ctx.services, { userId: ctx.user.id, input })),
    ),

  /** Runs a failed, canceled or interrupted task again (same task, new attempt). */
  retry: protectedProcedure
    .input(TaskByIdInput)
    .mutation(async ({ ctx, input }) =>
      withFileUrls(ctx, await retryTask(ctx.services, { userId: ctx.user.id, input })),
    ),

  /** Deletes a task that is not running, with its log and files. */
  delete: protectedProcedure
    .input(TaskByIdInput)
    .mutation(({ ctx, input }) => deleteTask(ctx.services, { userId: ctx.user.id, input })),

  /**
   * Updates of all the caller's tasks, or of one (`taskId`). Each is tracked by its event id, so
   * a reconnecting client receives exactly what it missed; without `lastEventId` the stream starts
   * with the next update.
   */
  onUpdate: protectedProcedure.input(OnTaskUpdatesInput.optional()).subscription(async function* ({
    ctx,
    input,
    signal,
    path,
  }) {
    const updates = await streamTaskUpdates(ctx.services, {
      userId: ctx.user.id,
      input: input ?? {},
      signal,
    });
    ctx.services.metrics.subscriptionOpened(path);
    try {
      for await (const update of updates) {
        yield tracked(String(update.id), {
          ...update,
          task: update.task ? withFileUrls(ctx, update.task) : null,
        });
      }
    } finally {
      ctx.services.metrics.subscriptionClosed(path);
    }
  }),

  /** Queue depth, running tasks, recent failures and durations per kind (admins). */
  stats: adminProcedure.query(({ ctx }) => taskStats(ctx.services)),
});
