import { schema } from "@genflow/db";
import { and, eq } from "drizzle-orm";

import { notFound } from "../errors";
import { parseInput } from "../validation";
import type { UploadDeps } from "./ports";
import { lockUserUploads, uploadBlobKey } from "./queries";
import { DeleteUploadInput } from "./schemas";

export interface DeleteUploadParams {
  userId: string;
  id: string;
}

/**
 * Deletes one of the user's uploads: its row, then its bytes. Another user's upload (or a missing
 * one) is NOT_FOUND alike. Cards already made from it keep their rendered images; making a card
 * from it again is refused.
 */
export async function deleteUpload(
  deps: Pick<UploadDeps, "db" | "blobs" | "log">,
  params: DeleteUploadParams,
): Promise<void> {
  const { id } = parseInput(DeleteUploadInput, { id: params.id }, "The upload id is not valid");
  const t = schema.uploads;
  const removed = await deps.db.transaction(async (tx) => {
    await lockUserUploads(tx, params.userId);
    return tx
      .delete(t)
      .where(and(eq(t.id, id), eq(t.userId, params.userId)))
      .returning({ id: t.id });
  });
  if (removed.length === 0) throw notFound("Upload");
  // The row is gone, so nothing can reach these bytes any more; a failure only leaves litter.
  await deps.blobs.delete(uploadBlobKey(id)).catch((error: unknown) => {
    deps.log.error({ err: error, uploadId: id }, "could not remove the bytes of a deleted upload");
  });
}
