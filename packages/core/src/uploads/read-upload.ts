import { z } from "zod";

import { notFound } from "../errors";
import type { UploadDeps } from "./ports";
import { findOwnUploads, readUploadBytes } from "./queries";
import type { UploadFile } from "./schemas";

export interface ReadUploadParams {
  userId: string;
  id: string;
}

/**
 * One of the user's uploads with its bytes, for serving. Another user's upload is NOT_FOUND,
 * exactly as an id that does not exist (or is not an id at all), so uploads do not reveal
 * themselves.
 */
export async function readUpload(
  deps: Pick<UploadDeps, "db" | "blobs" | "log">,
  params: ReadUploadParams,
): Promise<UploadFile> {
  const parsed = z.uuid().safeParse(params.id);
  if (!parsed.success) throw notFound("Upload");
  const id = parsed.data.toLowerCase();
  const upload = (await findOwnUploads(deps.db, { userId: params.userId, ids: [id] })).get(id);
  if (!upload) throw notFound("Upload");
  const bytes = await readUploadBytes(deps.blobs, id);
  if (!bytes) {
    deps.log.warn({ uploadId: id }, "an upload's stored bytes are missing");
    throw notFound("Upload");
  }
  return { upload, bytes };
}
