import { z } from "zod";

import { notFound } from "../errors";
import { parseInput } from "../validation";
import type { TasksDeps } from "./ports";
import { findTask } from "./store";

export const ReadTaskFileInput = z.object({
  taskId: z.uuid(),
  /** A file name from the task's `output.files` (its `name` or `thumbnailName`). */
  name: z.string().min(1).max(200),
});

/** One file a task of the user made, with its type; NOT_FOUND for anything else. */
export async function readTaskFile(
  deps: Pick<TasksDeps, "db" | "tasks">,
  params: { userId: string; input: unknown },
): Promise<{ bytes: Uint8Array; contentType: string; name: string }> {
  const { taskId, name } = parseInput(
    ReadTaskFileInput,
    params.input,
    "The file request is not valid",
  );
  const task = await findTask(deps.db, taskId, params.userId);
  const files = task?.output?.["files"];
  if (!task || !Array.isArray(files)) throw notFound("File", { taskId, name });
  const prefix = `tasks/${task.id}/`;
  for (const entry of files as Record<string, unknown>[]) {
    const pick =
      entry["name"] === name
        ? { key: entry["key"], contentType: entry["contentType"] }
        : entry["thumbnailName"] === name
          ? {
              key: entry["thumbnailKey"],
              contentType: entry["thumbnailContentType"] ?? "image/webp",
            }
          : undefined;
    if (!pick || typeof pick.key !== "string" || !pick.key.startsWith(prefix)) continue;
    const bytes = await deps.tasks.storage.get(pick.key);
    if (!bytes) break;
    return {
      bytes,
      contentType:
        typeof pick.contentType === "string" ? pick.contentType : "application/octet-stream",
      name,
    };
  }
  throw notFound("File", { taskId, name });
}
