import type { AppRouter } from "@genflow/api";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

type Inputs = inferRouterInputs<AppRouter>;
type Outputs = inferRouterOutputs<AppRouter>;

/** A task as the list and the live updates carry it (output file URLs filled in). */
export type TaskItem = Outputs["tasks"]["list"]["items"][number];
/** One task with its place in the queue while it waits. */
export type TaskDetail = Outputs["tasks"]["byId"];
export type TaskStatus = TaskItem["status"];
export type TaskListInput = Inputs["tasks"]["list"];
export type TaskStats = Outputs["tasks"]["stats"];

/** One entry of the live stream (`tasks.onUpdate`): the event and the task right after it. */
export interface TaskUpdate {
  id: number;
  taskId: string;
  seq: number;
  type: string;
  data: Record<string, unknown>;
  createdAt: Date;
  task: TaskItem | null;
}

export const TASK_STATUSES = [
  "queued",
  "running",
  "succeeded",
  "failed",
  "canceled",
  "interrupted",
] as const satisfies readonly TaskStatus[];

/** The kinds this app knows how to show; others still list, under their own name. */
export const CARDS_BATCH_KIND = "cards.batch";
export const IMAGE_GENERATE_KIND = "image.generate";
export const CUTOUT_BATCH_KIND = "cutout.batch";
export const KNOWN_KINDS = [CARDS_BATCH_KIND, IMAGE_GENERATE_KIND, CUTOUT_BATCH_KIND] as const;
