import { schema } from "@genflow/db";
import { and, eq } from "drizzle-orm";

import type { CoreDeps } from "../context";
import { afterCursor, decodeCursor, encodeCursor, newestFirst } from "../pagination";
import { parseInput } from "../validation";
import { toUpload } from "./queries";
import { ListUploadsInput, type UploadsPage } from "./schemas";

export interface ListUploadsParams extends ListUploadsInput {
  userId: string;
}

/** The user's uploads, newest first, a page at a time (the cursor is opaque, as for cards). */
export async function listUploads(
  deps: Pick<CoreDeps, "db">,
  params: ListUploadsParams,
): Promise<UploadsPage> {
  const { cursor, limit } = parseInput(
    ListUploadsInput,
    { cursor: params.cursor, limit: params.limit },
    "The uploads request is not valid",
  );
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  const t = schema.uploads;
  const rows = await deps.db
    .select()
    .from(t)
    .where(and(eq(t.userId, params.userId), afterCursor(t, after)))
    .orderBy(...newestFirst(t))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toUpload),
    nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
  };
}
