import { schema, type DbOrTx } from "@genflow/db";
import { and, eq, inArray, sql } from "drizzle-orm";

import type { BlobStorage } from "../ports";
import { uploadRef, type Upload } from "./schemas";

/** Owner-scoped reads and the storage layout shared by the upload use cases (and by cards). */

type UploadRow = typeof schema.uploads.$inferSelect;

/** Where an upload's bytes live in blob storage. */
export const uploadBlobKey = (id: string) => `uploads/${id}`;

export function toUpload(row: UploadRow): Upload {
  return {
    id: row.id,
    ref: uploadRef(row.id),
    fileName: row.fileName,
    mime: row.mime,
    bytes: row.bytes,
    width: row.width,
    height: row.height,
    sha256: row.sha256,
    createdAt: row.createdAt,
  };
}

/** The user's uploads among `ids` (others' and missing ids are simply not there), by id. */
export async function findOwnUploads(
  db: DbOrTx,
  params: { userId: string; ids: readonly string[] },
): Promise<Map<string, Upload>> {
  if (params.ids.length === 0) return new Map();
  const t = schema.uploads;
  const rows = await db
    .select()
    .from(t)
    .where(and(eq(t.userId, params.userId), inArray(t.id, [...params.ids])));
  return new Map(rows.map((row) => [row.id, toUpload(row)]));
}

/** The bytes of an upload, or undefined when they are gone. */
export function readUploadBytes(blobs: BlobStorage, id: string): Promise<Uint8Array | undefined> {
  return blobs.get(uploadBlobKey(id));
}

/** Namespace of the advisory locks that order one user's uploads and deletions. */
const USER_LOCK_NAMESPACE = 0x75_70_6c; // "upl"

/**
 * Holds, until the transaction ends, the lock that serialises one user's uploads, so the per-user
 * cap and the "same bytes, same upload" rule hold under concurrent requests.
 */
export async function lockUserUploads(tx: DbOrTx, userId: string): Promise<void> {
  await tx.execute(
    sql`select pg_advisory_xact_lock(${USER_LOCK_NAMESPACE}::int4, hashtext(${userId}))`,
  );
}
