import {
  photoSize,
  processCutout,
  stageCutoutSource,
  type CutoutSource,
  type ProcessedCutout,
} from "../../../cutout/library";
import type { CutoutServices } from "../../../cutout/ports";
import { CUTOUT_SYNC_MAX_PIXELS, type CutoutOptions } from "../../../cutout/schemas";
import { createTask } from "../../create-task";
import type { TasksDeps } from "../../ports";
import type { Task } from "../../schemas";
import { CUTOUT_BATCH_KIND } from "./kind";
import type { CutoutBatchInput } from "./schemas";

export interface StartCutoutParams {
  userId: string;
  source: CutoutSource;
  options?: CutoutOptions | undefined;
}

export type StartedCutout =
  ({ status: "done" } & ProcessedCutout) | { status: "queued"; task: Task };

/**
 * Removes a photo's background now when it is small enough (`CUTOUT_SYNC_MAX_PIXELS`), and
 * otherwise queues it as a one-photo `cutout.batch` task whose progress the caller can follow.
 */
export async function startCutout(
  deps: {
    cutout: CutoutServices;
    tasks: Pick<TasksDeps, "db" | "pubsub" | "clock" | "log" | "tasks">;
  },
  params: StartCutoutParams,
): Promise<StartedCutout> {
  const { width, height } = await photoSize(deps.cutout, params.userId, params.source);
  if (width * height <= CUTOUT_SYNC_MAX_PIXELS) {
    return { status: "done", ...(await processCutout(deps.cutout, params)) };
  }
  const item: CutoutBatchInput["items"][number] =
    "uploadId" in params.source
      ? { uploadId: params.source.uploadId }
      : {
          stagedId: await stageCutoutSource(deps.cutout, params.source.bytes),
          fileName: params.source.fileName?.slice(0, 255) ?? null,
        };
  const batch: CutoutBatchInput = { items: [item], options: params.options ?? {} };
  const { task } = await createTask(deps.tasks, {
    userId: params.userId,
    input: { kind: CUTOUT_BATCH_KIND, input: batch },
  });
  return { status: "queued", task };
}
